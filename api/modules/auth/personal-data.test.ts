// The one grading and masking of personal data: fields graded by key path wherever they sit, every
// role masked on a plain read, health withheld from roles that do not see it, explicit reveal only
// for roles that need personal data.
import { describe, expect, it } from 'vitest';
import type { Role } from '../../db/schema.ts';
import { gradeOf, maskDeep, maskerFor, maskText, redKindOf } from './personal-data.ts';
import { ROLES } from './roles.ts';

const ID = '522324194508090131';
const M = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('grading a field by its key path', () => {
  it('grades a column, a camelCase field and a registry import key path alike', () => {
    for (const k of ['id_number', 'idNumber', 'head_id_number', `members.${M}.id_number`, 'note.members[0].idNumber'])
      expect([k, gradeOf(k)]).toEqual([k, 'red']);
    expect(redKindOf(`members.${M}.phone`)).toBe('phone');
    expect(redKindOf('bankAccount')).toBe('bankAccount');
    expect(gradeOf(`members.${M}.health`)).toBe('health');
    expect(gradeOf('disabilityCategory')).toBe('health');
    expect(gradeOf(`members.${M}.name`)).toBe('grey');
    expect(gradeOf(`members.${M}.education`)).toBe('green');
    expect(gradeOf('household_no')).toBe('green');
  });
  it('grades a responsible cadre’s phone as an official’s work phone', () => {
    expect(gradeOf('phone', 'cadre')).toBe('official');
    expect(gradeOf('cadres[0].phone')).toBe('official');
    expect(gradeOf('phone', 'member')).toBe('red');
  });
});

describe('masking', () => {
  const diff = {
    household_type: ['一般户', '低保户'],
    [`members.${M}.id_number`]: [null, ID],
    [`members.${M}.phone`]: ['15585268493', '13912345678'],
    [`members.${M}.health`]: ['健康', '残疾'],
    nested: [null, { members: [{ idNumber: ID, phone: '13912345678', name: '罗文建' }] }],
  };

  it('masks 红 values at any depth for every role, the admin and the village supervisor included', () => {
    for (const role of ROLES) {
      const out = JSON.stringify(maskDeep(diff, { role, inArea: true }));
      expect(out, role).not.toContain(ID);
      expect(out, role).not.toContain('13912345678');
      expect(out, role).not.toContain('15585268493');
      expect(out, role).toContain('5223**********0131');
      expect(out, role).toContain('139****5678');
      expect(out, role).toContain('罗文建');
    }
  });
  it('shows health details only to roles that need personal data', () => {
    const seen = (role: Role) => JSON.stringify(maskDeep(diff, { role }));
    expect(seen('village_cadre')).toContain('残疾');
    expect(seen('inspector')).toContain('残疾');
    expect(seen('village_supervisor')).not.toContain('残疾');
    expect(seen('admin')).not.toContain('残疾');
  });
  it('masks names outside the caller’s area only', () => {
    expect(maskDeep({ name: '罗文建' }, { role: 'county_official', inArea: false })).toEqual({ name: '罗*建' });
    expect(maskDeep({ name: '罗文建' }, { role: 'county_official', inArea: true })).toEqual({ name: '罗文建' });
  });
  it('masks ID numbers and mobiles typed into free text, and leaves 户编号 and area codes alone', () => {
    const text = `户 522324101209001 的成员 ${ID} 电话13912345678，区划 522324101209`;
    expect(maskText(text, { role: 'county_official' })).toBe('户 522324101209001 的成员 5223**********0131 电话139****5678，区划 522324101209');
  });
  it('gives red values in full only on an explicit reveal, and refuses it to roles that may not', () => {
    expect(maskerFor({ role: 'county_official' }).idNumber(ID)).toBe('5223**********0131');
    expect(maskerFor({ role: 'county_official' }, { reveal: true }).idNumber(ID)).toBe(ID);
    expect(() => maskerFor({ role: 'admin' }, { reveal: true })).toThrow(/FORBIDDEN/);
    expect(() => maskerFor({ role: 'village_supervisor' }, { reveal: true })).toThrow(/FORBIDDEN/);
    expect(maskerFor({ role: 'admin' }).officialPhone('13912345678')).toBe('139****5678');
    expect(maskerFor({ role: 'village_cadre' }).officialPhone('13912345678')).toBe('13912345678');
  });
});
