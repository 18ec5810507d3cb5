// Roles on the server: the codes and labels are shared (api/shared/roles.ts), what each may do is
// the permission table (api/shared/permissions.ts); here the area levels each role's account
// belongs to and the levels' names for the server's messages.
import type { AreaLevel } from '../../../gis/area-code.ts';
import type { Role } from '../../shared/roles.ts';

export { isRole, ROLE_LABELS, ROLES } from '../../shared/roles.ts';

/** The area levels an account of each role belongs to (a village cadre to a village, …). */
export const ROLE_AREA_LEVELS: Record<Role, readonly AreaLevel[]> = {
  village_cadre: ['village'],
  village_supervisor: ['village'],
  township_officer: ['township'],
  county_official: ['county'],
  // 纪检监察 sits at every level from the township up.
  inspector: ['province', 'prefecture', 'county', 'township'],
  admin: ['province', 'prefecture', 'county'],
  // 备案 (read-only): the prefecture's and the province's poverty offices.
  prefecture_official: ['prefecture'],
  province_official: ['province'],
};

export const LEVEL_LABELS: Record<AreaLevel, { 'zh-CN': string; en: string }> = {
  province: { 'zh-CN': '省级', en: 'province' },
  prefecture: { 'zh-CN': '州（市）级', en: 'prefecture' },
  county: { 'zh-CN': '县级', en: 'county' },
  township: { 'zh-CN': '乡镇级', en: 'township' },
  village: { 'zh-CN': '村级', en: 'village' },
  group: { 'zh-CN': '村民小组', en: 'village group' },
};
