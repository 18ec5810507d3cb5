import { describe, expect, it } from 'vitest';
import { AREA_LEVELS, ancestorsOf, areaLevelOf, codeLengthOf, countyCodeOf, isAreaCode, isWithin, parentCodeOf, shortAreaCode } from './area-code.ts';

// Real codes of 黔西南州: 贵州省 52, 黔西南州 5223, 晴隆县 522324, 沙子镇 522324101, 保家村 522324101209.
describe('area codes', () => {
  it('knows the level of each code length', () => {
    expect(areaLevelOf('52')).toBe('province');
    expect(areaLevelOf('5223')).toBe('prefecture');
    expect(areaLevelOf('522324')).toBe('county');
    expect(areaLevelOf('522324101')).toBe('township');
    expect(areaLevelOf('522324101209')).toBe('village');
    expect(areaLevelOf('522324101209001')).toBe('group');
    expect(AREA_LEVELS.map(codeLengthOf)).toEqual([2, 4, 6, 9, 12, 15]);
  });

  it('rejects what is not a canonical code', () => {
    for (const bad of [
      '',
      '5',
      '522',
      '52232',
      '5223241',
      '52232410',
      '5223241012',
      '52232410120',
      '5223241012090',
      'abcd',
      '5223 4',
      '52232410120９',
      '522324000',
      '522324101000',
      '00',
      '5200',
    ]) {
      expect(isAreaCode(bad), bad).toBe(false);
      expect(areaLevelOf(bad), bad).toBeUndefined();
    }
    expect(isAreaCode('522324101002')).toBe(true); // 三合社区
  });

  it('finds parents, counties and ancestors', () => {
    expect(parentCodeOf('522324101209')).toBe('522324101');
    expect(parentCodeOf('522324101')).toBe('522324');
    expect(parentCodeOf('522324')).toBe('5223');
    expect(parentCodeOf('5223')).toBe('52');
    expect(parentCodeOf('52')).toBeNull();
    expect(countyCodeOf('522324101209')).toBe('522324');
    expect(countyCodeOf('522324')).toBe('522324');
    expect(countyCodeOf('5223')).toBeNull();
    expect(ancestorsOf('522324101209')).toEqual(['52', '5223', '522324', '522324101']);
    expect(ancestorsOf('522324101209001')).toEqual(['52', '5223', '522324', '522324101', '522324101209']);
    expect(ancestorsOf('52')).toEqual([]);
    expect(() => parentCodeOf('5223241')).toThrow(RangeError);
    expect(() => ancestorsOf('x')).toThrow(RangeError);
  });

  it('tells whether a code lies within another', () => {
    expect(isWithin('522324101209', '522324')).toBe(true);
    expect(isWithin('522324', '522324')).toBe(true);
    expect(isWithin('522324101209', '522324101002')).toBe(false);
  });

  it('normalises zero-padded official codes', () => {
    expect(shortAreaCode('522324000000')).toBe('522324');
    expect(shortAreaCode('522324101000')).toBe('522324101');
    expect(shortAreaCode('522324101209')).toBe('522324101209');
    expect(shortAreaCode('520000000000')).toBe('52');
    expect(shortAreaCode('522300000000')).toBe('5223');
    expect(shortAreaCode('522300')).toBe('5223'); // GB/T 2260 six-digit form
    expect(shortAreaCode('520000')).toBe('52');
    expect(shortAreaCode(' 522324 ')).toBe('522324');
    expect(shortAreaCode('522324101209000')).toBe('522324101209');
    expect(shortAreaCode('000000000000')).toBeUndefined();
    expect(shortAreaCode('522324000101')).toBeUndefined(); // a village under township 000
    expect(shortAreaCode('5223241')).toBeUndefined();
    expect(shortAreaCode('52232410120x')).toBeUndefined();
  });
});
