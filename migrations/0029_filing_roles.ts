// Read-only 备案 accounts for the prefecture and the province (issue 15 §2): 市(州)扶贫办
// (prefecture_official, area a 4-digit prefecture code) and 省扶贫办 (province_official, a 2-digit
// province code) read the projects and the ledger of their area and export them — nothing else
// (api/shared/permissions.ts). The accounts' role check gains the two codes; a frozen copy of the
// list, as every migration keeps its own.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts drop constraint accounts_role_check`.execute(db);
  await sql`
    alter table accounts add constraint accounts_role_check check (role in (
      'village_cadre', 'township_officer', 'county_official', 'inspector', 'village_supervisor', 'admin',
      'prefecture_official', 'province_official'))`.execute(db);
}
