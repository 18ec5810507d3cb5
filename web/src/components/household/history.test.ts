// The history worded for people, with the app's real messages: registry-import keys become the
// member's name and the card's field labels, codes and states are translated, nothing shows a
// members.<uuid> key or a raw state code.
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.ts';
import zhCN from '../../i18n/zh-CN.ts';
import { actionText, fieldLabel, groupChanges, valueText, type Words } from './history.ts';

function words(locale: 'zh-CN' | 'en'): Words {
  const messages = (locale === 'en' ? en : zhCN) as unknown as Record<string, unknown>;
  const get = (key: string) => key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), messages);
  return {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- catalogue entries and params are strings
    t: (key, params) => String(get(key) ?? key).replace(/\{(\w+)\}/g, (_, n: string) => String(params?.[n] ?? '')),
    has: (key) => typeof get(key) === 'string',
    locale,
    yuan: (fen) => (fen / 100).toLocaleString('en', { minimumFractionDigits: 2 }),
    dateTime: (iso) => iso.slice(0, 16).replace('T', ' '),
  };
}

const M1 = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const M2 = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const importChanges: Record<string, [unknown, unknown]> = {
  household_type: ['一般户', '低保户'],
  version: [3, 4],
  [`members.${M1}.id_number`]: ['5223**********0131', null],
  [`members.${M1}.name`]: ['罗文建', null],
  [`members.${M2}.phone`]: ['155****8493', '139****5678'],
  [`members.${M2}.health`]: ['***', '***'],
  [`members.${M2}.labor_skill`]: ['普通劳动力', '弱劳动力或半劳动力'],
};

describe('history worded for people', () => {
  it('groups a registry import’s member keys under the member’s name, with the card’s labels', () => {
    const w = words('zh-CN');
    const groups = groupChanges(w, 'household', importChanges, { [M1]: '罗文建', [M2]: '罗小梅' });
    expect(groups.map((g) => [g.memberName, g.kind, g.rows.map((r) => r.label)])).toEqual([
      [null, null, ['户类型']],
      ['罗文建', 'removed', ['姓名', '证件号码']],
      ['罗小梅', 'changed', ['健康状况', '劳动技能', '联系电话']],
    ]);
    expect(JSON.stringify(groups.flatMap((g) => g.rows.map((r) => r.label)))).not.toContain('members.');
    expect(groups.map((g) => g.show)).toEqual(['both', 'before', 'both']);
    expect(valueText(w, 'member', 'health', '***')).toBe('（无权查看）');
  });

  it('translates labels, code values and states in English', () => {
    const w = words('en');
    const groups = groupChanges(w, 'household', importChanges, { [M2]: '罗小梅' }).filter((g) => g.memberId !== M1);
    expect(groups[0]?.rows.map((r) => [r.label, valueText(w, 'household', r.field, r.before), valueText(w, 'household', r.field, r.after)])).toEqual([
      ['Type', 'Ordinary household', 'Minimum-subsistence household'],
    ]);
    expect(groups[1]?.rows.map((r) => r.label)).toEqual(['Health', 'Labour capacity', 'Phone']);
    expect(valueText(w, 'procedure', 'status', 'open')).toBe('In progress');
    expect(valueText(w, 'finding', 'status', 'needs_visit')).not.toBe('needs_visit');
    expect(fieldLabel(w, 'procedure', 'status')).toBe('Procedure status');
    expect(fieldLabel(w, 'household_year', 'wage_income')).toBe(zhOrEn(w, 'income.wage'));
    expect(valueText(w, 'household_year', 'wage_income', 1234567)).toMatch(/^12,345\.67 /);
    expect(actionText(w, 'household.import.update')).toBe('updated by registry import');
    expect(actionText(w, 'member.update')).toBe('changed');
  });
});

function zhOrEn(w: Words, key: string) {
  return w.t(key);
}
