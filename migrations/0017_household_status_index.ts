// The household list filtered by 户状态 (脱贫户/监测户/未脱贫户): counting its total (capped at
// 1,000) scanned the county's households in 户编号 order until enough matched — 8 ms for 监测户
// at 100k households. Ordered by 户编号 within the status, this index gives both the page and the
// count from the index.
//
// The county code of a row is the first six digits of its village code: said by the database, so
// that a county-level scope can filter on county_code alone (api/modules/auth/scope.ts) and the
// planner can use county-leading indexes without re-checking village_code LIKE '522324%'.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const t of ['households', 'work_teams', 'procedures']) {
    await sql`alter table ${sql.table(t)} add constraint ${sql.id(`${t}_county_of_village_check`)} check (county_code = left(village_code, 6))`.execute(db);
  }
  await sql`alter table findings add constraint findings_county_of_village_check check (village_code is null or county_code = left(village_code, 6))`.execute(
    db,
  );
  await sql`create index households_status_idx on households (county_code, status, household_no) where deleted_at is null`.execute(db);
}
