// The dashboards (api/modules/stats/cache.ts) are kept until the data under them changes, and hear
// it from the change notices of migration 0031 (channel `dripline_tiles`, the table's name as the
// payload, one notice per statement, delivered at commit). They also read the yearly records
// (household_years: incomes and the guarantees), which no tile reads: these send notices too.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create trigger household_years_tiles_changed after insert or update or delete or truncate on household_years
    for each statement execute function dripline_tiles_changed()`.execute(db);
}
