// The statistics dashboards (贫困统计监测, 挂图作战 §5): an area's figures for the county, township and
// village — the registry by status and 在册状态, monitoring households by category, causes of
// poverty, the guarantees' gaps, the cross-check findings by rule and status, the fund ledger's
// balances and 资金支出进度 by source, and the children areas' table. Domain rules only: who may ask
// (any account whose area covers the dashboard's), how the rows become figures. SQL in queries.ts
// (the money through funds' own balances), HTTP in routes.ts, the workbook in stats-xlsx.ts.
import type { z } from '@hono/zod-openapi';
import { AREA_CODE_LENGTHS, ancestorsOf } from '../../../gis/area-code.ts';
import type { Ctx } from '../../context.ts';
import { NotFound } from '../../errors.ts';
import { HOUSEHOLD_STATUSES, MONITORING_CATEGORIES } from '../../shared/code-lists.ts';
import { can } from '../../shared/permissions.ts';
import { REGISTRY_STATES } from '../../shared/state-machine.ts';
import { findAreaNames } from '../areas/queries.ts';
import { Scope } from '../auth/scope.ts';
import { RULES } from '../crosscheck/rules/index.ts';
import { balances, figures } from '../funds/funds.ts';
import type { ReportCache } from './cache.ts';
import * as q from './queries.ts';
import type { FINDING_STATUSES, StatsAnswer, StatsReport } from './schema.ts';

export type StatsReportOutput = z.infer<typeof StatsReport>;
export type StatsAnswerOutput = z.infer<typeof StatsAnswer>;

/** What a missing value is called in the figures (a household without 主要致贫原因 or 监测对象类别). */
export const UNRECORDED = '未填';

/** The guarantees in the order the guards list them, with their zh-CN names. */
export const GUARANTEES = [
  { key: 'food', column: 'food_secure', label: '不愁吃' },
  { key: 'clothing', column: 'clothing_secure', label: '不愁穿' },
  { key: 'education', column: 'education_secure', label: '义务教育有保障' },
  { key: 'medical', column: 'medical_secure', label: '基本医疗有保障' },
  { key: 'housing', column: 'housing_secure', label: '住房安全有保障' },
  { key: 'water', column: 'water_secure', label: '饮水安全有保障' },
] as const satisfies readonly { key: string; column: q.GuaranteeColumn; label: string }[];

const RULE_TITLES = new Map(RULES.map((r) => [r.code, r.title]));

type StatusCounts = Record<(typeof FINDING_STATUSES)[number], number>;
const noFindings = (): StatusCounts => ({ open: 0, confirmed: 0, dismissed: 0, needs_visit: 0, resolved: 0 });

/** The length of the codes of the level below `code`'s (undefined below the village: households live in villages). */
const childLengthOf = (code: string) => (code.length >= 12 ? undefined : AREA_CODE_LENGTHS.find((n) => n > code.length));

/**
 * The dashboard of `code`: any account whose area covers it (403 otherwise, audited), 404 for an
 * unknown area. The figures are the area's subtree's, within the caller's scope.
 */
export async function areaStats(ctx: Ctx, code: string): Promise<StatsReportOutput> {
  const { db, scope } = ctx;
  scope.assertCovers(code);
  const area = await q.findArea(db, code);
  if (!area) throw NotFound('area.notFound', { code });
  // The area is inside the caller's: its own subtree is the narrower scope.
  const within = new Scope(code, scope.role);
  const childLength = childLengthOf(code);
  const [path, registry, causes, guarantees, findings, children, money] = await Promise.all([
    findAreaNames(db, ancestorsOf(code)),
    q.registryCounts(db, within),
    q.causeCounts(db, within),
    q.guaranteeGaps(db, within),
    q.findingCounts(db, within),
    childLength ? q.childFigures(db, within, code, childLength) : Promise.resolve([]),
    can(scope.role, 'funds.read') ? balances(ctx, { by: ['source'], areaCode: code }) : Promise.resolve(null),
  ]);
  return {
    area,
    path: path.map((p) => ({ code: p.code, name: p.name, level: p.level })),
    registry: registryFigures(registry),
    causes: causes.map((c) => ({ cause: c.cause ?? UNRECORDED, households: Number(c.households) })),
    guarantees: guaranteeFigures(guarantees),
    findings: findingFigures(findings),
    funds: money && {
      totals: figures({
        allocated: sum(money, (m) => m.allocatedFen),
        disbursed: sum(money, (m) => m.disbursedFen),
        reimbursed: sum(money, (m) => m.reimbursedFen),
        household_paid: sum(money, (m) => m.householdPaidFen),
        entries: sum(money, (m) => m.entries),
      }),
      bySource: money.map(({ source, ...f }) => ({ source: source ?? '', ...f })),
    },
    children: children.map((c) => ({
      code: c.code,
      name: c.name,
      level: c.level,
      households: Number(c.households),
      monitoringHouseholds: Number(c.monitoring),
      openFindings: Number(c.open_findings),
    })),
  };
}

/**
 * The dashboard of `code` as the page asks for it: kept until the data under it changes (cache.ts),
 * with the time it was computed. Access is checked on every request (403 audited); the kept report
 * is per area and per whether the caller may read the money (the only part that depends on the role).
 */
export async function keptAreaStats(ctx: Ctx, code: string, cache: ReportCache<StatsReportOutput>): Promise<StatsAnswerOutput> {
  ctx.scope.assertCovers(code);
  const key = `${code}|${can(ctx.scope.role, 'funds.read') ? 'funds' : 'counts'}`;
  const kept = await cache.get(key, () => areaStats(ctx, code));
  return { ...kept.value, asOf: kept.asOf.toISOString(), stale: kept.stale };
}

const sum = <T>(rows: readonly T[], f: (r: T) => number) => rows.reduce((s, r) => s + f(r), 0);

function registryFigures(rows: q.RegistryRow[]): StatsReportOutput['registry'] {
  const n = (r: q.RegistryRow) => ({ households: Number(r.households), people: Number(r.people) });
  const total = (pick: (r: q.RegistryRow) => boolean) =>
    rows.filter(pick).reduce((s, r) => ({ households: s.households + n(r).households, people: s.people + n(r).people }), { households: 0, people: 0 });
  const inRegistry = (r: q.RegistryRow) => r.registry_state === '在册';
  const monitoring = rows.filter((r) => inRegistry(r) && r.status === '监测户');
  const categories = [...MONITORING_CATEGORIES, ...(monitoring.some((r) => !r.monitoring_category) ? [UNRECORDED] : [])];
  return {
    inRegistry: total(inRegistry),
    byStatus: HOUSEHOLD_STATUSES.map((status) => ({ status, ...total((r) => inRegistry(r) && r.status === status) })),
    byRegistryState: REGISTRY_STATES.map((state) => ({ state, ...total((r) => r.registry_state === state) })),
    monitoringByCategory: categories.map((category) => ({
      category,
      ...total((r) => inRegistry(r) && r.status === '监测户' && (r.monitoring_category ?? UNRECORDED) === category),
    })),
  };
}

function guaranteeFigures(r: q.GuaranteeRow | undefined): StatsReportOutput['guarantees'] {
  return {
    households: Number(r?.households ?? 0),
    withYearRecord: Number(r?.with_year ?? 0),
    latestYear: r?.latest_year == null ? null : Number(r.latest_year),
    items: GUARANTEES.map((g) => ({
      key: g.key,
      label: g.label,
      unmet: Number(r?.[`${g.column}_unmet`] ?? 0),
      unrecorded: Number(r?.[`${g.column}_unrecorded`] ?? 0),
    })),
  };
}

function findingFigures(rows: q.FindingRow[]): StatsReportOutput['findings'] {
  const byStatus = noFindings();
  const byRule = new Map<string, StatusCounts>();
  for (const r of rows) {
    const n = Number(r.n);
    byStatus[r.status] += n;
    let rule = byRule.get(r.rule);
    if (!rule) byRule.set(r.rule, (rule = noFindings()));
    rule[r.status] += n;
  }
  // The catalogue's order, then any rule it no longer holds.
  const order = [...RULES.map((r) => r.code), ...[...byRule.keys()].filter((c) => !RULE_TITLES.has(c)).sort()];
  return {
    total: sum(Object.values(byStatus), (n) => n),
    byStatus,
    byRule: order.flatMap((rule) => {
      const s = byRule.get(rule);
      return s ? [{ rule, title: RULE_TITLES.get(rule) ?? rule, total: sum(Object.values(s), (n) => n), ...s }] : [];
    }),
  };
}
