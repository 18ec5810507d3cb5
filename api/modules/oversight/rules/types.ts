// What every anomaly rule gets and gives (docs/domain/oversight-rules.md). A rule is one set-based
// SELECT over the county's projects, step logs, ledger entries, households and (where present) the
// cross-check's department data, producing one candidate row per subject in CANDIDATE_COLUMNS'
// order; the run (run.ts) turns candidates into alerts idempotently. No rule loops in JavaScript.
import { type RawBuilder, sql } from 'kysely';
import type { AlertSeverity, AlertSubjectKind } from '../../../db/schema.ts';

/**
 * The rules' thresholds. Defaults below; a run may be given others (runOversightRules' input,
 * `dripline oversight run --threshold name=value`) and records the values it used.
 */
export interface Thresholds {
  /** 公告公示 lasts at least this many days after approval before money may be disbursed. */
  noticeDays: number;
  /** SPLIT_CONTRACTS: the approval threshold (fen) that contracts are split to stay under. */
  approvalThresholdFen: number;
  /** SPLIT_CONTRACTS: "just under" = at most this many percent below the threshold. */
  splitMarginPercent: number;
  /** SPLIT_CONTRACTS: two near-threshold amounts of one payee or unit within this many days. */
  splitWindowDays: number;
  /** IDLE_WITH_MONEY: days without a step, progress or ledger entry. */
  idleDays: number;
  /** TOO_FAST: a sign-off less than this many minutes after the step before it. */
  minSignoffMinutes: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  noticeDays: 10,
  approvalThresholdFen: 50_000_000, // 50 万元
  splitMarginPercent: 10,
  splitWindowDays: 30,
  idleDays: 90,
  minSignoffMinutes: 30,
};

export interface RuleContext {
  countyCode: string;
  /** ISO date the run is for: nothing booked or signed after it counts. */
  asOf: string;
  thresholds: Thresholds;
  /** The cross-check's current 公安·户籍变动 dataset version of the county, when one was imported. */
  householdEventsVersion: string | null;
}

export interface OversightRule {
  code: string;
  severity: AlertSeverity;
  /** zh-CN one-line description for the UI. */
  title: string;
  /** One SELECT of CANDIDATE_COLUMNS (in order). */
  candidates(ctx: RuleContext): RawBuilder<unknown>;
}

/** The columns every rule's SELECT produces, in this order (run.ts reads them by name). */
export interface Candidate {
  subject_kind: AlertSubjectKind;
  subject_key: string;
  village_code: string;
  project_id: string | null;
  ledger_entry_id: string | null;
  project_step_id: string | null;
  procedure_id: string | null;
  procedure_step_id: string | null;
  evidence: unknown;
  evidence_text: string;
}

/** A timestamptz's date in China (UTC+8, no daylight saving; needs no time-zone data). */
export const cnDate = (expr: RawBuilder<unknown>) => sql`((${expr} at time zone 'UTC') + interval '8 hours')::date`;
/** fen → '1234.50' */
export const yuan = (expr: RawBuilder<unknown>) => sql`to_char((${expr})::numeric / 100, 'FM999999999990.00')`;
/** Masks all but the last 4 characters of an account number (evidence never holds one in full). */
export const maskTail = (expr: RawBuilder<unknown>) => sql`('****' || right(${expr}, 4))`;

/**
 * The county's ledger entries that count for a run: booked up to as-of, not a reversal and not
 * reversed (a reversed entry was corrected; its correction is what happened).
 */
export const liveEntries = (ctx: RuleContext, alias: string) => sql`(
  select le.* from ledger_entries le
  where le.county_code = ${ctx.countyCode} and le.booked_on <= ${ctx.asOf}::date and le.reversal_of is null
    and not exists (select 1 from ledger_entries r where r.reversal_of = le.id and r.booked_on <= ${ctx.asOf}::date)
) as ${sql.id(alias)}`;

/**
 * The county's projects with the moments the rules need: approved (入库), notice started, accepted
 * (验收) — the project's own columns, or else the step log's approval out of 县级审定 / 验收.
 */
export const projectMoments = (ctx: RuleContext, alias: string) => sql`(
  select p.id, p.village_code, p.name, p.state, p.implementing_unit, p.created_at,
    coalesce(p.approved_at, sa.at) as approved_at,
    coalesce(p.notice_started_at, p.approved_at, sa.at) as notice_started_at,
    coalesce(p.accepted_at, sv.at) as accepted_at
  from projects p
  left join lateral (
    select min(s.at) as at from project_steps s where s.project_id = p.id and s.action = 'approve' and s.from_state = '县级审定'
  ) sa on true
  left join lateral (
    select min(s.at) as at from project_steps s where s.project_id = p.id and s.action = 'approve' and s.from_state = '验收'
  ) sv on true
  where p.county_code = ${ctx.countyCode}
) as ${sql.id(alias)}`;
