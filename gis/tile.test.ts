import { describe, expect, it } from 'vitest';
import { isTile, tileBounds, tileOf } from './tile.ts';

describe('tile arithmetic', () => {
  it('gives the world at z0 and the published bounds of a tile', () => {
    const [w, s, e, n] = tileBounds({ z: 0, x: 0, y: 0 });
    expect([w, e]).toEqual([-180, 180]);
    expect(n).toBeCloseTo(85.0511287798, 9);
    expect(s).toBeCloseTo(-85.0511287798, 9);
    // 兴义 (104.9°E, 25.09°N) lies in z10 tile 810/438: by hand, x = (104.9 + 180) / 360 · 1024 = 810.4,
    // y = (1 − ln(tan φ + sec φ) / π) / 2 · 1024 = 438.2 (the OSM slippy-map formulas).
    expect(tileOf(104.9, 25.09, 10)).toEqual({ z: 10, x: 810, y: 438 });
    const b = tileBounds({ z: 10, x: 810, y: 438 });
    expect(b[0]).toBeLessThan(104.9);
    expect(b[2]).toBeGreaterThan(104.9);
    expect(b[1]).toBeLessThan(25.09);
    expect(b[3]).toBeGreaterThan(25.09);
  });

  it('grows the bounds by the buffer', () => {
    const t = { z: 12, x: 3241, y: 1765 };
    const [w, s, e, n] = tileBounds(t);
    const [bw, bs, be, bn] = tileBounds(t, 64 / 4096);
    expect(bw).toBeLessThan(w);
    expect(bs).toBeLessThan(s);
    expect(be).toBeGreaterThan(e);
    expect(bn).toBeGreaterThan(n);
    expect(be - e).toBeCloseTo((e - w) / 64, 12);
  });

  it('refuses coordinates outside the pyramid', () => {
    expect(isTile({ z: 3, x: 7, y: 7 })).toBe(true);
    expect(isTile({ z: 3, x: 8, y: 0 })).toBe(false);
    expect(isTile({ z: -1, x: 0, y: 0 })).toBe(false);
    expect(isTile({ z: 23, x: 0, y: 0 })).toBe(false);
    expect(isTile({ z: 2, x: 1.5, y: 0 })).toBe(false);
  });
});
