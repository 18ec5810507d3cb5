// The legend and the map must agree on class bounds; these pin the break rules.
import { describe, expect, it } from 'vitest';
import { CLASS_COLOURS, fillColourExpression, householdScale, metricScale, NONE_COLOUR, niceStep } from './scale.ts';

describe('householdScale', () => {
  it('has no classes when no area has households', () => {
    expect(householdScale([0, 0]).classes).toEqual([]);
    expect(fillColourExpression(householdScale([]))).toBe(NONE_COLOUR);
  });

  it('uses nice steps covering the maximum, the top class open', () => {
    const s = householdScale([0, 12, 37, 95]);
    expect(s.classes.map((c) => [c.from, c.to])).toEqual([
      [1, 20],
      [21, 40],
      [41, 60],
      [61, 80],
      [81, null],
    ]);
  });

  it('stops early when few classes are needed', () => {
    const s = householdScale([1, 3]);
    expect(s.classes.map((c) => [c.from, c.to])).toEqual([
      [1, 1],
      [2, 2],
      [3, null],
    ]);
  });

  it('builds a step expression with zero as the neutral colour', () => {
    const expr = fillColourExpression(householdScale([10, 50])) as unknown[];
    expect(expr[0]).toBe('step');
    expect(expr[2]).toBe(NONE_COLOUR);
    expect(expr[3]).toBe(1);
  });

  it('rounds steps to 1, 2, 5 × 10^k', () => {
    expect([0.3, 1, 1.5, 3, 7, 19, 240].map(niceStep)).toEqual([0.5, 1, 2, 5, 10, 20, 500]);
  });
});

describe('metricScale', () => {
  it('starts percentages at 0 and leaves null to the neutral colour', () => {
    const s = metricScale([0, 12, null, 47], 'percent');
    expect(s.classes.map((c) => [c.from, c.to])).toEqual([
      [0, 10],
      [11, 20],
      [21, 30],
      [31, 40],
      [41, null],
    ]);
    const expr = fillColourExpression(s, 'value') as unknown[];
    expect(expr.slice(0, 5)).toEqual(['step', ['coalesce', ['get', 'value'], -1], NONE_COLOUR, 0, CLASS_COLOURS[0]]);
  });

  it('gives one class when every area is at 0 %, none when no area has a figure', () => {
    expect(metricScale([0, 0], 'percent').classes).toEqual([{ from: 0, to: null, colour: CLASS_COLOURS[0] }]);
    expect(metricScale([null, null], 'percent').classes).toEqual([]);
  });

  it('treats counts and yuan as household counts (0 and null are none)', () => {
    expect(metricScale([0, null, 4_000_000], 'yuan')).toEqual(householdScale([0, 4_000_000]));
    expect(metricScale([3, null], 'count').classes[0]?.from).toBe(1);
  });
});
