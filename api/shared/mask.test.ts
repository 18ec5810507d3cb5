import { describe, expect, it } from 'vitest';
import { isMobilePhone, maskBankAccount, maskIdNumber, maskName, maskPhone } from './mask.ts';

describe('masking personal data', () => {
  it('keeps only the first and last four characters of an ID number', () => {
    expect(maskIdNumber('522324194508090131')).toBe('5223**********0131');
    expect(maskIdNumber(null)).toBeNull();
  });
  it('masks the middle of a phone number and all but four digits of an account', () => {
    expect(maskPhone('15585268493')).toBe('155****8493');
    expect(maskBankAccount('6214 8301 2345 6789')).toBe('****6789');
  });
  it('masks names as 张* and 张*三', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('罗文建')).toBe('罗*建');
    expect(maskName('阿依古丽·买买提')).toBe('阿******提');
  });
  it('recognises 11-digit mainland mobile numbers', () => {
    expect(isMobilePhone('15585268493')).toBe(true);
    expect(isMobilePhone('12585268493')).toBe(false);
    expect(isMobilePhone('1558526849')).toBe(false);
  });
});
