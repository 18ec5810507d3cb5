import { describe, expect, it } from 'vitest';
import {
  bboxIntersects,
  bboxOf,
  type FeatureCollection,
  type MultiPolygon,
  type Polygon,
  pointInPolygon,
  polygonArea,
  preparePolygon,
  ringArea,
  roundCoordinates,
} from './geojson.ts';
import { createRng } from './random.ts';

// A simplified 晴隆县 outline (lon 105.018–105.420, lat 25.552–26.176) with a notch, and a hole.
const qinglong: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [105.018, 25.9],
      [105.15, 25.552],
      [105.42, 25.7],
      [105.3, 25.9],
      [105.25, 25.85], // notch
      [105.2, 26.176],
      [105.018, 25.9],
    ],
  ],
};
const square = (x0: number, y0: number, d: number) => [
  [x0, y0],
  [x0 + d, y0],
  [x0 + d, y0 + d],
  [x0, y0 + d],
  [x0, y0],
];

describe('bboxOf', () => {
  it('covers geometries, features and collections', () => {
    expect(bboxOf(qinglong)).toEqual([105.018, 25.552, 105.42, 26.176]);
    const fc: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [104.895467, 25.09204] }, properties: { name: '兴义市' } },
        { type: 'Feature', geometry: qinglong, properties: { name: '晴隆县' } },
        { type: 'Feature', geometry: null, properties: null },
      ],
    };
    expect(bboxOf(fc)).toEqual([104.895467, 25.09204, 105.42, 26.176]);
    expect(bboxOf({ type: 'GeometryCollection', geometries: [] })).toBeUndefined();
    expect(bboxOf(null)).toBeUndefined();
  });

  it('tests overlap', () => {
    expect(bboxIntersects([105, 25, 106, 26], [105.5, 25.5, 107, 27])).toBe(true);
    expect(bboxIntersects([105, 25, 106, 26], [106, 26, 107, 27])).toBe(true);
    expect(bboxIntersects([105, 25, 106, 26], [106.1, 25, 107, 26])).toBe(false);
  });
});

describe('areas', () => {
  it('signs ring areas by orientation and subtracts holes', () => {
    const ccw = square(105, 25, 0.1);
    expect(ringArea(ccw)).toBeCloseTo(0.01, 12);
    expect(ringArea([...ccw].reverse())).toBeCloseTo(-0.01, 12);
    const withHole: Polygon = { type: 'Polygon', coordinates: [square(105, 25, 0.1), square(105.02, 25.02, 0.05).reverse()] };
    expect(polygonArea(withHole)).toBeCloseTo(0.01 - 0.0025, 12);
    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [[square(105, 25, 0.1)], [square(106, 25, 0.2)]] };
    expect(polygonArea(multi)).toBeCloseTo(0.05, 12);
  });
});

describe('point in polygon', () => {
  it('places the county seat of 晴隆 inside and the notch outside', () => {
    expect(pointInPolygon(105.218991, 25.834783, qinglong)).toBe(true); // 莲城街道 (echarts cp)
    expect(pointInPolygon(105.27, 25.9, qinglong)).toBe(false); // in the notch
    expect(pointInPolygon(104.895467, 25.09204, qinglong)).toBe(false); // 兴义
  });

  it('respects holes and multipolygon parts', () => {
    const withHole: Polygon = { type: 'Polygon', coordinates: [square(105, 25, 0.1), square(105.02, 25.02, 0.05)] };
    expect(pointInPolygon(105.01, 25.01, withHole)).toBe(true);
    expect(pointInPolygon(105.04, 25.04, withHole)).toBe(false);
    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [[square(105, 25, 0.1)], [square(106, 25, 0.2)]] };
    expect(pointInPolygon(106.1, 25.1, multi)).toBe(true);
    expect(pointInPolygon(105.5, 25.1, multi)).toBe(false);
  });

  it('gives the same answers prepared as unprepared', () => {
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [qinglong.coordinates, [square(105.5, 25.6, 0.1), square(105.52, 25.62, 0.02)]],
    };
    const contains = preparePolygon(multi, 16);
    const rng = createRng('pip');
    for (let i = 0; i < 5000; i++) {
      const lon = rng.range(104.9, 105.7);
      const lat = rng.range(25.5, 26.2);
      expect(contains(lon, lat)).toBe(pointInPolygon(lon, lat, multi));
    }
  });
});

describe('roundCoordinates', () => {
  it('rounds every position without touching the input', () => {
    const p: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [105.2189912345, 25.8347834999],
          [105.1, 25.6],
          [105.3, 25.7],
          [105.2189912345, 25.8347834999],
        ],
      ],
    };
    const r = roundCoordinates(p, 6);
    expect(r.coordinates[0]?.[0]).toEqual([105.218991, 25.834783]);
    expect(p.coordinates[0]?.[0]).toEqual([105.2189912345, 25.8347834999]);
  });
});
