// SQL of the line simulation (标准线测算): households' recorded per-capita incomes of a year against
// the county's lines and proposed ones, per village, and the households that would cross. Scoped by
// the caller's area (scope.sql); registry households only (在册, not deleted).
import { sql } from 'kysely';
import type { DbOrTrx as Db } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';

/** The county's lines of a year (fen), or undefined when not set. */
export const countyLines = (db: Db, county: string, year: number) =>
  db
    .selectFrom('county_year_settings')
    .select(['poverty_line', 'monitoring_line'])
    .where('county_code', '=', county)
    .where('year', '=', year)
    .executeTakeFirst();

export interface Lines {
  poverty: number;
  monitoring: number;
}

export interface VillageRow {
  village_code: string;
  village_name: string | null;
  recorded: number;
  under_poverty_now: number;
  under_poverty_then: number;
  under_monitoring_now: number;
  under_monitoring_then: number;
}

const incomes = (scope: Scope, area: string, year: number) => sql`
  select h.id, h.household_no, h.village_code, h.status, y.per_capita_income as income
  from households h join household_years y on y.household_id = h.id and y.year = ${year}
  where h.deleted_at is null and h.registry_state = '在册' and ${scope.sql('h.village_code', 'h.county_code')}
    and h.village_code like ${`${area}%`}`;

/** Per village under `area`: households with an income recorded for the year, and how many fall under each line now and then. */
export async function villageCounts(db: Db, scope: Scope, area: string, year: number, now: Lines, then: Lines): Promise<VillageRow[]> {
  const { rows } = await sql<VillageRow>`
    select i.village_code, (select a.name from areas a where a.code = i.village_code) as village_name,
      count(*)::int as recorded,
      count(*) filter (where i.income < ${now.poverty})::int as under_poverty_now,
      count(*) filter (where i.income < ${then.poverty})::int as under_poverty_then,
      count(*) filter (where i.income < ${now.monitoring})::int as under_monitoring_now,
      count(*) filter (where i.income < ${then.monitoring})::int as under_monitoring_then
    from (${incomes(scope, area, year)}) i
    group by i.village_code
    order by i.village_code`.execute(db);
  return rows;
}

export interface CrossingRow {
  id: string;
  household_no: string;
  village_code: string;
  status: string;
  income: number;
}

/** Households whose side of a line changes (either line), lowest income first, at most `limit`, with the total. */
export async function crossing(db: Db, scope: Scope, area: string, year: number, now: Lines, then: Lines, limit: number) {
  const flips = sql`((i.income < ${now.poverty}) <> (i.income < ${then.poverty}) or (i.income < ${now.monitoring}) <> (i.income < ${then.monitoring}))`;
  const { rows } = await sql<CrossingRow & { total: number }>`
    select i.id::text as id, i.household_no, i.village_code, i.status, i.income, count(*) over ()::int as total
    from (${incomes(scope, area, year)}) i
    where ${flips}
    order by i.income, i.id
    limit ${limit}`.execute(db);
  return { rows, total: rows[0]?.total ?? 0 };
}
