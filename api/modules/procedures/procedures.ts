// Status procedures (业务流程): a household's status changes only through one of these, signed
// off along 村级评议 → 村内公示 (7 full days) → 乡镇审核 → 县级审定; the county approval applies
// the change to the household in the same transaction (card version bumped, audited).
// Domain rules only: the transition table is state-machine.ts, the checks guards.ts, the change
// at 县级审定 apply.ts, SQL is queries.ts, HTTP routes.ts. Every function takes the request context
// first (api/context.ts); its `now` is the moment of the action, so tests control time (the 7-day
// notice) without sleeping.
// Must never: change a household's status outside applyProcedure, or act without the scope check.
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import type { Trx } from '../../db/schema.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts';
import { zodToInvalid } from '../../http/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import { type Masker, maskDeep, maskerFor } from '../auth/personal-data.ts';
import type { Scope } from '../auth/scope.ts';
import type { ProcedureOrigin } from '../households/code-lists.ts';
import { can, PERMISSIONS, signoff } from '../../shared/permissions.ts';
import { applyProcedure } from './apply.ts';
import { checkConditions, checkTransition, parsePayload } from './guards.ts';
import * as q from './queries.ts';
import { type ProcedureListQuery, StartProcedureBody, type StepBody } from './schema.ts';
import {
  en,
  isProcedureType,
  nextStage,
  type ProcedureStatus,
  type ProcedureType,
  PUBLICITY_DAYS,
  PUBLICITY_MS,
  ROLE_ZH,
  type Stage,
  STAGES,
  type StepAction,
  stateOf,
  TRANSITIONS,
} from './state-machine.ts';

/**
 * A procedure to start, as StartProcedureBody accepts it (parsed again here: other modules call
 * startProcedure too). `id`: client-generated UUID — a retry with the same id returns the
 * procedure already created; `origin`: 农户申请, 干部走访 or 部门预警 (then with the finding).
 */
export type StartInput = z.input<typeof StartProcedureBody>;

export type StepInput = z.infer<typeof StepBody>;

const stepActor = (actor: Actor, at: Date) => ({ actor_id: actor.id, actor_name: actor.name, actor_role: actor.role, at });

// ── Start ───────────────────────────────────────────────────────────────────────────────────────
/**
 * Starts a procedure on a household (also used by the cross-check review for 清退, 监测对象认定,
 * 自然减少 from confirmed findings: given the review's `{ ...ctx, db: trx }`, it joins that
 * transaction).
 */
export function startProcedure(ctx: Ctx, input: StartInput): Promise<{ id: string; created: boolean }> {
  return inTransaction(ctx, (trx) => start(trx, ctx, input));
}

async function start(trx: Trx, ctx: Ctx, input: StartInput): Promise<{ id: string; created: boolean }> {
  const now = ctx.now;
  const parsed = StartProcedureBody.safeParse(input);
  if (!parsed.success) throw zodToInvalid(parsed.error);
  const body = parsed.data;
  if (!isProcedureType(body.type)) throw Invalid([{ path: 'type', key: 'field.invalid' }]);

  const h = await q.lockHousehold(trx, body.householdId);
  if (!h) throw NotFound('procedure.householdNotFound', { id: body.householdId });
  ctx.scope.assertCanWrite(h.village_code, 'household', h.id);
  if (!can(ctx.scope.role, 'procedure.start')) throw Forbidden('procedure.cannotStart');
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
  if (body.findingId) {
    // 部门预警: the finding must be about this household (its cross-check ran in the household's county).
    const f = await q.findingForProcedure(trx, body.findingId);
    if (!f || f.household_id !== h.id) throw Invalid([{ path: 'findingId', key: 'procedure.findingNotOfHousehold' }]);
  }
  await checkConditions(trx, h, body.type, state, payload, now);

  const evidence = { text: body.evidence.text, references: body.evidence.references ?? [] };
  const record = {
    type: body.type,
    stage: STAGES[0],
    from_state: state,
    to_state: TRANSITIONS[body.type].to,
    origin: body.origin,
    finding_id: body.findingId ?? null,
    reason: body.reason,
    evidence,
    payload,
  };
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
  const role = PERMISSIONS[signoff(stage)][0];
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
  if (can(scope.role, signoff(stage))) {
    const ends = publicityEndsAt(p.publicity_started_at);
    if (stage !== '村内公示' || (ends && now >= ends && open === 0)) out.push('approve');
    out.push('reject');
  }
  if (stage === '村内公示' && can(scope.role, 'procedure.object')) {
    out.push('object');
    if (open) out.push('answer');
  }
  if ((actor.id && actor.id === p.started_by) || can(scope.role, 'procedure.withdraw')) out.push('withdraw');
  return out;
}

/** One sign-off action on an open procedure; the county approval applies the change. */
export function takeStep(ctx: Ctx, procedureId: string, input: StepInput): Promise<{ id: string; status: ProcedureStatus }> {
  return inTransaction(ctx, (trx) => step(trx, ctx, procedureId, input));
}

async function step(trx: Trx, ctx: Ctx, procedureId: string, input: StepInput): Promise<{ id: string; status: ProcedureStatus }> {
  const now = ctx.now;
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
      if (!(actor.id && actor.id === p.started_by) && !can(scope.role, 'procedure.withdraw')) throw Forbidden('procedure.cannotWithdraw');
      note = requireNote(input.note);
      change = { status: 'withdrawn', stage: null, closed_at: now };
      break;
    }
    case 'reject': {
      if (!can(scope.role, signoff(stage))) throw wrongRole(stage);
      note = requireNote(input.note);
      change = { status: 'rejected', stage: null, closed_at: now };
      break;
    }
    case 'object': {
      if (stage !== '村内公示') throw notInStage();
      if (!can(scope.role, 'procedure.object')) throw wrongRole(stage);
      note = requireNote(input.note);
      break;
    }
    case 'answer': {
      if (stage !== '村内公示') throw notInStage();
      if (!can(scope.role, 'procedure.object')) throw wrongRole(stage);
      note = requireNote(input.note);
      const objection = steps.find((s) => s.id === input.objectionId && s.action === 'object');
      if (!objection) throw Invalid([{ path: 'objectionId', key: 'procedure.objectionNotFound' }]);
      if (steps.some((s) => s.action === 'answer' && s.objection_id === objection.id)) throw Conflict('procedure.objectionAnswered');
      objectionId = objection.id;
      break;
    }
    case 'approve': {
      if (!can(scope.role, signoff(stage))) throw wrongRole(stage);
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

  const after = await recordStep(
    trx,
    ctx,
    p,
    { stage, action: input.action, note, objectionId, change, now },
    applied ? { householdVersion: applied.version } : {},
  );
  return { id: p.id, status: after.status };
}

/** Changes the procedure, adds the step and audits both (every action ends here). */
async function recordStep(
  trx: Trx,
  ctx: Pick<Ctx, 'actor' | 'origin'>,
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
 * into the registry, in its transaction), with `note` saying why, as a step and audit entry of
 * `ctx.actor`. Returns the procedure's id, or null when none is open or its starting state is still
 * the household's.
 */
export function withdrawSuperseded(ctx: Ctx, householdId: string, note: string): Promise<string | null> {
  return inTransaction(ctx, (trx) => withdraw(trx, ctx, householdId, note, ctx.now));
}

async function withdraw(trx: Trx, ctx: Ctx, householdId: string, note: string, now: Date): Promise<string | null> {
  const h = await q.lockHousehold(trx, householdId);
  const open = h ? await q.openProcedureOf(trx, householdId) : undefined;
  if (!h || !open) return null;
  await q.lockProcedure(trx, open.id);
  const p = (await q.findProcedure(trx, open.id)) as q.ProcedureRow;
  if (p.status !== 'open' || !p.stage || p.from_state === stateOf(h)) return null;
  await recordStep(
    trx,
    ctx,
    p,
    { stage: p.stage as Stage, action: 'withdraw', note, objectionId: null, change: { status: 'withdrawn', stage: null, closed_at: now }, now },
    { superseded: true },
  );
  return p.id;
}

// ── Reads ───────────────────────────────────────────────────────────────────────────────────────
const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

// Reasons, evidence and step notes are written once and never edited: an ID number or mobile typed
// into them is masked for every role (auth/personal-data.ts), like the fields they are.
function summary(r: q.ProcedureRow, mask: Masker) {
  return {
    id: r.id,
    householdId: r.household_id,
    householdNo: r.household_no,
    headName: r.head_name,
    countyCode: r.county_code,
    villageCode: r.village_code,
    villageName: r.village_name,
    type: r.type as ProcedureType,
    status: r.status,
    stage: r.stage as Stage | null,
    fromState: r.from_state,
    toState: r.to_state,
    reason: mask.text(r.reason) ?? '',
    origin: (r.origin ?? null) as ProcedureOrigin | null,
    findingId: r.finding_id ?? null,
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
export async function getProcedure(ctx: Ctx, id: string) {
  const { db } = ctx;
  const p = await q.findProcedure(db, id);
  if (!p) throw NotFound('procedure.notFound', { id });
  ctx.scope.assertCovers(p.village_code, 'procedure', id);
  const steps = await q.listSteps(db, id);
  const mask = maskerFor({ role: ctx.scope.role, inArea: true });
  return {
    ...summary(p, mask),
    evidence: maskDeep(p.evidence, mask.viewer) as typeof p.evidence,
    payload: maskDeep(p.payload, mask.viewer) as typeof p.payload,
    householdState: stateOf({ status: p.household_status, registry_state: p.registry_state }),
    steps: steps.map((s) => ({
      id: s.id,
      seq: s.seq,
      stage: s.stage,
      action: s.action,
      note: mask.text(s.note),
      objectionId: s.objection_id,
      actorName: s.actor_name,
      actorRole: s.actor_role,
      at: iso(s.at) as string,
    })),
    openObjections: openObjections(steps).length,
    allowedActions: allowedActions(p, steps, ctx.scope, ctx.actor, ctx.now),
  };
}

export type ListInput = z.infer<typeof ProcedureListQuery>;

/** The stages of the sign-off chain the scope's role signs off (none for a read-only role). */
export const stagesSignedOffBy = (scope: Scope): Stage[] => (scope.canWrite ? STAGES.filter((s) => can(scope.role, signoff(s))) : []);

/** Procedures in the caller's area; `actionable` narrows to the stages the caller's role signs off. */
export async function listProcedures({ db, scope }: Ctx, f: ListInput) {
  if (f.area) scope.assertCovers(f.area);
  const stages = f.actionable === 'true' ? stagesSignedOffBy(scope) : undefined;
  const { rows, total } = await q.listProcedures(db, scope, { ...f, stages });
  const mask = maskerFor({ role: scope.role, inArea: true });
  return { items: rows.map((r) => summary(r, mask)), total };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The queue's open procedures at `stages` in the caller's area (the list's scoped query), the
 * longest-waiting at its stage first, with the days waited; `noticeEndsWithinDays`: only those whose
 * 村内公示 ends within that many days of ctx.now (or has ended). The workbench's view of the queue.
 */
export async function proceduresWaiting(ctx: Ctx, stages: readonly Stage[], opts: { limit: number; noticeEndsWithinDays?: number }) {
  const { db, scope, now } = ctx;
  const publicityStartedBefore =
    opts.noticeEndsWithinDays === undefined ? undefined : new Date(now.getTime() + opts.noticeEndsWithinDays * DAY_MS - PUBLICITY_DAYS * DAY_MS);
  const { rows, total } = await q.listProcedures(db, scope, { stages, order: 'waiting', publicityStartedBefore, limit: opts.limit, offset: 0 });
  const mask = maskerFor({ role: scope.role, inArea: true });
  return {
    total,
    items: rows.map((r) => ({ ...summary(r, mask), daysWaiting: Math.max(0, Math.floor((now.getTime() - new Date(r.updated_at).getTime()) / DAY_MS)) })),
  };
}
