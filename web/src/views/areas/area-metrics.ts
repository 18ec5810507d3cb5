// The figures the area map can be coloured by (挂图作战 §2), each read from one child's figures of
// GET /api/stats/{code}/children, with the unit its legend shows: whole counts, whole yuan, whole
// percentages. Pure: the view picks one, the map colours by it, the panel lists them all.
import type { api, Ok } from '../../api.ts';
import type { MetricUnit } from '../../map/scale.ts';

export type ChildFiguresList = Ok<Awaited<ReturnType<(typeof api.stats)[':code']['children']['$get']>>>;
export type ChildFigures = ChildFiguresList['items'][number];

export const SEVERITIES = ['exclude', 'update', 'risk', 'review'] as const;

export interface Metric {
  key: string;
  /** The selector's group (and its i18n key areas.metricGroups.<group>). */
  group: 'registry' | 'findings' | 'funds';
  unit: MetricUnit;
  /** Needs funds.read (the ledger's money). */
  funds?: boolean;
  value: (c: ChildFigures) => number | null;
}

const pct = (r: number | null | undefined) => (r == null ? null : Math.round(r * 100));
const yuanOf = (fen: number | undefined) => (fen === undefined ? null : Math.round(fen / 100));

export const METRICS: readonly Metric[] = [
  { key: 'households', group: 'registry', unit: 'count', value: (c) => c.households },
  { key: 'people', group: 'registry', unit: 'count', value: (c) => c.people },
  { key: 'monitoring', group: 'registry', unit: 'count', value: (c) => c.monitoringHouseholds },
  { key: 'monitoringRate', group: 'registry', unit: 'percent', value: (c) => pct(c.monitoringRate) },
  { key: 'visitsOverdue', group: 'registry', unit: 'count', value: (c) => c.visitsOverdue },
  { key: 'findings', group: 'findings', unit: 'count', value: (c) => c.openFindings },
  ...SEVERITIES.map((s): Metric => ({ key: `findings-${s}`, group: 'findings', unit: 'count', value: (c) => c.openFindingsBySeverity[s] })),
  { key: 'allocated', group: 'funds', unit: 'yuan', funds: true, value: (c) => yuanOf(c.funds?.allocatedFen) },
  { key: 'spent', group: 'funds', unit: 'yuan', funds: true, value: (c) => yuanOf(c.funds?.spentFen) },
  { key: 'progress', group: 'funds', unit: 'percent', funds: true, value: (c) => pct(c.funds?.progress) },
];

export const metricOf = (key: string): Metric => METRICS.find((m) => m.key === key) ?? (METRICS[0] as Metric);
