// Personal data on the card (绿/灰/红, domain doc "Personal data"), through the one grading and
// masking of api/modules/auth/personal-data.ts: 红 values (ID numbers, phones, bank accounts) are
// always masked in responses; roles that need them reveal one value at a time through an audited
// action. Health details and photos of people are shown only to those roles. 灰 (names) are
// masked outside the caller's area. Never put a revealed value in a log or audit.
import type { Role } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { gradeOf, maskDeep, maskText, mayReveal, seesHealth } from '../auth/personal-data.ts';
import type { Scope } from '../auth/scope.ts';
import { NON_PERSONAL_PHOTO_KINDS } from './code-lists.ts';

/** May reveal 红 values and see health details and photos of people. */
export const seesPersonalData = (role: Role) => mayReveal(role) && seesHealth(role);

/**
 * Card fields (API names) a role may not read in full: masked with no reveal (ID numbers, phones,
 * the bank account) or withheld (health details). One list for the card's views and for writes: a
 * role never changes what it cannot read (no one overwrites what they cannot see).
 */
export function unreadableFields(role: Role): Record<GradedEntity, readonly string[]> {
  // Graded by the one grading (auth/personal-data.ts): red and an official's phone without the
  // reveal, health without health access.
  const unreadable = (entity: GradedEntity) => (field: string) => {
    const grade = gradeOf(field, entity);
    return ((grade === 'red' || grade === 'official') && !mayReveal(role)) || (grade === 'health' && !seesHealth(role));
  };
  return {
    household: GRADED_HOUSEHOLD.filter(unreadable('household')),
    member: GRADED_MEMBER.filter(unreadable('member')),
    cadre: GRADED_CADRE.filter(unreadable('cadre')),
  };
}
export type GradedEntity = 'household' | 'member' | 'cadre';
/** The card's fields that carry personal data (API names); which of them a role may read is graded. */
const GRADED_HOUSEHOLD = ['phone', 'bankAccount'] as const;
const GRADED_MEMBER = ['idNumber', 'phone', 'health', 'disabilityCategory', 'disabilityGrade', 'disease'] as const;
/** A 帮扶责任人's work phone (graded 'official'). */
const GRADED_CADRE = ['phone'] as const;
const FIELD_NAMES: Record<string, [string, string]> = {
  phone: ['联系电话', 'phone'],
  bankAccount: ['银行账号', 'bank account'],
  idNumber: ['证件号码', 'ID number'],
  health: ['健康状况', 'health'],
  disabilityCategory: ['残疾类别', 'disability category'],
  disabilityGrade: ['残疾等级', 'disability grade'],
  disease: ['病种', 'disease'],
};

/**
 * Refuses (403, naming each field) a change that includes a field the role may not read. Absent
 * fields are left as they are (PATCH). Refused whatever the value, even one equal to what is
 * stored: otherwise the answer would tell the caller whether its guess of the hidden value was right.
 */
export function assertWritesReadable(role: Role, entity: GradedEntity, input: Record<string, unknown>, where: { areaCode: string; entityId: string }) {
  const unreadable = unreadableFields(role)[entity];
  const sent = unreadable.filter((f) => input[f] !== undefined);
  if (!sent.length) return;
  throw new AppError(
    'FORBIDDEN',
    'card.unreadableWrite',
    { fieldsZh: sent.map((f) => FIELD_NAMES[f]?.[0] ?? f).join('、'), fieldsEn: sent.map((f) => FIELD_NAMES[f]?.[1] ?? f).join(', ') },
    sent.map((path) => ({ path, key: 'field.notReadable' as const })),
    // The refused attempt is audited like any refused access (never the values sent).
    { audit: { code: where.areaCode, entity, entityId: where.entityId, kind: 'write' } },
  );
}

/**
 * A role that may not reveal reads free text (an address, a visit's notes) with any ID number or
 * phone typed into it masked; its forms send that text back as read. Such a value — the masked
 * reading of what is stored — is not a change: the column is left out of the write, so saving a
 * form never replaces the stored number with its mask. `set` and `before` are by column name.
 */
export function keepMaskedText<T extends Record<string, unknown>>(role: Role, set: T, before: Record<string, unknown>): T {
  if (mayReveal(role)) return set;
  for (const [col, v] of Object.entries(set)) {
    const stored = before[col];
    if (typeof v === 'string' && typeof stored === 'string' && v !== stored && gradeOf(col) === 'green' && maskText(stored, { role }) === v) delete set[col];
  }
  return set;
}

export const isPersonalPhoto = (kind: string) => !(NON_PERSONAL_PHOTO_KINDS as readonly string[]).includes(kind);

/** A person's name as the caller may see it: in full inside the caller's area, 张*三 outside. */
export const nameFor = (scope: Scope, areaCode: string, name: string) =>
  maskDeep(name, { role: scope.role, inArea: scope.covers(areaCode) }, { path: 'name' }) as string;

/**
 * { key: [before, after] } of an audit entry as this role may see it: every key graded by its key
 * path (`phone`, `members.<uuid>.id_number`, nested objects at any depth). Keys starting with `_`
 * (the entry's note) are left out; the history is read inside the caller's area only.
 */
export function maskChanges(diff: Record<string, unknown>, role: Role, entity?: string): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  const viewer = { role, inArea: true };
  for (const [k, v] of Object.entries(diff)) {
    if (k.startsWith('_') || !Array.isArray(v) || v.length !== 2) continue;
    out[k] = [maskDeep(v[0], viewer, { path: k, entity }), maskDeep(v[1], viewer, { path: k, entity })];
  }
  return out;
}
