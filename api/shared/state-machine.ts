// The status state machine of a household, in one place: which procedure may start from which
// state, where it leads, which guard it needs, and the stages it is signed off in (who signs off
// each stage is the permission table, permissions.ts). Pure data and pure functions (no SQL, no
// HTTP) so that the web, the domain, the seeds and the tests read the same table.
//
// A household's state is its 户状态 (households.status) while it is in the registry (在册), or
// its registry_state otherwise: 待识别 (a candidate not yet in the registry), 自然减少 or 清退
// (left the registry; kept as history).
import { HOUSEHOLD_STATUSES, type HouseholdStatus, MONITORING_CATEGORIES, type MonitoringCategory } from './code-lists.ts';

/** Procedure types (code strings, as the national forms name them). */
export const PROCEDURE_TYPES = ['识别纳入', '监测对象认定', '标注脱贫', '风险消除', '返贫', '再次纳入', '自然减少', '清退'] as const;
export type ProcedureType = (typeof PROCEDURE_TYPES)[number];

/** 在册状态: whether the household is in the registry at all. */
export const REGISTRY_STATES = ['在册', '待识别', '自然减少', '清退'] as const;
export type RegistryState = (typeof REGISTRY_STATES)[number];

/** What the state machine sees: 户状态 when 在册, else the registry state. */
export type HouseholdState = HouseholdStatus | Exclude<RegistryState, '在册'>;
export const HOUSEHOLD_STATES: readonly HouseholdState[] = [...HOUSEHOLD_STATUSES, '待识别', '自然减少', '清退'];

export function stateOf(h: { status: string; registry_state: string }): HouseholdState {
  return (h.registry_state === '在册' ? h.status : h.registry_state) as HouseholdState;
}

/** Which income line a procedure must clear (with all of 两不愁三保障+饮水). */
export type Guard = 'povertyLine' | 'monitoringLine';

export interface Transition {
  /** States the procedure may start from. */
  from: readonly HouseholdState[];
  /** The state the household is in once the county approves. */
  to: HouseholdState;
  /** 标注脱贫 / 风险消除 need every guarantee met and income at or above the line. */
  guard?: Guard;
  /** Monitoring categories allowed per starting state (监测对象认定, 再次纳入). */
  categories?: Partial<Record<HouseholdState, readonly MonitoringCategory[]>>;
}

const ALL_CATEGORIES = MONITORING_CATEGORIES;
const IN_REGISTRY: readonly HouseholdState[] = HOUSEHOLD_STATUSES;

/**
 * THE transition table. Anything not listed here is refused with a message naming the current
 * state and the states the procedure may start from.
 * - 识别纳入: a candidate household becomes a registered poor household (建档立卡).
 * - 监测对象认定: a 脱贫户 (脱贫不稳定户, 突发严重困难户) or a household outside the registry
 *   (边缘易致贫户, 突发严重困难户) becomes a 监测户 with category and risk types.
 * - 标注脱贫 / 风险消除: guarded by the five guarantees and the poverty / monitoring line.
 * - 返贫: a 脱贫户 falls back into poverty. 再次纳入: a household whose risk was eliminated is
 *   monitored again.
 * - 自然减少 (every member deceased or moved out of the county) and 清退 (found ineligible):
 *   the household leaves the registry from any registered state.
 */
export const TRANSITIONS: Record<ProcedureType, Transition> = {
  识别纳入: { from: ['待识别'], to: '未脱贫户' },
  监测对象认定: {
    from: ['脱贫户', '待识别'],
    to: '监测户',
    categories: { 脱贫户: ['脱贫不稳定户', '突发严重困难户'], 待识别: ['边缘易致贫户', '突发严重困难户'] },
  },
  标注脱贫: { from: ['未脱贫户'], to: '脱贫户', guard: 'povertyLine' },
  风险消除: { from: ['监测户'], to: '已消除风险', guard: 'monitoringLine' },
  返贫: { from: ['脱贫户'], to: '未脱贫户' },
  再次纳入: { from: ['已消除风险'], to: '监测户', categories: { 已消除风险: ALL_CATEGORIES } },
  自然减少: { from: IN_REGISTRY, to: '自然减少' },
  清退: { from: IN_REGISTRY, to: '清退' },
};

/** The procedures that may start from each state (derived from TRANSITIONS, for the UI). */
export function proceduresFrom(state: HouseholdState): ProcedureType[] {
  return PROCEDURE_TYPES.filter((t) => TRANSITIONS[t].from.includes(state));
}

export function canStart(type: ProcedureType, state: HouseholdState): boolean {
  return TRANSITIONS[type].from.includes(state);
}

// ── Sign-off chain ─────────────────────────────────────────────────────────────────────────────
/** 村级评议 → 村内公示 (7 days) → 乡镇审核 → 县级审定. */
export const STAGES = ['村级评议', '村内公示', '乡镇审核', '县级审定'] as const;
export type Stage = (typeof STAGES)[number];

/** Village notices run at least 7 full days (168 hours from the start of the notice). */
export const PUBLICITY_DAYS = 7;
export const PUBLICITY_MS = PUBLICITY_DAYS * 24 * 60 * 60 * 1000;

export const PROCEDURE_STATUSES = ['open', 'completed', 'rejected', 'withdrawn'] as const;
export type ProcedureStatus = (typeof PROCEDURE_STATUSES)[number];

export const STEP_ACTIONS = ['approve', 'reject', 'withdraw', 'object', 'answer'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export function nextStage(stage: Stage): Stage | null {
  const i = STAGES.indexOf(stage);
  return STAGES[i + 1] ?? null;
}

export const isProcedureType = (v: unknown): v is ProcedureType => typeof v === 'string' && (PROCEDURE_TYPES as readonly string[]).includes(v);

/** English names for messages (the web translates code values itself). */
export const EN: Record<string, string> = {
  识别纳入: 'identification',
  监测对象认定: 'monitoring designation',
  标注脱贫: 'poverty exit',
  风险消除: 'risk elimination',
  返贫: 'return to poverty',
  再次纳入: 're-inclusion in monitoring',
  自然减少: 'natural decrease',
  清退: 'removal as ineligible',
  未脱贫户: 'not yet out of poverty',
  脱贫户: 'out of poverty',
  监测户: 'monitored',
  已消除风险: 'risk eliminated',
  待识别: 'candidate (not in registry)',
  脱贫不稳定户: 'unstable after exit',
  边缘易致贫户: 'marginal, at risk of poverty',
  突发严重困难户: 'sudden severe hardship',
  村级评议: 'village appraisal',
  村内公示: 'village public notice',
  乡镇审核: 'township review',
  县级审定: 'county approval',
  village_cadre: 'a village cadre of the village',
  township_officer: 'a township officer of the township',
  county_official: 'a county official of the county',
};
export const ROLE_ZH: Record<string, string> = {
  village_cadre: '本村村干部',
  township_officer: '本乡镇干部',
  county_official: '本县扶贫办',
};
export const en = (v: string) => EN[v] ?? v;

/** 自然减少 reason codes. 全户死亡 / 全户迁出 require every member to end in that state. */
export const NATURAL_DECREASE_REASONS = ['全户死亡', '全户迁出', '死亡及迁出'] as const;
export type NaturalDecreaseReason = (typeof NATURAL_DECREASE_REASONS)[number];

/** 清退 reason codes (found ineligible, usually from a confirmed cross-check finding). */
export const REMOVAL_REASONS = ['识别不精准', '家庭收入超标', '有财政供养人员', '拥有商品房或车辆', '经商办企业', '重复纳入', '其他'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

/** Kinds of evidence a procedure may reference. */
export const EVIDENCE_KINDS = ['visit', 'photo', 'measure', 'finding', 'document', 'other'] as const;

// ── 风险消除: months under monitoring ──────────────────────────────────────────────────────────
/**
 * 风险消除 is marked only after a period under monitoring (domain doc: income stably above the
 * line, "normally for at least half a year"), counted from the approval of the procedure that made
 * the household a 监测户 (监测对象认定, 再次纳入). The county sets the months per year
 * (county_year_settings.risk_elimination_months); 6 where it has not. A household monitored before
 * it came into Dripline (registry import) has no such date and is judged on the guards alone.
 */
export const MIN_MONITORING_MONTHS = 6;

/** China Standard Time is UTC+8 all year (no daylight saving). */
const CST_OFFSET_MS = 8 * 3600_000;

/**
 * The same calendar day `months` later in China (the month's last day when it is shorter), at the
 * same time. Counted on China's calendar, not UTC's: approved at 00:30 on 1 December in China is
 * 16:30 UTC on 30 November, and six months later is 1 June, not 31 May.
 */
export function addMonths(d: Date, months: number): Date {
  const out = new Date(d.getTime() + CST_OFFSET_MS);
  const day = out.getUTCDate();
  out.setUTCDate(1);
  out.setUTCMonth(out.getUTCMonth() + months);
  const last = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(day, last));
  return new Date(out.getTime() - CST_OFFSET_MS);
}

/** The first moment 风险消除 may be marked for a household monitored since `since`. */
export const riskEliminationFrom = (since: Date, months = MIN_MONITORING_MONTHS): Date => addMonths(since, months);
