// Status procedures (业务流程): a household's status changes only through one of these, signed
// off along 村级评议 → 村内公示 (7 full days) → 乡镇审核 → 县级审定; the county approval applies
// the change to the household in the same transaction (card version bumped, audited).
// Domain rules only: the transition table is state-machine.ts, SQL is queries.ts, HTTP routes.ts.
// Every function takes the transaction (or db) first and a `now` it never reads from the clock
// itself when given one, so tests control time (the 7-day notice) without sleeping.
// Must never: change a household's status outside applyProcedure, or act without the scope check.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts';
import { zodToInvalid } from '../../http/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { Scope } from '../auth/scope.ts';
import * as q from './queries.ts';
import { PAYLOAD_SCHEMAS, type PayloadOf, StartProcedureBody } from './schema.ts';
import {
  canStart,
  en,
  type Guard,
  type HouseholdState,
  isProcedureType,
  nextStage,
  OBJECTION_ROLES,
  type ProcedureStatus,
  type ProcedureType,
  PUBLICITY_DAYS,
  PUBLICITY_MS,
  riskEliminationFrom,
  ROLE_ZH,
  type Stage,
  STAGE_ROLE,
  STAGES,
  STARTING_ROLES,
  type StepAction,
  stateOf,
  TRANSITIONS,
  WITHDRAWING_ROLES,
} from './state-machine.ts';

type Trx = Transaction<Database>;
type Db = Kysely<Database> | Trx;

export interface ProcedureContext {
  scope: Scope;
  actor: Actor;
  origin?: Record<string, unknown>;
  /** The moment of the action (defaults to the clock); tests pass it to move through the notice period. */
  now?: Date;
}

export interface StartInput {
  /** Client-generated UUID: a retry with the same id returns the procedure already created. */
  id?: string;
  householdId: string;
  type: ProcedureType;
  reason: string;
  evidence: { text: string; references?: { kind: string; id?: string; title?: string; url?: string }[] };
  payload?: Record<string, unknown>;
}

export interface StepInput {
  action: StepAction;
  note?: string;
  objectionId?: string;
  version?: number;
}

/** Procedures are county business: dates are China Standard Time. */
function chinaDate(d: Date): string {
  return d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

const yuan = (fen: number) => (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// ── Guards ──────────────────────────────────────────────────────────────────────────────────────
/** 两不愁三保障 + 饮水: every one must be an explicit yes in the latest yearly record. */
const GUARANTEES = [
  { column: 'food_secure', zh: '不愁吃', en: 'food' },
  { column: 'clothing_secure', zh: '不愁穿', en: 'clothing' },
  { column: 'education_secure', zh: '义务教育有保障', en: 'compulsory education' },
  { column: 'medical_secure', zh: '基本医疗有保障', en: 'basic medical care' },
  { column: 'housing_secure', zh: '住房安全有保障', en: 'safe housing' },
  { column: 'water_secure', zh: '饮水安全有保障', en: 'safe drinking water' },
] as const;

interface GuardOutcome {
  year: number;
}

/**
 * 标注脱贫 / 风险消除: refuses (409, naming everything unmet) unless the latest yearly record has
 * every guarantee met and per-capita income at or above the county's line for that year.
 */
export async function checkGuard(db: Db, h: { id: string; county_code: string }, type: ProcedureType, guard: Guard): Promise<GuardOutcome> {
  const latest = await q.latestYear(db, h.id);
  const zh: string[] = [];
  const enl: string[] = [];
  const details: Record<string, unknown> = {};
  if (!latest) {
    zh.push('该户没有收入年度记录，两不愁三保障和收入无法核验');
    enl.push('the household has no yearly record, so guarantees and income cannot be checked');
    details.noYearRecord = true;
  } else {
    details.year = latest.year;
    const unmet = GUARANTEES.filter((g) => latest[g.column] !== true);
    if (unmet.length) {
      zh.push(`${latest.year} 年度${unmet.map((g) => g.zh).join('、')}未达标或未填写`);
      enl.push(`in ${latest.year} not met or not recorded: ${unmet.map((g) => g.en).join(', ')}`);
      details.unmet = unmet.map((g) => g.column);
    }
    const settings = await q.findCountySettings(db, h.county_code, latest.year);
    if (!settings) {
      zh.push(`县 ${h.county_code} 尚未设置 ${latest.year} 年度的贫困线和监测线`);
      enl.push(`county ${h.county_code} has no poverty and monitoring lines for ${latest.year}`);
      details.noSettings = true;
    } else {
      const line = guard === 'povertyLine' ? settings.poverty_line : settings.monitoring_line;
      const income = Number(latest.per_capita_income);
      details.incomeFen = income;
      details.lineFen = line;
      if (income < line) {
        zh.push(`${latest.year} 年人均纯收入 ${yuan(income)} 元低于${guard === 'povertyLine' ? '贫困线' : '监测线'} ${yuan(line)} 元`);
        enl.push(
          `per-capita net income in ${latest.year} is ${yuan(income)} yuan, below the ${guard === 'povertyLine' ? 'poverty' : 'monitoring'} line of ${yuan(line)} yuan`,
        );
      }
    }
  }
  if (zh.length) {
    throw Conflict(
      'procedure.guardFailed',
      { typeZh: type, typeEn: en(type), problemsZh: zh.join('；'), problemsEn: enl.join('; ') },
      { guard, ...details },
    );
  }
  return { year: (latest as q.YearRow).year };
}

/**
 * A 监测户's monitoring period: since when (its latest 监测对象认定/再次纳入 approval), the county's
 * months for the year of `now` (the year in which 风险消除 is decided), and the first moment 风险消除
 * may be marked. Null when the date is not known (monitored before it was imported).
 */
export async function monitoringPeriod(db: Db, h: { id: string; county_code: string }, now = new Date()) {
  const since = await q.monitoredSince(db, h.id);
  if (!since) return null;
  const months = await q.riskEliminationMonths(db, h.county_code, Number(chinaDate(now).slice(0, 4)));
  return { since, months, earliest: riskEliminationFrom(since, months) };
}

/** 风险消除: the county's months under monitoring first. */
async function checkMonitoringPeriod(db: Db, h: { id: string; county_code: string }, now: Date) {
  const period = await monitoringPeriod(db, h, now);
  if (period && now < period.earliest) {
    const { since, months, earliest } = period;
    throw Conflict(
      'procedure.monitoringTooShort',
      { since: chinaDate(since), earliest: chinaDate(earliest), months },
      { monitoredSince: since.toISOString(), earliest: earliest.toISOString(), months },
    );
  }
}

/** 自然减少: after applying the payload's member changes, no member may remain 正常 or 失踪. */
async function checkNaturalDecrease(db: Db, householdId: string, payload: PayloadOf<'自然减少'>) {
  const members = await q.currentMembers(db, householdId);
  const byId = new Map(members.map((m) => [m.id, m]));
  const fields = payload.members
    .map((m, i) => (byId.has(m.memberId) ? null : { path: `payload.members.${i}.memberId`, key: 'procedure.memberNotInHousehold' as const, params: { id: m.memberId } }))
    .filter((f) => f !== null);
  if (fields.length) throw Invalid(fields);
  const listed = new Map(payload.members.map((m) => [m.memberId, m.personStatus]));
  const finalStatus = members.map((m) => listed.get(m.id) ?? m.person_status);
  const remaining = finalStatus.filter((s) => s !== '死亡' && s !== '迁出').length;
  if (remaining > 0) throw Conflict('procedure.membersRemain', { count: remaining });
  const expect = payload.reasonCode === '全户死亡' ? '死亡' : payload.reasonCode === '全户迁出' ? '迁出' : null;
  if (expect && finalStatus.some((s) => s !== expect)) throw Conflict('procedure.reasonMismatch', { reason: payload.reasonCode });
}

function parsePayload<T extends ProcedureType>(type: T, payload: unknown): PayloadOf<T> {
  const r = PAYLOAD_SCHEMAS[type].safeParse(payload ?? {});
  if (!r.success) {
    const e = zodToInvalid(r.error);
    throw Invalid(e.fields.map((f) => ({ ...f, path: `payload.${f.path === '(body)' ? '' : f.path}`.replace(/\.$/, '') })));
  }
  return r.data as PayloadOf<T>;
}

function checkCategory(type: ProcedureType, state: HouseholdState, payload: Record<string, unknown>) {
  const allowed = TRANSITIONS[type].categories?.[state];
  const category = payload.monitoringCategory as string | undefined;
  if (!allowed || !category || allowed.includes(category as never)) return;
  throw Conflict('procedure.categoryNotAllowed', {
    stateZh: state,
    stateEn: en(state),
    categoryZh: category,
    categoryEn: en(category),
    allowedZh: allowed.join('、'),
    allowedEn: allowed.map(en).join(', '),
  });
}

/** Refuses a procedure the transition table does not allow from the household's state. */
function checkTransition(type: ProcedureType, state: HouseholdState) {
  if (canStart(type, state)) return;
  const from = TRANSITIONS[type].from;
  throw Conflict(
    'procedure.illegalTransition',
    { stateZh: state, stateEn: en(state), typeZh: type, typeEn: en(type), fromZh: from.map((s) => `“${s}”`).join('、'), fromEn: from.map(en).join(', ') },
    { state, allowedFrom: from },
  );
}

/** The checks that depend on the payload and the card: category, guards, members (start and 县级审定). */
async function checkConditions(trx: Db, h: q.HouseholdRow, type: ProcedureType, state: HouseholdState, payload: Record<string, unknown>, now: Date) {
  checkCategory(type, state, payload);
  if (type === '风险消除') await checkMonitoringPeriod(trx, h, now);
  const guard = TRANSITIONS[type].guard;
  const year = guard ? (await checkGuard(trx, h, type, guard)).year : undefined;
  if (type === '自然减少') await checkNaturalDecrease(trx, h.id, payload as PayloadOf<'自然减少'>);
  return year;
}

const stepActor = (actor: Actor, at: Date) => ({ actor_id: actor.id, actor_name: actor.name, actor_role: actor.role, at });

// ── Start ───────────────────────────────────────────────────────────────────────────────────────
/**
 * Starts a procedure on a household (also used by the cross-check review for 清退, 监测对象认定,
 * 自然减少 from confirmed findings). Call inside a transaction; no nested transactions.
 */
export async function startProcedure(trx: Trx, ctx: ProcedureContext, input: StartInput): Promise<{ id: string; created: boolean }> {
  const now = ctx.now ?? new Date();
  const parsed = StartProcedureBody.safeParse(input);
  if (!parsed.success) throw zodToInvalid(parsed.error);
  const body = parsed.data;
  if (!isProcedureType(body.type)) throw Invalid([{ path: 'type', key: 'field.invalid' }]);

  const h = await q.lockHousehold(trx, body.householdId);
  if (!h) throw NotFound('procedure.householdNotFound', { id: body.householdId });
  ctx.scope.assertCanWrite(h.village_code, 'household', h.id);
  if (!STARTING_ROLES.includes(ctx.scope.role)) throw Forbidden('procedure.cannotStart');
  if (body.id) {
    // Checked under the household lock, so that two copies of one retry cannot both insert.
    const existing = await q.procedureById(trx, body.id);
    if (existing) {
      if (existing.household_id === body.householdId && existing.type === body.type) return { id: existing.id, created: false };
      throw Conflict('procedure.idTaken', { id: body.id });
    }
  }

  const open = await q.openProcedureOf(trx, h.id);
  if (open) throw Conflict('procedure.openExists', { typeZh: open.type, typeEn: en(open.type) }, { openProcedureId: open.id });
  const state = stateOf(h);
  checkTransition(body.type, state);
  const payload = parsePayload(body.type, body.payload) as Record<string, unknown>;
  await checkConditions(trx, h, body.type, state, payload, now);

  const evidence = { text: body.evidence.text, references: body.evidence.references ?? [] };
  const record = { type: body.type, stage: STAGES[0], from_state: state, to_state: TRANSITIONS[body.type].to, reason: body.reason, evidence, payload };
  const created = await q.insertProcedure(trx, {
    ...record,
    id: body.id,
    county_code: h.county_code,
    village_code: h.village_code,
    household_id: h.id,
    started_by: ctx.actor.id,
    started_by_name: ctx.actor.name,
    started_by_role: ctx.actor.role,
    now,
  });
  const step = await q.insertStep(trx, {
    procedure_id: created.id,
    county_code: h.county_code,
    stage: '发起',
    action: 'start',
    note: body.reason,
    ...stepActor(ctx.actor, now),
  });
  await recordAudit(trx, {
    actor: ctx.actor,
    action: 'procedure.start',
    entity: 'procedure',
    entityId: created.id,
    subjectId: h.id,
    areaCode: h.village_code,
    after: { ...record, status: 'open', version: created.version },
    note: { stepId: step.id },
    origin: ctx.origin,
  });
  return { id: created.id, created: true };
}

// ── Steps ───────────────────────────────────────────────────────────────────────────────────────
function requireNote(note: string | undefined): string {
  if (!note?.trim()) throw Invalid([{ path: 'note', key: 'field.required' }]);
  return note.trim();
}

function wrongRole(stage: Stage) {
  const role = STAGE_ROLE[stage];
  return Forbidden('procedure.wrongRole', { stageZh: stage, stageEn: en(stage), roleZh: ROLE_ZH[role] ?? role, roleEn: en(role) });
}

const ACTION_ZH: Record<StepAction, string> = { approve: '通过', reject: '驳回', withdraw: '撤回', object: '登记异议', answer: '答复异议' };

function openObjections(steps: q.StepRow[]) {
  const answered = new Set(steps.filter((s) => s.action === 'answer').map((s) => s.objection_id));
  return steps.filter((s) => s.action === 'object' && !answered.has(s.id));
}

export const publicityEndsAt = (startedAt: Date | string | null) => (startedAt ? new Date(new Date(startedAt).getTime() + PUBLICITY_MS) : null);

/** What the caller may do now on this procedure (for the UI; takeStep enforces the same rules). */
export function allowedActions(p: q.ProcedureRow, steps: q.StepRow[], scope: Scope, actor: Actor, now: Date): StepAction[] {
  if (p.status !== 'open' || !p.stage || !scope.canWrite || !scope.covers(p.village_code)) return [];
  const stage = p.stage as Stage;
  const out: StepAction[] = [];
  const open = openObjections(steps).length;
  if (scope.role === STAGE_ROLE[stage]) {
    const ends = publicityEndsAt(p.publicity_started_at);
    if (stage !== '村内公示' || (ends && now >= ends && open === 0)) out.push('approve');
    out.push('reject');
  }
  if (stage === '村内公示' && OBJECTION_ROLES.includes(scope.role)) {
    out.push('object');
    if (open) out.push('answer');
  }
  if ((actor.id && actor.id === p.started_by) || WITHDRAWING_ROLES.includes(scope.role)) out.push('withdraw');
  return out;
}

/** One sign-off action on an open procedure; the county approval applies the change. */
export async function takeStep(trx: Trx, ctx: ProcedureContext, procedureId: string, input: StepInput): Promise<{ id: string; status: ProcedureStatus }> {
  const now = ctx.now ?? new Date();
  const locked = await q.lockProcedure(trx, procedureId);
  if (!locked) throw NotFound('procedure.notFound', { id: procedureId });
  const p = (await q.findProcedure(trx, procedureId)) as q.ProcedureRow;
  const { scope, actor } = ctx;
  scope.assertCanWrite(p.village_code, 'procedure', p.id);
  if (p.status !== 'open' || !p.stage) {
    const zh = { completed: '办结', rejected: '驳回', withdrawn: '撤回', open: '' }[p.status];
    throw Conflict('procedure.closed', { statusZh: zh, statusEn: p.status }, { status: p.status });
  }
  if (input.version !== undefined && input.version !== p.version) {
    throw Conflict('procedure.versionConflict', { current: p.version }, { currentVersion: p.version });
  }
  const stage = p.stage as Stage;
  const steps = await q.listSteps(trx, p.id);
  const notInStage = () =>
    Conflict('procedure.actionNotInStage', { stageZh: stage, stageEn: en(stage), actionZh: ACTION_ZH[input.action], action: input.action });

  let change: q.ProcedureChange = {};
  let note: string | null = input.note?.trim() || null;
  let objectionId: string | null = null;
  let applied: Awaited<ReturnType<typeof applyProcedure>> | undefined;

  switch (input.action) {
    case 'withdraw': {
      if (!(actor.id && actor.id === p.started_by) && !WITHDRAWING_ROLES.includes(scope.role)) throw Forbidden('procedure.cannotWithdraw');
      note = requireNote(input.note);
      change = { status: 'withdrawn', stage: null, closed_at: now };
      break;
    }
    case 'reject': {
      if (scope.role !== STAGE_ROLE[stage]) throw wrongRole(stage);
      note = requireNote(input.note);
      change = { status: 'rejected', stage: null, closed_at: now };
      break;
    }
    case 'object': {
      if (stage !== '村内公示') throw notInStage();
      if (!OBJECTION_ROLES.includes(scope.role)) throw wrongRole(stage);
      note = requireNote(input.note);
      break;
    }
    case 'answer': {
      if (stage !== '村内公示') throw notInStage();
      if (!OBJECTION_ROLES.includes(scope.role)) throw wrongRole(stage);
      note = requireNote(input.note);
      const objection = steps.find((s) => s.id === input.objectionId && s.action === 'object');
      if (!objection) throw Invalid([{ path: 'objectionId', key: 'procedure.objectionNotFound' }]);
      if (steps.some((s) => s.action === 'answer' && s.objection_id === objection.id)) throw Conflict('procedure.objectionAnswered');
      objectionId = objection.id;
      break;
    }
    case 'approve': {
      if (scope.role !== STAGE_ROLE[stage]) throw wrongRole(stage);
      if (stage === '村级评议') {
        // The appraisal result (民主评议结果) is the substance of this step.
        note = requireNote(input.note);
        change = { stage: nextStage(stage), publicity_started_at: now };
      } else if (stage === '村内公示') {
        const ends = publicityEndsAt(p.publicity_started_at) as Date;
        if (now < ends) {
          throw Conflict(
            'procedure.publicityRunning',
            { days: PUBLICITY_DAYS, endsAt: `${ends.toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 16)} (UTC+8)` },
            { publicityEndsAt: ends.toISOString() },
          );
        }
        const open = openObjections(steps).length;
        if (open) throw Conflict('procedure.objectionsOpen', { count: open });
        change = { stage: nextStage(stage) };
      } else if (stage === '乡镇审核') {
        change = { stage: nextStage(stage) };
      } else {
        applied = await applyProcedure(trx, ctx, p, now);
        change = { status: 'completed', stage: null, closed_at: now };
      }
      break;
    }
  }

  const after = await recordStep(trx, ctx, p, { stage, action: input.action, note, objectionId, change, now }, applied ? { householdVersion: applied.version } : {});
  return { id: p.id, status: after.status };
}

/** Changes the procedure, adds the step and audits both (every action ends here). */
async function recordStep(
  trx: Trx,
  ctx: { actor: Actor; origin?: Record<string, unknown> },
  p: q.ProcedureRow,
  s: { stage: Stage; action: StepAction; note: string | null; objectionId: string | null; change: q.ProcedureChange; now: Date },
  extra: Record<string, unknown> = {},
) {
  const after = await q.updateProcedure(trx, p.id, s.change, s.now);
  const step = await q.insertStep(trx, {
    procedure_id: p.id,
    county_code: p.county_code,
    stage: s.stage,
    action: s.action,
    note: s.note,
    objection_id: s.objectionId,
    ...stepActor(ctx.actor, s.now),
  });
  await recordAudit(trx, {
    actor: ctx.actor,
    action: `procedure.${s.action}`,
    entity: 'procedure',
    entityId: p.id,
    subjectId: p.household_id,
    areaCode: p.village_code,
    before: { status: p.status, stage: p.stage, version: p.version },
    after: { status: after.status, stage: after.stage, version: after.version },
    note: { stepId: step.id, stage: s.stage, type: p.type, note: s.note, ...(s.objectionId ? { objectionId: s.objectionId } : {}), ...extra },
    origin: ctx.origin,
  });
  return after;
}

/**
 * Withdraws the household's open procedure when something outside the procedures changed its state
 * so that the procedure can no longer complete (the registry import adopting a provisional card
 * into the registry), with `note` saying why, as a step and audit entry of `ctx.actor`. Returns the
 * procedure's id, or null when none is open or its starting state is still the household's.
 */
export async function withdrawSuperseded(trx: Trx, ctx: { actor: Actor; origin?: Record<string, unknown> }, householdId: string, note: string, now = new Date()): Promise<string | null> {
  const h = await q.lockHousehold(trx, householdId);
  const open = h ? await q.openProcedureOf(trx, householdId) : undefined;
  if (!h || !open) return null;
  await q.lockProcedure(trx, open.id);
  const p = (await q.findProcedure(trx, open.id)) as q.ProcedureRow;
  if (p.status !== 'open' || !p.stage || p.from_state === stateOf(h)) return null;
  await recordStep(trx, ctx, p, { stage: p.stage as Stage, action: 'withdraw', note, objectionId: null, change: { status: 'withdrawn', stage: null, closed_at: now }, now }, { superseded: true });
  return p.id;
}

// ── Applying the change (县级审定) ─────────────────────────────────────────────────────────────────
function householdChange(type: ProcedureType, payload: Record<string, unknown>, h: q.HouseholdRow, guardYear: number | undefined, now: Date): q.HouseholdChange {
  const thisYear = Number(chinaDate(now).slice(0, 4));
  switch (type) {
    case '识别纳入': {
      const p = payload as PayloadOf<'识别纳入'>;
      return {
        registry_state: '在册',
        status: '未脱贫户',
        identified_year: p.identifiedYear,
        identification_standard: p.identificationStandard ?? h.identification_standard,
        main_cause: p.mainCause ?? h.main_cause,
        other_causes: p.otherCauses ?? h.other_causes,
        exit_year: null,
        monitoring_category: null,
        risk_types: [],
        risk_eliminated_year: null,
        removed_on: null,
      };
    }
    case '监测对象认定': {
      const p = payload as PayloadOf<'监测对象认定'>;
      return {
        registry_state: '在册',
        status: '监测户',
        monitoring_category: p.monitoringCategory,
        risk_types: p.riskTypes,
        identified_year: h.identified_year ?? p.year ?? thisYear,
        risk_eliminated_year: null,
        removed_on: null,
      };
    }
    case '标注脱贫':
      return { status: '脱贫户', exit_year: (payload as PayloadOf<'标注脱贫'>).exitYear ?? guardYear ?? thisYear };
    case '风险消除':
      return { status: '已消除风险', risk_eliminated_year: (payload as PayloadOf<'风险消除'>).year ?? guardYear ?? thisYear };
    case '返贫':
      return { status: '未脱贫户', exit_year: null, main_cause: (payload as PayloadOf<'返贫'>).mainCause ?? h.main_cause };
    case '再次纳入': {
      const p = payload as PayloadOf<'再次纳入'>;
      return { status: '监测户', monitoring_category: p.monitoringCategory, risk_types: p.riskTypes, risk_eliminated_year: null };
    }
    case '自然减少':
      return { registry_state: '自然减少', removed_on: chinaDate(now) };
    case '清退':
      return { registry_state: '清退', removed_on: chinaDate(now) };
  }
}

/**
 * 县级审定: re-checks everything the start checked (the household may have changed during the
 * weeks of sign-off), then changes the household, bumps its card version and audits it.
 */
async function applyProcedure(trx: Trx, ctx: ProcedureContext, p: q.ProcedureRow, now: Date) {
  const h = await q.lockHousehold(trx, p.household_id);
  if (!h) throw NotFound('procedure.householdNotFound', { id: p.household_id });
  const type = p.type as ProcedureType;
  const state = stateOf(h);
  if (state !== p.from_state) throw Conflict('procedure.stateChanged', { stateZh: state, stateEn: en(state) }, { state, fromState: p.from_state });
  const payload = p.payload as Record<string, unknown>;
  const guardYear = await checkConditions(trx, h, type, state, payload, now);

  if (type === '自然减少') {
    const pl = payload as PayloadOf<'自然减少'>;
    const members = new Map((await q.currentMembers(trx, h.id)).map((m) => [m.id, m]));
    for (const m of pl.members) {
      const before = members.get(m.memberId);
      if (!before || (before.person_status === m.personStatus && before.status_date === m.statusDate)) continue;
      const after = await q.setMemberStatus(trx, m.memberId, m.personStatus, m.statusDate, now);
      await recordAudit(trx, {
        actor: ctx.actor,
        action: 'member.update',
        entity: 'member',
        entityId: m.memberId,
        subjectId: h.id,
        areaCode: h.village_code,
        before: { person_status: before.person_status, status_date: before.status_date, version: before.version },
        after: { person_status: after.person_status, status_date: after.status_date, version: after.version },
        note: { procedureId: p.id, type },
        origin: ctx.origin,
      });
    }
  }

  const change = householdChange(type, payload, h, guardYear, now);
  const after = await q.applyHouseholdChange(trx, h.id, change, now);
  const keys = [...Object.keys(change), 'version'] as (keyof q.HouseholdRow)[];
  const pick = (r: q.HouseholdRow) => Object.fromEntries(keys.map((k) => [k, r[k]]));
  await recordAudit(trx, {
    actor: ctx.actor,
    action: 'household.procedure_applied',
    entity: 'household',
    entityId: h.id,
    subjectId: h.id,
    areaCode: h.village_code,
    before: pick(h),
    after: pick(after),
    note: { procedureId: p.id, type, fromState: state, toState: stateOf(after) },
    origin: ctx.origin,
  });
  return after;
}

// ── Reads ───────────────────────────────────────────────────────────────────────────────────────
const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

function summary(r: q.ProcedureRow) {
  return {
    id: r.id,
    householdId: r.household_id,
    householdNo: r.household_no,
    headName: r.head_name,
    countyCode: r.county_code,
    villageCode: r.village_code,
    villageName: r.village_name,
    type: r.type as ProcedureType,
    status: r.status as ProcedureStatus,
    stage: r.stage as Stage | null,
    fromState: r.from_state,
    toState: r.to_state,
    reason: r.reason,
    startedByName: r.started_by_name,
    startedByRole: r.started_by_role,
    publicityStartedAt: iso(r.publicity_started_at),
    publicityEndsAt: iso(publicityEndsAt(r.publicity_started_at)),
    closedAt: iso(r.closed_at),
    version: r.version,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
  };
}

/** One procedure with its steps and what the caller may do now. */
export async function getProcedure(db: Db, ctx: ProcedureContext, id: string) {
  const p = await q.findProcedure(db, id);
  if (!p) throw NotFound('procedure.notFound', { id });
  ctx.scope.assertCovers(p.village_code, 'procedure', id);
  const steps = await q.listSteps(db, id);
  return {
    ...summary(p),
    evidence: p.evidence,
    payload: p.payload,
    householdState: stateOf({ status: p.household_status, registry_state: p.registry_state }),
    steps: steps.map((s) => ({
      id: s.id,
      seq: s.seq,
      stage: s.stage,
      action: s.action,
      note: s.note,
      objectionId: s.objection_id,
      actorName: s.actor_name,
      actorRole: s.actor_role,
      at: iso(s.at) as string,
    })),
    openObjections: openObjections(steps).length,
    allowedActions: allowedActions(p, steps, ctx.scope, ctx.actor, ctx.now ?? new Date()),
  };
}

export interface ListInput {
  householdId?: string;
  status?: ProcedureStatus;
  type?: ProcedureType;
  stage?: Stage;
  area?: string;
  actionable?: 'true' | 'false';
  limit: number;
  offset: number;
}

/** Procedures in the caller's area; `actionable` narrows to the stages the caller's role signs off. */
export async function listProcedures(db: Db, scope: Scope, f: ListInput) {
  if (f.area) scope.assertCovers(f.area);
  const stages =
    f.actionable === 'true' ? (scope.canWrite ? STAGES.filter((s) => STAGE_ROLE[s] === scope.role) : ([] as Stage[])) : undefined;
  const { rows, total } = await q.listProcedures(db, scope, { ...f, stages });
  return { items: rows.map(summary), total };
}
