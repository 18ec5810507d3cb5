import { describe, expect, it } from 'vitest';
import { type MultiPolygon, pointInPolygon, type Polygon } from './geojson.ts';
import { createRng } from './random.ts';
import { type LabelledPoint, type PartitionUnit, synthesizePartition } from './synthetic-partition.ts';

// A simplified 晴隆县 outline and a county shaped like its real structure: four 街道 with
// 社区 (codes 0xx), towns and townships with 村 (codes 2xx). Seat: echarts' cp of 晴隆县.
const outline: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [105.018, 25.9],
      [105.15, 25.552],
      [105.42, 25.7],
      [105.3, 25.9],
      [105.25, 25.85],
      [105.2, 26.176],
      [105.018, 25.9],
    ],
  ],
};
const SEAT: [number, number] = [105.218991, 25.834783];

const villages = (township: string, communities: number, villagesCount: number) => [
  ...Array.from({ length: communities }, (_, i) => `${township}${String(i + 1).padStart(3, '0')}`),
  ...Array.from({ length: villagesCount }, (_, i) => `${township}${String(200 + i).padStart(3, '0')}`),
];
const units: PartitionUnit[] = [
  { code: '522324001', children: villages('522324001', 4, 0) },
  { code: '522324002', children: villages('522324002', 3, 1) },
  { code: '522324003', children: villages('522324003', 2, 2) },
  { code: '522324004', children: villages('522324004', 3, 0) },
  { code: '522324101', children: villages('522324101', 4, 2) }, // 沙子镇: 4 社区, 保家村 and 兴合村
  { code: '522324102', children: villages('522324102', 1, 11) },
  { code: '522324103', children: villages('522324103', 1, 14) },
  { code: '522324104', children: villages('522324104', 0, 5) },
  { code: '522324200', children: villages('522324200', 0, 3) },
  { code: '522324205', children: villages('522324205', 0, 8) },
];
const allChildren = units.flatMap((u) => u.children);

const partition = synthesizePartition(outline, units, { seed: '522324', seat: SEAT, pointsPerChild: 10 });

describe('synthesizePartition', () => {
  it('is deterministic for a seed and changes with it', () => {
    expect(synthesizePartition(outline, units, { seed: '522324', seat: SEAT, pointsPerChild: 10 })).toEqual(partition);
    const other = synthesizePartition(outline, units, { seed: '522301', seat: SEAT, pointsPerChild: 10 });
    expect(other.points).not.toEqual(partition.points);
  });

  it('puts every point inside the outline, once, with consistent labels', () => {
    const { points } = partition;
    expect(points.length).toBeGreaterThanOrEqual(allChildren.length);
    expect(points.length).toBeLessThanOrEqual(10 * allChildren.length);
    expect(new Set(points.map((p) => `${p.lon},${p.lat}`)).size).toBe(points.length);
    const parentOf = new Map(units.flatMap((u) => u.children.map((c) => [c, u.code] as const)));
    for (const p of points) {
      expect(pointInPolygon(p.lon, p.lat, outline)).toBe(true);
      expect(parentOf.get(p.child)).toBe(p.parent);
      expect(Number.isInteger(Math.round(p.lon * 1e6)) && Math.abs(p.lon * 1e6 - Math.round(p.lon * 1e6)) < 1e-6).toBe(true);
    }
  });

  it('gives every village points and a seat among its own points', () => {
    const byChild = new Map<string, LabelledPoint[]>();
    for (const p of partition.points) byChild.set(p.child, [...(byChild.get(p.child) ?? []), p]);
    for (const c of allChildren) expect(byChild.get(c)?.length ?? 0, c).toBeGreaterThan(0);
    const seats = new Map(partition.seats.map((s) => [s.code, s]));
    expect(seats.size).toBe(units.length + allChildren.length);
    for (const c of allChildren) {
      const s = seats.get(c);
      expect(
        byChild.get(c)?.some((p) => p.lon === s?.lon && p.lat === s?.lat),
        c,
      ).toBe(true);
    }
    for (const u of units) {
      const s = seats.get(u.code);
      expect(
        partition.points.some((p) => p.parent === u.code && p.lon === s?.lon && p.lat === s?.lat),
        u.code,
      ).toBe(true);
    }
  });

  it('gathers the 街道 around the county seat', () => {
    const seats = new Map(partition.seats.map((s) => [s.code, s]));
    const d = (code: string) => {
      const s = seats.get(code);
      return s ? Math.hypot(s.lon - SEAT[0], s.lat - SEAT[1]) : Infinity;
    };
    const streets = units.filter((u) => u.code.slice(6) < '100').map((u) => d(u.code));
    const rural = units.filter((u) => u.code.slice(6) >= '100').map((u) => d(u.code));
    expect(Math.max(...streets)).toBeLessThan(Math.min(...rural) + 0.05);
    expect(streets.reduce((a, b) => a + b) / streets.length).toBeLessThan(rural.reduce((a, b) => a + b) / rural.length / 2);
  });

  it('gives townships with more villages more land (nearest-point areas by Monte Carlo)', () => {
    const rng = createRng('mc');
    const land = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const lon = rng.range(105.018, 105.42);
      const lat = rng.range(25.552, 26.176);
      if (!pointInPolygon(lon, lat, outline)) continue;
      let best: LabelledPoint | undefined;
      let bestD = Infinity;
      for (const p of partition.points) {
        const dd = (p.lon - lon) ** 2 + (p.lat - lat) ** 2;
        if (dd < bestD) {
          bestD = dd;
          best = p;
        }
      }
      if (best) land.set(best.parent, (land.get(best.parent) ?? 0) + 1);
    }
    const share = (code: string) => land.get(code) ?? 0;
    const mean = (us: PartitionUnit[]) => us.reduce((sum, u) => sum + share(u.code), 0) / us.length;
    const streets = units.filter((u) => u.code.slice(6) < '100');
    const big = units.filter((u) => u.children.length >= 8); // 碧痕镇, 大厂镇, 安谷乡
    expect(mean(big)).toBeGreaterThan(2 * mean(streets));
    for (const u of units) expect(share(u.code), u.code).toBeGreaterThan(0);
  });

  it('works on multipolygons and refuses impossible input', () => {
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        outline.coordinates,
        [
          [
            [105.5, 25.6],
            [105.6, 25.6],
            [105.6, 25.7],
            [105.5, 25.6],
          ],
        ],
      ],
    };
    const p = synthesizePartition(multi, units.slice(4, 6), { seed: 'm' });
    expect(p.points.every((pt) => pointInPolygon(pt.lon, pt.lat, multi))).toBe(true);
    expect(synthesizePartition(outline, [], { seed: 'x' })).toEqual({ points: [], seats: [] });
    expect(() => synthesizePartition(outline, [{ code: '522324101', children: [] }], { seed: 'x' })).toThrow(/no children/);
    expect(() => synthesizePartition({ type: 'Polygon', coordinates: [] }, units, { seed: 'x' })).toThrow(/empty outline/);
  });
});
