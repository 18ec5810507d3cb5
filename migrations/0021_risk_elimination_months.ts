// How long a household stays under monitoring before 风险消除 may be marked, per county and year
// (domain doc: income stably above the line "normally for at least half a year"; provinces set
// it, some longer for some categories). Default 6 months, the rule before this column existed.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table county_year_settings
      add column risk_elimination_months integer not null default 6
        constraint county_year_settings_risk_months_range check (risk_elimination_months between 1 and 36)`.execute(db);
}
