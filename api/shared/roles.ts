// Roles: the stable codes stored in accounts.role and their official names (the server's messages
// and the web's labels both read ROLE_LABELS). Pure data: server, web and seeds import it. What each
// role may do is the permission table (permissions.ts); where, its area (api/modules/auth/scope.ts).

export const ROLES = [
  'village_cadre',
  'township_officer',
  'county_official',
  'inspector',
  'village_supervisor',
  'admin',
  // 备案: read-only accounts of the prefecture's and the province's poverty offices (migration 0029).
  'prefecture_official',
  'province_official',
] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

export const ROLE_LABELS: Record<Role, { 'zh-CN': string; en: string }> = {
  village_cadre: { 'zh-CN': '村干部/驻村队员', en: 'Village cadre' },
  township_officer: { 'zh-CN': '乡镇干部', en: 'Township officer' },
  county_official: { 'zh-CN': '县扶贫办', en: 'County poverty office' },
  inspector: { 'zh-CN': '纪检监察', en: 'Discipline inspector' },
  village_supervisor: { 'zh-CN': '村监委成员', en: 'Village supervisor' },
  admin: { 'zh-CN': '系统管理员', en: 'System administrator' },
  prefecture_official: { 'zh-CN': '市（州）扶贫办', en: 'Prefecture poverty office' },
  province_official: { 'zh-CN': '省扶贫办', en: 'Province poverty office' },
};

/** Every role's name in one language (the web's `role.*` messages). */
export const roleLabels = (lang: 'zh-CN' | 'en') => Object.fromEntries(ROLES.map((r) => [r, ROLE_LABELS[r][lang]])) as Record<Role, string>;
