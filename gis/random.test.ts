import { describe, expect, it } from 'vitest';
import { createRng, hashSeed } from './random.ts';

describe('seeded random numbers', () => {
  it('repeats for the same seed and differs between seeds', () => {
    const a = createRng('522324');
    const b = createRng('522324');
    const c = createRng('522301');
    const sa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(sa);
    expect(hashSeed('522324')).toBe(hashSeed('522324'));
    expect(hashSeed('')).toBe(0x811c9dc5);
  });

  it('stays in range and looks uniform', () => {
    const r = createRng(42);
    const buckets = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < 20000; i++) {
      const v = r.next();
      if (!(v >= 0 && v < 1)) outOfRange++;
      buckets[Math.floor(v * 10)] = (buckets[Math.floor(v * 10)] ?? 0) + 1;
      const k = r.int(7);
      if (!(Number.isInteger(k) && k >= 0 && k < 7)) outOfRange++;
      const x = r.range(105.018, 105.42);
      if (!(x >= 105.018 && x < 105.42)) outOfRange++;
    }
    expect(outOfRange).toBe(0);
    for (const n of buckets) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });
});
