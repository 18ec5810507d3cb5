// Demo accounts, one per role, listed in the README. For trying the system, never production.
import type { Db, Role } from '../api/db/schema.ts';

export const DEMO_PASSWORD = 'Dripline2026';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  areaCode: string;
  areaLabel: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', areaCode: '5223', areaLabel: '黔西南州' },
  { username: 'qinglong_county', displayName: '晴隆县扶贫办 王主任', role: 'county_official', areaCode: '522324', areaLabel: '晴隆县' },
  { username: 'qinglong_inspector', displayName: '晴隆县纪委监委 李监察员', role: 'inspector', areaCode: '522324', areaLabel: '晴隆县' },
  { username: 'shazi_township', displayName: '沙子镇 杨干部', role: 'township_officer', areaCode: '522324101', areaLabel: '晴隆县沙子镇' },
  { username: 'baojia_cadre', displayName: '保家村 罗书记', role: 'village_cadre', areaCode: '522324101209', areaLabel: '沙子镇保家村' },
  { username: 'sanhe_cadre', displayName: '三合社区 陈主任', role: 'village_cadre', areaCode: '522324101002', areaLabel: '沙子镇三合社区' },
  // 备案 (read-only): the prefecture's and the province's poverty offices.
  { username: 'qianxinan_prefecture', displayName: '黔西南州扶贫办 周科长', role: 'prefecture_official', areaCode: '5223', areaLabel: '黔西南州' },
  { username: 'guizhou_province', displayName: '贵州省扶贫办 郑处长', role: 'province_official', areaCode: '52', areaLabel: '贵州省' },
  { username: 'baojia_supervisor', displayName: '保家村监委会 吴委员', role: 'village_supervisor', areaCode: '522324101209', areaLabel: '沙子镇保家村' },
];

/** A demo account as the seeds act with it: the person's name and post (never the login id) and its area. */
export interface DemoActor {
  id: string;
  username: string;
  name: string;
  role: Role;
  areaCode: string;
}

/** The demo accounts in the database (optionally those within an area), in the order of DEMO_ACCOUNTS. */
export async function demoActors(db: Db, within = ''): Promise<DemoActor[]> {
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'username', 'display_name', 'role', 'area_code'])
    .where(
      'username',
      'in',
      DEMO_ACCOUNTS.map((a) => a.username),
    )
    .where('area_code', 'like', `${within}%`)
    .execute();
  const order = (u: string) => DEMO_ACCOUNTS.findIndex((a) => a.username === u);
  return rows
    .sort((a, b) => order(a.username) - order(b.username))
    .map((r) => ({ id: r.id, username: r.username, name: r.display_name, role: r.role, areaCode: r.area_code }));
}
