import { describe, expect, it } from 'vitest';
import { looksLikeInitials, nameInitials, wholeNameInitials } from './pinyin.ts';

describe('nameInitials', () => {
  it('gives the initials of each character, surnames read as surnames', () => {
    expect(nameInitials('张三')).toBe('zs');
    expect(nameInitials('单雪梅')).toBe('sxm');
    expect(nameInitials('曾国强')).toBe('zgq');
    expect(nameInitials('吴阿妹')).toBe('wam');
    expect(nameInitials('区志坚')).toBe('ozj');
  });
  it('reads compound surnames whole', () => {
    expect(nameInitials('万俟卨')).toBe('mqx');
    expect(nameInitials('尉迟恭')).toBe('ycg');
    expect(nameInitials('欧阳修')).toBe('oyx');
  });
  it('drops separators and keeps Latin letters', () => {
    expect(nameInitials('罗·布')).toBe('lb');
    expect(nameInitials(' 王 五 ')).toBe('ww');
    expect(nameInitials('Ann李')).toBe('annl');
    expect(nameInitials('')).toBe('');
  });
  it('reads a name by its parts exactly as pinyin-pro reads the whole name', () => {
    // Polyphonic surnames and given names, phrases inside given names (重阳, 行长, 朝阳, 乐乐),
    // single characters, compound surnames, a name with a separator and one with a rare character.
    const names = [
      '单田芳',
      '曾国藩',
      '解缙',
      '仇英',
      '朴树',
      '查良镛',
      '长孙无忌',
      '乐嘉',
      '覃海',
      '盖聂',
      '缪斯',
      '周重阳',
      '陈行长',
      '杨重庆',
      '李朝阳',
      '卫朝霞',
      '钱乐乐',
      '吴单单',
      '郑曾经',
      '冯解放',
      '秦重光',
      '朱乐天',
      '施乐',
      '孔曾',
      '曹单',
      '严解',
      '王府井',
      '高明',
      '任重',
      '令狐冲',
      '上官婉儿',
      '诸葛亮',
      '阿依古丽·买买提',
      '韦长林',
      '岑参',
      '班长',
      '蒙长英',
      '陆行',
      '龙重',
      '王',
      '𠀀明',
    ];
    for (const n of names) expect(nameInitials(n), n).toBe(wholeNameInitials(n));
  });
});

describe('looksLikeInitials', () => {
  it('tells initials queries from names and numbers', () => {
    expect(looksLikeInitials('zs')).toBe(true);
    expect(looksLikeInitials('张三')).toBe(false);
    expect(looksLikeInitials('522324')).toBe(false);
  });
});
