import { describe, expect, it } from 'vitest';
import { looksLikeInitials, nameInitials } from './pinyin.ts';

describe('nameInitials', () => {
  it('gives the initials of each character, surnames read as surnames', () => {
    expect(nameInitials('张三')).toBe('zs');
    expect(nameInitials('单雪梅')).toBe('sxm');
    expect(nameInitials('曾国强')).toBe('zgq');
    expect(nameInitials('吴阿妹')).toBe('wam');
  });
  it('drops separators and keeps Latin letters', () => {
    expect(nameInitials('罗·布')).toBe('lb');
    expect(nameInitials(' 王 五 ')).toBe('ww');
    expect(nameInitials('Ann李')).toBe('annl');
    expect(nameInitials('')).toBe('');
  });
  it('tells initials queries from names and numbers', () => {
    expect(looksLikeInitials('zs')).toBe(true);
    expect(looksLikeInitials('张三')).toBe(false);
    expect(looksLikeInitials('522324')).toBe(false);
  });
});
