// A run of the anomaly rules (docs/domain/oversight-rules.md) for one county as of a date: each
// rule's candidates are merged into alerts idempotently (queries.ts mergeCandidates: an active
// alert of the same rule and subject is kept, a closed one is raised again only when its evidence
// changed), all in one transaction with the run's record and its audit entry.
import { type Ctx, inTransaction } from '../../context.ts';
import { Forbidden, Invalid } from '../../errors.ts';
import { can } from '../../shared/permissions.ts';
import { recordAudit } from '../audit/audit.ts';
import * as q from './queries.ts';
import { OVERSIGHT_RULES } from './rules/index.ts';
import { DEFAULT_THRESHOLDS, type RuleContext, type Thresholds } from './rules/types.ts';

export interface OversightRunInput {
  countyCode: string;
  /** ISO date (YYYY-MM-DD); nothing booked or signed after it counts. */
  asOf: string;
  /** Thresholds other than the defaults (rules/types.ts DEFAULT_THRESHOLDS). */
  thresholds?: Partial<Thresholds>;
  /** Limit to some rule codes (default all). */
  rules?: string[];
}

export interface OversightRunResult {
  runId: string;
  asOf: string;
  thresholds: Thresholds;
  /** Per rule: subjects found now, alerts raised by this run, active alerts kept. */
  counts: Record<string, { found: number; raised: number; kept: number }>;
  raised: number;
}

const isDate = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** The defaults with `given` over them; every value a positive whole number (the margin below 100). */
export function thresholdsOf(given: Partial<Thresholds> = {}): Thresholds {
  const t: Thresholds = { ...DEFAULT_THRESHOLDS };
  const fields: { path: string; key: 'oversight.thresholdInvalid' }[] = [];
  for (const [k, v] of Object.entries(given)) {
    if (!(k in DEFAULT_THRESHOLDS) || !Number.isSafeInteger(v) || v <= 0 || (k === 'splitMarginPercent' && v >= 100)) {
      fields.push({ path: `thresholds.${k}`, key: 'oversight.thresholdInvalid' });
    } else t[k as keyof Thresholds] = v;
  }
  if (fields.length) throw Invalid(fields);
  return t;
}

/** Runs the rules for a county as `ctx.actor` (the CLI's operator, or an account). */
export async function runOversightRules(ctx: Ctx, input: OversightRunInput): Promise<OversightRunResult> {
  const fields: { path: string; key: 'oversight.countyInvalid' | 'oversight.dateInvalid' | 'oversight.ruleUnknown' }[] = [];
  if (!/^\d{6}$/.test(input.countyCode)) fields.push({ path: 'countyCode', key: 'oversight.countyInvalid' });
  if (!isDate(input.asOf)) fields.push({ path: 'asOf', key: 'oversight.dateInvalid' });
  for (const r of input.rules ?? []) if (!OVERSIGHT_RULES.some((x) => x.code === r)) fields.push({ path: 'rules', key: 'oversight.ruleUnknown' });
  if (fields.length) throw Invalid(fields);
  const thresholds = thresholdsOf(input.thresholds);
  ctx.scope.assertCovers(input.countyCode, 'county', input.countyCode);
  return inTransaction(ctx, async (trx) => {
    await q.lockCountyRun(trx, input.countyCode);
    const { id: runId } = await q.insertRun(trx, {
      countyCode: input.countyCode,
      asOf: input.asOf,
      thresholds,
      startedBy: ctx.actor.id,
      startedByName: ctx.actor.name,
      at: ctx.now,
    });
    const ruleCtx: RuleContext = {
      countyCode: input.countyCode,
      asOf: input.asOf,
      thresholds,
      householdEventsVersion: await q.householdEventsVersion(trx, input.countyCode),
    };
    const counts: OversightRunResult['counts'] = {};
    for (const rule of OVERSIGHT_RULES) {
      if (input.rules && !input.rules.includes(rule.code)) continue;
      counts[rule.code] = await q.mergeCandidates(trx, {
        countyCode: input.countyCode,
        runId,
        rule: rule.code,
        severity: rule.severity,
        raisedByName: `oversight run (${ctx.actor.name})`,
        at: ctx.now,
        candidates: rule.candidates(ruleCtx),
      });
    }
    await q.finishRun(trx, runId, counts);
    const raised = Object.values(counts).reduce((s, c) => s + c.raised, 0);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'oversight.run',
      entity: 'oversight_run',
      entityId: runId,
      areaCode: input.countyCode,
      note: { asOf: input.asOf, thresholds, counts, householdEventsVersion: ruleCtx.householdEventsVersion },
      origin: ctx.origin,
    });
    return { runId, asOf: input.asOf, thresholds, counts, raised };
  });
}

/** A run asked from the web (POST /api/oversight/runs): the account's county and today by default. */
export interface AccountRunInput {
  countyCode?: string;
  asOf?: string;
}

/** Today in China (the rules count days as the county does), from the operation's clock. */
export const chinaDay = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The rules run by an account with oversight.run (县扶贫办, 纪检监察) for a county in its area, as
 * `dripline oversight run` does: idempotent (a second run raises nothing new), audited in its
 * transaction. Totals over the rules beside the per-rule counts.
 */
export async function runAsAccount(ctx: Ctx, input: AccountRunInput) {
  if (!can(ctx.scope.role, 'oversight.run')) throw Forbidden('oversight.roleCannotRun');
  const countyCode = input.countyCode ?? ctx.scope.countyCode;
  if (!countyCode) throw Invalid([{ path: 'countyCode', key: 'oversight.countyRequired' }]);
  const r = await runOversightRules(ctx, { countyCode, asOf: input.asOf ?? chinaDay(ctx.now) });
  const sum = (k: 'found' | 'raised' | 'kept') => Object.values(r.counts).reduce((s, c) => s + c[k], 0);
  return { runId: r.runId, countyCode, asOf: r.asOf, counts: r.counts, found: sum('found'), raised: sum('raised'), kept: sum('kept') };
}
