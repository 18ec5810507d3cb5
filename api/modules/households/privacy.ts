// Personal data on the card (绿/灰/红, domain doc "Personal data"). 红 (ID numbers, phones, bank
// accounts) is always masked in responses; roles that need it may reveal one value at a time
// through an audited action. Health details and photos of people are shown only to those roles.
// 灰 (names) are masked outside the caller's area. Never put a revealed value in a log or audit.
import type { Role } from '../../db/schema.ts';
import { maskBankAccount, maskIdNumber, maskName, maskPhone } from '../../shared/mask.ts';
import type { Scope } from '../auth/scope.ts';
import { ROLES_SEEING_PERSONAL_DATA } from '../auth/roles.ts';
import { NON_PERSONAL_PHOTO_KINDS } from './code-lists.ts';

/** May reveal 红 values and see health details and photos of people. */
export const seesPersonalData = (role: Role) => ROLES_SEEING_PERSONAL_DATA.has(role);


export const isPersonalPhoto = (kind: string) => !(NON_PERSONAL_PHOTO_KINDS as readonly string[]).includes(kind);

/** A person's name as the caller may see it: in full inside the caller's area, 张*三 outside. */
export const nameFor = (scope: Scope, areaCode: string, name: string) => (scope.covers(areaCode) ? name : (maskName(name) ?? ''));

/** Audit/history values: the diff of a 红 field is shown masked. */
const MASKERS: Record<string, (v: string) => string | null> = {
  id_number: maskIdNumber,
  phone: maskPhone,
  bank_account: maskBankAccount,
};

const HEALTH_COLUMNS = new Set(['health', 'disability_category', 'disability_grade', 'disease']);
const withheld = () => '***';

/** { field: [before, after] } of an audit entry as this role may see it. */
export function maskChanges(diff: Record<string, unknown>, role: Role): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  const personal = seesPersonalData(role);
  for (const [k, v] of Object.entries(diff)) {
    if (k.startsWith('_') || !Array.isArray(v) || v.length !== 2) continue;
    const m = MASKERS[k] ?? (!personal && HEALTH_COLUMNS.has(k) ? withheld : undefined);
    out[k] = m ? [typeof v[0] === 'string' ? m(v[0]) : v[0], typeof v[1] === 'string' ? m(v[1]) : v[1]] : [v[0], v[1]];
  }
  return out;
}

export { maskBankAccount, maskIdNumber, maskPhone };
