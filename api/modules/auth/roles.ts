// Roles and what each may do. Codes are stable (stored in accounts.role); labels are the
// official Chinese names.
import type { Role } from '../../db/schema.ts';

export const ROLES: readonly Role[] = [
  'village_cadre',
  'township_officer',
  'county_official',
  'inspector',
  'village_supervisor',
  'admin',
] as const;

export const ROLE_LABELS: Record<Role, { 'zh-CN': string; en: string }> = {
  village_cadre: { 'zh-CN': '村干部/驻村队员', en: 'Village cadre' },
  township_officer: { 'zh-CN': '乡镇干部', en: 'Township officer' },
  county_official: { 'zh-CN': '县扶贫办', en: 'County poverty office' },
  inspector: { 'zh-CN': '纪检监察', en: 'Discipline inspector' },
  village_supervisor: { 'zh-CN': '村监委成员', en: 'Village supervisor' },
  admin: { 'zh-CN': '系统管理员', en: 'System administrator' },
};

/** Roles that see personal data (ID numbers, phones, bank accounts) unmasked when revealed. */
export const ROLES_SEEING_PERSONAL_DATA: ReadonlySet<Role> = new Set([
  'village_cadre',
  'township_officer',
  'county_official',
  'inspector',
]);

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);
