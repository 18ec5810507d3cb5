// ★ What if the line moved (标准线测算, issue 16 §5): before a county decides a year's poverty and
// monitoring lines, see village by village which registry households would fall under or rise above
// them, from their recorded per-capita net incomes (household_years) — nothing is changed. The
// lines are per county: the area must be a county or lie within one.
import type { Ctx } from '../../context.ts';
import { Invalid, NotFound } from '../../errors.ts';
import * as q from './queries.ts';

export interface WhatIfInput {
  area: string;
  year: number;
  /** Proposed lines in fen (either may be left as it is). */
  povertyLine?: number | undefined;
  monitoringLine?: number | undefined;
  limit?: number | undefined;
}

export async function whatIf(ctx: Ctx, input: WhatIfInput) {
  const { area, year } = input;
  if (!/^\d{6}(\d{3}(\d{3})?)?$/.test(area)) throw Invalid([{ path: 'area', key: 'lines.areaWithinCounty' }]);
  ctx.scope.assertCovers(area);
  const county = area.slice(0, 6);
  const set = await q.countyLines(ctx.db, county, year);
  if (!set) throw NotFound('lines.noLines', { county, year });
  const now = { poverty: Number(set.poverty_line), monitoring: Number(set.monitoring_line) };
  const then = { poverty: input.povertyLine ?? now.poverty, monitoring: input.monitoringLine ?? now.monitoring };
  if (then.monitoring < then.poverty) throw Invalid([{ path: 'monitoringLine', key: 'lines.monitoringBelowPoverty' }]);
  const [villages, cross] = await Promise.all([
    q.villageCounts(ctx.db, ctx.scope, area, year, now, then),
    q.crossing(ctx.db, ctx.scope, area, year, now, then, input.limit ?? 200),
  ]);
  const view = villages.map((v) => ({
    villageCode: v.village_code,
    villageName: v.village_name ?? v.village_code,
    recorded: v.recorded,
    underPovertyNow: v.under_poverty_now,
    underPovertyThen: v.under_poverty_then,
    underMonitoringNow: v.under_monitoring_now,
    underMonitoringThen: v.under_monitoring_then,
  }));
  const sum = (k: keyof (typeof view)[number]) => view.reduce((s, v) => s + Number(v[k]), 0);
  return {
    area,
    year,
    linesNow: { povertyFen: now.poverty, monitoringFen: now.monitoring },
    linesThen: { povertyFen: then.poverty, monitoringFen: then.monitoring },
    totals: {
      recorded: sum('recorded'),
      underPovertyNow: sum('underPovertyNow'),
      underPovertyThen: sum('underPovertyThen'),
      underMonitoringNow: sum('underMonitoringNow'),
      underMonitoringThen: sum('underMonitoringThen'),
    },
    villages: view,
    crossing: cross.rows.map((r) => ({
      householdId: r.id,
      householdNo: r.household_no,
      villageCode: r.village_code,
      status: r.status,
      incomeFen: Number(r.income),
      povertySide: sideChange(Number(r.income), now.poverty, then.poverty),
      monitoringSide: sideChange(Number(r.income), now.monitoring, then.monitoring),
    })),
    crossingTotal: cross.total,
  };
}

/** 'falls' under the line that moves above the income, 'rises' above one that moves below it, 'same' otherwise. */
function sideChange(income: number, now: number, then: number): 'falls' | 'rises' | 'same' {
  const under = [income < now, income < then];
  if (under[0] === under[1]) return 'same';
  return under[1] ? 'falls' : 'rises';
}
