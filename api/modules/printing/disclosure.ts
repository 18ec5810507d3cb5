// What a printout or export may show, by role (绿/灰/红 in the domain doc), following the card's
// own rules (api/modules/households/privacy.ts). Red data (证件号码, 联系电话, 银行账号) is masked by
// default; only a role that needs it may ask for it unmasked (`reveal=true`), and that request is
// recorded in the export's audit entry. Health details are withheld from roles that do not see
// personal data. Names (灰) are shown in full: a printout only ever holds the caller's own area.
import type { Role } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { maskBankAccount, maskIdNumber, maskPhone } from '../../shared/mask.ts';
import { ROLES_SEEING_PERSONAL_DATA } from '../auth/roles.ts';

export interface Disclosure {
  /** Health details (健康状况) of members. */
  health: boolean;
  /** ID numbers, household and member phones, bank accounts in full. */
  personal: boolean;
  /** The responsible cadre's work phone in full: the 明白卡 tells the household whom to call. */
  cadrePhone: boolean;
}

/** The disclosure for a role; `reveal` asks for red data unmasked and is refused to roles that do not need it. */
export function disclosureFor(role: Role, reveal = false): Disclosure {
  const needsPersonal = ROLES_SEEING_PERSONAL_DATA.has(role);
  if (reveal && !needsPersonal) throw new AppError('FORBIDDEN', 'print.revealNotAllowed');
  return { health: needsPersonal, personal: reveal && needsPersonal, cadrePhone: needsPersonal };
}

/** Maskers bound to one disclosure. */
export function maskerFor(d: Disclosure) {
  return {
    health: (v: string | null | undefined) => (d.health || v == null ? v ?? null : '***'),
    idNumber: (v: string | null | undefined) => (d.personal ? (v ?? null) : maskIdNumber(v)),
    phone: (v: string | null | undefined) => (d.personal ? (v ?? null) : maskPhone(v)),
    bankAccount: (v: string | null | undefined) => (d.personal ? (v ?? null) : maskBankAccount(v)),
    cadrePhone: (v: string | null | undefined) => (d.cadrePhone ? (v ?? null) : maskPhone(v)),
  };
}
export type Masker = ReturnType<typeof maskerFor>;
