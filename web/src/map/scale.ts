// The colour scales shared by the map layers and the legend: five classes with "nice" equal-interval
// breaks derived from the figures on screen (a county's townships hold thousands, a township's villages
// dozens), plus a neutral colour for areas with nothing (no households; no figure at all). Counts and
// money start at 1 (0 is "none"); percentages start at 0 (0 % spent is a finding, not a gap).
// Pure: no MapLibre, no DOM — unit-tested in scale.test.ts.

/** Light yellow to dark red (ColorBrewer YlOrRd 5), readable on the pale map background. */
export const CLASS_COLOURS = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'] as const;
export const NONE_COLOUR = '#d9dee3';

export interface ColourClass {
  /** Inclusive lower bound. */
  from: number;
  /** Inclusive upper bound, or null for the open top class. */
  to: number | null;
  colour: string;
}

export interface ColourScale {
  classes: ColourClass[];
  none: string;
}

/** 1, 2, 5 × 10^k at or above `x` (x > 0). */
export function niceStep(x: number): number {
  const exp = 10 ** Math.floor(Math.log10(x));
  const f = x / exp;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * exp;
}

/** Classes for these counts: breaks at step, 2·step … with the top class open-ended. */
export function householdScale(counts: readonly number[]): ColourScale {
  const max = Math.max(0, ...counts.filter((n) => Number.isFinite(n)));
  if (max === 0) return { classes: [], none: NONE_COLOUR };
  const n = CLASS_COLOURS.length;
  // Integer steps: a class of "1–1.6 households" means nothing.
  const step = Math.max(1, niceStep(max / n));
  const classes: ColourClass[] = [];
  for (let i = 0; i < n; i++) {
    const from = i === 0 ? 1 : i * step + 1;
    if (from > max) break;
    const last = i === n - 1 || (i + 1) * step >= max;
    classes.push({ from, to: last ? null : (i + 1) * step, colour: CLASS_COLOURS[i] as string });
    if (last) break;
  }
  // With an open top class the upper bound of the last class is shown as "≥ from".
  return { classes, none: NONE_COLOUR };
}

/** What a choropleth's figures are: whole counts, whole yuan, or whole percentages (0–100). */
export type MetricUnit = 'count' | 'yuan' | 'percent';

/**
 * Classes for a metric's figures (null: the area has none, e.g. no money allocated). Counts and yuan
 * as householdScale; percentages from 0 with integer steps, the top class open.
 */
export function metricScale(values: readonly (number | null)[], unit: MetricUnit): ColourScale {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (unit !== 'percent') return householdScale(finite);
  if (!finite.length) return { classes: [], none: NONE_COLOUR };
  const max = Math.max(0, ...finite);
  const n = CLASS_COLOURS.length;
  const step = Math.max(1, niceStep(Math.max(max, 1) / n));
  const classes: ColourClass[] = [];
  for (let i = 0; i < n; i++) {
    const from = i === 0 ? 0 : i * step + 1;
    const last = i === n - 1 || (i + 1) * step >= max;
    classes.push({ from, to: last ? null : (i + 1) * step, colour: CLASS_COLOURS[i] as string });
    if (last) break;
  }
  return { classes, none: NONE_COLOUR };
}

/** A MapLibre expression colouring features by a numeric property (default `householdCount`; missing or null: none). */
export function fillColourExpression(scale: ColourScale, property = 'householdCount'): unknown[] | string {
  const first = scale.classes[0];
  if (!first) return scale.none;
  // null or missing → -1, below every class (the lowest starts at 0).
  const step: unknown[] = ['step', ['coalesce', ['get', property], -1], scale.none, first.from, first.colour];
  for (const c of scale.classes.slice(1)) step.push(c.from, c.colour);
  return step;
}
