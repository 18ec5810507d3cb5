import { describe, expect, it } from 'vitest';
import { type LonLat, bd09ToGcj02, bd09ToWgs84, gcj02ToBd09, gcj02ToWgs84, inChinaBox, wgs84ToBd09, wgs84ToGcj02 } from './coord-transform.ts';

// Reference triples from gcoord's fixture test/fixtures/china-cities.json (github.com/hujiulong/gcoord,
// WGS84 / GCJ02 / BD09 of city centres, 7 decimals): the four nearest Guizhou.
const CITIES: { name: string; wgs84: LonLat; gcj02: LonLat; bd09: LonLat }[] = [
  { name: '毕节市', wgs84: [105.2884121, 27.2873271], gcj02: [105.2916458, 27.2839591], bd09: [105.2982343, 27.2896767] },
  { name: '铜仁市', wgs84: [109.1850122, 27.7347803], gcj02: [109.1896029, 27.7315202], bd09: [109.1960427, 27.7378032] },
  { name: '河池市', wgs84: [108.0810066, 24.695685], gcj02: [108.0852626, 24.6929343], bd09: [108.0917615, 24.6988503] },
  { name: '泸州市', wgs84: [105.4386655, 28.8748404], gcj02: [105.4422659, 28.871815], bd09: [105.4487888, 28.8776874] },
];

// The published algorithm's own example (github.com/wandergis/coordtransform, test/app.js: every
// function applied to 116.404, 39.915), repeated by hutool's CoordinateUtilTest and coordtransform-rs.
const PUBLISHED: { fn: (p: LonLat) => [number, number]; expected: LonLat }[] = [
  { fn: bd09ToGcj02, expected: [116.39762729119315, 39.90865673957631] },
  { fn: gcj02ToBd09, expected: [116.41036949371029, 39.92133699351021] },
  { fn: wgs84ToGcj02, expected: [116.41024449916938, 39.91640428150164] },
];

const near = (actual: LonLat, expected: LonLat, tolerance: number) => {
  expect(Math.abs(actual[0] - expected[0]), `lon ${actual[0]} vs ${expected[0]}`).toBeLessThan(tolerance);
  expect(Math.abs(actual[1] - expected[1]), `lat ${actual[1]} vs ${expected[1]}`).toBeLessThan(tolerance);
};

describe('coordinate transforms', () => {
  it('matches the published algorithm’s example to 1e-12°', () => {
    for (const { fn, expected } of PUBLISHED) near(fn([116.404, 39.915]), expected, 1e-12);
    // coordtransform's one-step gcj02towgs84 gives 116.39775550083061, 39.91359571849836; ours iterates,
    // so it lands within the GCJ-02 shift's own variation (~1e-5°) of that approximation.
    near(gcj02ToWgs84([116.404, 39.915]), [116.39775550083061, 39.91359571849836], 2e-5);
  });

  it('matches gcoord’s reference cities near Guizhou', () => {
    for (const c of CITIES) {
      // The fixture's GCJ-02 column came from an online service: within 1e-5° (~1 m) of the formula.
      near(wgs84ToGcj02(c.wgs84), c.gcj02, 1e-5);
      near(gcj02ToWgs84(c.gcj02), c.wgs84, 1e-5);
      // BD-09 from GCJ-02 is closed form: to the fixture's 7 decimals.
      near(gcj02ToBd09(c.gcj02), c.bd09, 2e-7);
      near(bd09ToGcj02(c.bd09), c.gcj02, 1e-6);
      near(wgs84ToBd09(c.wgs84), c.bd09, 1e-5);
      near(bd09ToWgs84(c.bd09), c.wgs84, 1e-5);
    }
  });

  it('moves a point in Guizhou by a few hundred metres (GCJ-02) and about a kilometre (BD-09)', () => {
    const guiyang: LonLat = [106.63, 26.65];
    const g = wgs84ToGcj02(guiyang);
    const b = wgs84ToBd09(guiyang);
    const metres = (a: LonLat, z: LonLat) => Math.hypot((z[0] - a[0]) * 111_320 * Math.cos((a[1] * Math.PI) / 180), (z[1] - a[1]) * 110_574);
    expect(metres(guiyang, g)).toBeGreaterThan(200);
    expect(metres(guiyang, g)).toBeLessThan(700);
    expect(metres(guiyang, b)).toBeGreaterThan(700);
    expect(metres(guiyang, b)).toBeLessThan(1_500);
  });

  it('inverts GCJ-02 to within 1e-9° over a grid covering Guizhou', () => {
    let worst = 0;
    let worstBd = 0;
    for (let lon = 103.5; lon <= 109.6 + 1e-9; lon += 0.05) {
      for (let lat = 24.6; lat <= 29.2 + 1e-9; lat += 0.05) {
        const p: LonLat = [lon, lat];
        const back = gcj02ToWgs84(wgs84ToGcj02(p));
        worst = Math.max(worst, Math.abs(back[0] - lon), Math.abs(back[1] - lat));
        const viaBd = bd09ToWgs84(wgs84ToBd09(p));
        worstBd = Math.max(worstBd, Math.abs(viaBd[0] - lon), Math.abs(viaBd[1] - lat));
      }
    }
    expect(worst).toBeLessThan(1e-9);
    // BD-09's published inverse is itself approximate (~1e-6°, ~10 cm): the round trip through it too.
    expect(worstBd).toBeLessThan(2e-6);
  });

  it('leaves points outside China unchanged between WGS84 and GCJ-02', () => {
    const outside: LonLat[] = [
      [2.3522, 48.8566], // Paris
      [-74.006, 40.7128], // New York
      [151.2093, -33.8688], // Sydney
      [183, 45], // gcoord's own out-of-range case
      [71.9, 30], // west of the box
      [120, 56], // north of the box
    ];
    for (const p of outside) {
      expect(inChinaBox(p)).toBe(false);
      expect(wgs84ToGcj02(p)).toEqual([...p]);
      expect(gcj02ToWgs84(p)).toEqual([...p]);
    }
    expect(inChinaBox([106.63, 26.65])).toBe(true);
  });

  it('applies Baidu’s offset everywhere, as the published algorithm does', () => {
    const paris: LonLat = [2.3522, 48.8566];
    const b = wgs84ToBd09(paris);
    expect(b).toEqual(gcj02ToBd09(paris));
    expect(Math.abs(b[0] - paris[0])).toBeGreaterThan(0.005);
    near(bd09ToGcj02(b), paris, 1e-6);
  });

  it('refuses what is not a number and returns a new array', () => {
    expect(() => wgs84ToGcj02([Number.NaN, 26])).toThrow(RangeError);
    expect(() => bd09ToWgs84([106, Number.POSITIVE_INFINITY])).toThrow(RangeError);
    const p: [number, number] = [106.63, 26.65];
    const out = wgs84ToGcj02(p);
    expect(out).not.toBe(p);
    expect(p).toEqual([106.63, 26.65]);
  });
});
