// A cross-check run: snapshot the county's registry members, let every rule insert its candidates
// (set-based SQL), and merge them into findings — all in one transaction. Findings keep their
// identity (rule, 户编号, 证件号码) across runs: open ones are refreshed, never duplicated; dismissed
// ones stay dismissed while their evidence is unchanged. Thresholds come from the county's yearly
// standard (runSettings), and the run records the values it used. The frame's SQL (the members
// snapshot, the merge) is in queries.ts, each rule's in rules/.
import { type Ctx, inTransaction } from '../../context.ts';
import type { DbOrTrx } from '../../db/schema.ts';
import { recordAudit } from '../audit/audit.ts';
import * as q from './queries.ts';
import { RULES } from './rules/index.ts';
import type { RuleContext, Source } from './rules/types.ts';

export interface RunInput {
  countyCode: string;
  asOf: string;
  /** Limit to some rule codes (default all). */
  rules?: string[];
  /** Each rule as it has inserted its candidates (inside the run's transaction). */
  onRule?: (code: string, ms: number) => void;
}

export interface RunResult {
  runId: string;
  asOf: string;
  counts: Record<string, number>;
  skipped: { rule: string; missing: Source[] }[];
  newFindings: number;
  reopened: number;
  totalPresent: number;
  /** Milliseconds per rule, and for the merge into findings. */
  timings: Record<string, number>;
}

export { currentVersions } from './queries.ts';

/** The catalogue's defaults (crosscheck-rules: 10,000 元 over 12 months), for a county that set no standard. */
export const DEFAULT_MEDICAL = { thresholdFen: 1_000_000, windowMonths: 12 };

/**
 * The thresholds of a run: the county's yearly standard (年度标准, county_year_settings — the one
 * source, set on the 年度标准 page, audited) for the year of as-of; while the county has not entered
 * that year yet, its latest earlier year; a county with no standard at all, or an empty medical
 * alert, gets the catalogue's default. The run records the values and where they came from.
 */
export async function runSettings(db: DbOrTrx, countyCode: string, asOf: string): Promise<RuleContext['settings']> {
  const row = await q.medicalStandard(db, countyCode, Number(asOf.slice(0, 4)));
  const threshold = row?.medical_self_pay_threshold;
  return {
    medicalSelfPayThreshold: threshold == null ? DEFAULT_MEDICAL.thresholdFen : Number(threshold),
    medicalWindowMonths: row ? Number(row.medical_window_months) : DEFAULT_MEDICAL.windowMonths,
    standardYear: row ? Number(row.year) : null,
    medicalThresholdSource: threshold == null ? 'default' : 'county',
  };
}

/** Runs the rules for a county as `ctx.actor`, in one transaction (the run, its findings and its audit entry). */
export async function runCrosscheck(ctx: Ctx, input: RunInput): Promise<RunResult> {
  return inTransaction(ctx, async (trx) => {
    // One run per county at a time.
    await q.lockCountyRun(trx, input.countyCode);
    const settings = await runSettings(trx, input.countyCode, input.asOf);
    const versions = await q.currentVersions(trx, input.countyCode);
    const runId = await q.insertRun(trx, {
      countyCode: input.countyCode,
      asOf: input.asOf,
      settings,
      versions,
      startedBy: ctx.actor.id,
      startedByName: ctx.actor.name,
    });
    await q.createRunTables(trx, input.countyCode);

    const ruleCtx: RuleContext = { countyCode: input.countyCode, asOf: input.asOf, settings, versions };
    const skipped: RunResult['skipped'] = [];
    const timings: Record<string, number> = {};
    for (const rule of RULES) {
      if (input.rules && !input.rules.includes(rule.code)) continue;
      const missing = rule.sources.filter((src) => !versions[src]);
      if (missing.length) {
        skipped.push({ rule: rule.code, missing });
        continue;
      }
      const t0 = performance.now();
      await rule.insert(ruleCtx).execute(trx);
      timings[rule.code] = Math.round(performance.now() - t0);
      input.onRule?.(rule.code, timings[rule.code] as number);
    }
    const tMerge = performance.now();

    const merged = await q.mergeCandidates(trx, input.countyCode, runId);
    timings._merge = Math.round(performance.now() - tMerge);
    const rulesRun = RULES.filter((r) => (!input.rules || input.rules.includes(r.code)) && !skipped.some((x) => x.rule === r.code)).map((r) => r.code);
    if (rulesRun.length) await q.markAbsent(trx, input.countyCode, runId, rulesRun);
    const counts = await q.candidateCounts(trx);
    await q.finishRun(trx, runId, { ...counts, _skipped: skipped });
    const result: RunResult = {
      runId,
      asOf: input.asOf,
      counts,
      skipped,
      newFindings: merged.inserted,
      reopened: merged.reopened,
      totalPresent: merged.total,
      timings,
    };
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'crosscheck.run',
      entity: 'crosscheck_run',
      entityId: runId,
      areaCode: input.countyCode,
      note: { asOf: input.asOf, counts, skipped, versions, newFindings: result.newFindings, reopened: result.reopened },
      origin: ctx.origin,
    });
    return result;
  });
}
