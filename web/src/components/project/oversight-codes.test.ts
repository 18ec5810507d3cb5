// The web's list of alert rules is the server's (one list to filter by), and each has a title in both languages.
import { describe, expect, it } from 'vitest';
import { ALERT_RULES as SERVER_RULES } from '../../../../api/modules/oversight/schema.ts';
import en from '../../i18n/en.ts';
import zhCN from '../../i18n/zh-CN.ts';
import { ALERT_RULES, daysOpen } from './oversight-codes.ts';

describe('oversight on the web', () => {
  it('filters by exactly the server’s rules, each titled in zh-CN and en', () => {
    expect([...ALERT_RULES].sort()).toEqual([...SERVER_RULES].sort());
    for (const r of ALERT_RULES) {
      expect(zhCN.oversight.rules[r], r).toBeTruthy();
      expect(en.oversight.rules[r], r).toBeTruthy();
    }
  });

  it('counts the days an alert has been open, up to its close', () => {
    const raisedAt = '2026-05-01T00:00:00Z';
    expect(daysOpen({ raisedAt, closedAt: null }, Date.parse('2026-05-11T01:00:00Z'))).toBe(10);
    expect(daysOpen({ raisedAt, closedAt: '2026-05-03T00:00:00Z' }, Date.parse('2026-06-01T00:00:00Z'))).toBe(2);
  });
});
