// The guards of status procedures: what must hold before a procedure may start, and again at
// 县级审定 before apply.ts changes the household — the transition from the household's state
// (state-machine.ts), the payload, the monitoring category, 两不愁三保障 and income against the
// county's lines (标注脱贫, 风险消除), the months under monitoring (风险消除), and the members of
// 自然减少. Reads only; every refusal names what is unmet.
import type { DbOrTrx } from '../../db/schema.ts';
import { Conflict, Invalid } from '../../errors.ts';
import { zodToInvalid } from '../../http/validation.ts';
import * as q from './queries.ts';
import { PAYLOAD_SCHEMAS, type PayloadOf } from './schema.ts';
import { canStart, en, type Guard, type HouseholdState, type ProcedureType, riskEliminationFrom, TRANSITIONS } from './state-machine.ts';

/** Procedures are county business: dates are China Standard Time. */
export function chinaDate(d: Date): string {
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
export async function checkGuard(db: DbOrTrx, h: { id: string; county_code: string }, type: ProcedureType, guard: Guard): Promise<GuardOutcome> {
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
    throw Conflict('procedure.guardFailed', { typeZh: type, typeEn: en(type), problemsZh: zh.join('；'), problemsEn: enl.join('; ') }, { guard, ...details });
  }
  return { year: (latest as q.YearRow).year };
}

/**
 * A 监测户's monitoring period: since when (its latest 监测对象认定/再次纳入 approval), the county's
 * months for the year of `now` (the year in which 风险消除 is decided), and the first moment 风险消除
 * may be marked. Null when the date is not known (monitored before it was imported).
 */
export async function monitoringPeriod(db: DbOrTrx, h: { id: string; county_code: string }, now = new Date()) {
  const since = await q.monitoredSince(db, h.id);
  if (!since) return null;
  const months = await q.riskEliminationMonths(db, h.county_code, Number(chinaDate(now).slice(0, 4)));
  return { since, months, earliest: riskEliminationFrom(since, months) };
}

/** 风险消除: the county's months under monitoring first. */
async function checkMonitoringPeriod(db: DbOrTrx, h: { id: string; county_code: string }, now: Date) {
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
async function checkNaturalDecrease(db: DbOrTrx, householdId: string, payload: PayloadOf<'自然减少'>) {
  const members = await q.currentMembers(db, householdId);
  const byId = new Map(members.map((m) => [m.id, m]));
  const fields = payload.members
    .map((m, i) =>
      byId.has(m.memberId) ? null : { path: `payload.members.${i}.memberId`, key: 'procedure.memberNotInHousehold' as const, params: { id: m.memberId } },
    )
    .filter((f) => f !== null);
  if (fields.length) throw Invalid(fields);
  const listed = new Map(payload.members.map((m) => [m.memberId, m.personStatus]));
  const finalStatus = members.map((m) => listed.get(m.id) ?? m.person_status);
  const remaining = finalStatus.filter((s) => s !== '死亡' && s !== '迁出').length;
  if (remaining > 0) throw Conflict('procedure.membersRemain', { count: remaining });
  const expect = payload.reasonCode === '全户死亡' ? '死亡' : payload.reasonCode === '全户迁出' ? '迁出' : null;
  if (expect && finalStatus.some((s) => s !== expect)) throw Conflict('procedure.reasonMismatch', { reason: payload.reasonCode });
}

export function parsePayload<T extends ProcedureType>(type: T, payload: unknown): PayloadOf<T> {
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
  if (!allowed || !category || (allowed as readonly string[]).includes(category)) return;
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
export function checkTransition(type: ProcedureType, state: HouseholdState) {
  if (canStart(type, state)) return;
  const from = TRANSITIONS[type].from;
  throw Conflict(
    'procedure.illegalTransition',
    { stateZh: state, stateEn: en(state), typeZh: type, typeEn: en(type), fromZh: from.map((s) => `“${s}”`).join('、'), fromEn: from.map(en).join(', ') },
    { state, allowedFrom: from },
  );
}

/** The checks that depend on the payload and the card: category, guards, members (start and 县级审定). */
export async function checkConditions(
  trx: DbOrTrx,
  h: q.HouseholdRow,
  type: ProcedureType,
  state: HouseholdState,
  payload: Record<string, unknown>,
  now: Date,
) {
  checkCategory(type, state, payload);
  if (type === '风险消除') await checkMonitoringPeriod(trx, h, now);
  const guard = TRANSITIONS[type].guard;
  const year = guard ? (await checkGuard(trx, h, type, guard)).year : undefined;
  if (type === '自然减少') await checkNaturalDecrease(trx, h.id, payload as PayloadOf<'自然减少'>);
  return year;
}
