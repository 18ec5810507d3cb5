import { describe, expect, it } from 'vitest';
import { ageOn, checkChar, foldIdNumber, parseIdNumber, upgrade15 } from './id-number.ts';

describe('公民身份号码 (GB 11643)', () => {
  it('accepts valid numbers from the registry sample and derives birth date and sex', () => {
    const r = parseIdNumber('522324194508090131');
    expect(r).toEqual({ ok: true, value: { id: '522324194508090131', birthDate: '1945-08-09', sex: '男', region: '522324', upgraded: false } });
    const f = parseIdNumber('522324194304210226');
    expect(f.ok && f.value.sex).toBe('女');
  });

  it('computes the check character, including X', () => {
    expect(checkChar('52232419640717049')).toBe('X');
    expect(parseIdNumber('52232419640717049X').ok).toBe(true);
  });

  it('normalises lower-case x, full-width digits and spaces', () => {
    expect(foldIdNumber(' ５２２３２４ 1964 0717 049x　')).toBe('52232419640717049X');
    const r = parseIdNumber('５２２３２４１９６４０７１７０４９x');
    expect(r.ok && r.value.id).toBe('52232419640717049X');
  });

  it('upgrades 15-digit numbers to 18 digits with the right checksum', () => {
    // 522324450809013 is the 15-digit form of 522324194508090131.
    expect(upgrade15('522324450809013')).toBe('522324194508090131');
    const r = parseIdNumber('522324450809013');
    expect(r.ok && r.value).toMatchObject({ id: '522324194508090131', upgraded: true, birthDate: '1945-08-09' });
  });

  it('rejects a wrong checksum, impossible dates, future dates, bad characters and lengths', () => {
    expect(parseIdNumber('522324194508090132')).toEqual({ ok: false, problem: 'checksum' });
    expect(parseIdNumber('522324194502300131')).toEqual({ ok: false, problem: 'date' });
    expect(parseIdNumber('522324209901010011', new Date('2026-01-01'))).toEqual({ ok: false, problem: 'date' });
    expect(parseIdNumber('52232419450809A131')).toEqual({ ok: false, problem: 'chars' });
    expect(parseIdNumber('5223241945080901')).toEqual({ ok: false, problem: 'length' });
    expect(parseIdNumber('022324194508090131')).toEqual({ ok: false, problem: 'region' });
  });

  it('computes ages on a given date', () => {
    expect(ageOn('1945-08-09', new Date('2026-08-08'))).toBe(80);
    expect(ageOn('1945-08-09', new Date('2026-08-09'))).toBe(81);
  });
});
