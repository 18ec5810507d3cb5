// The legend and the map must agree on class bounds; these pin the break rules.
import { describe, expect, it } from 'vitest';
import { fillColourExpression, householdScale, NONE_COLOUR, niceStep } from './scale.ts';

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
