// SQL of the spatial QA report (空间质检): one set-based statement per check over households,
// projects and areas. Read-only; every statement is filtered by the scope it is given (scope.sql),
// which the domain narrows to the report's area. Each returns at most `limit` rows, each row
// carrying the check's total (a window count taken before the limit).
import { sql } from 'kysely';
import type { AreaLevel, DbOrTrx as Db } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';

export interface QaArea {
  code: string;
  name: string;
  level: AreaLevel;
}

/** The report's area by code (whatever the scope: the domain decides whether the caller may ask for it). */
export const findArea = (db: Db, code: string) =>
  db.selectFrom('areas').select(['code', 'name', 'level']).where('code', '=', code).executeTakeFirst() as Promise<QaArea | undefined>;

export interface OutsideHouseholdRow {
  id: string;
  household_no: string;
  village_code: string;
  village_name: string;
  lon: number;
  lat: number;
  /** Metres from the point to the village's boundary. */
  distance_m: number;
  /** The village whose boundary holds the point, if any (where the house may really be). */
  found_in_code: string | null;
  total: number;
}

/**
 * Households (not deleted) whose GPS point lies outside their own village's boundary (villages
 * without a boundary are another check), farthest first.
 */
export const householdsOutsideVillage = (db: Db, scope: Scope, limit: number) =>
  sql<OutsideHouseholdRow>`
    select h.id, h.household_no, h.village_code, a.name as village_name,
      ST_X(h.location) as lon, ST_Y(h.location) as lat,
      ST_Distance(h.location::geography, a.geom::geography) as distance_m,
      (select v.code from areas v where v.level = 'village' and v.geom is not null and ST_Covers(v.geom, h.location)
        order by v.code limit 1) as found_in_code,
      count(*) over ()::int as total
    from households h
    join areas a on a.code = h.village_code
    where ${scope.sql('h.village_code', 'h.county_code')} and h.deleted_at is null
      and h.location is not null and a.geom is not null
      and not ST_Covers(a.geom, h.location)
    order by distance_m desc, h.village_code, h.household_no
    limit ${limit}`
    .execute(db)
    .then((r) => r.rows);

export interface SharedPointRow {
  lon: number;
  lat: number;
  /** Households at exactly this point. */
  n: number;
  /** The first `perGroup` of them by village and 户编号: parallel arrays. */
  ids: string[];
  household_nos: string[];
  village_codes: string[];
  total: number;
}

/**
 * Points shared by two or more households (not deleted) of the scope — exactly equal coordinates,
 * as a point copied from one card to another or a village's centre typed for every house leaves them.
 * Largest groups first; each lists at most `perGroup` households.
 */
export const sharedPoints = (db: Db, scope: Scope, limit: number, perGroup: number) =>
  sql<SharedPointRow>`
    with pts as (
      select h.id, h.household_no, h.village_code, ST_X(h.location) as lon, ST_Y(h.location) as lat
      from households h
      where ${scope.sql('h.village_code', 'h.county_code')} and h.deleted_at is null and h.location is not null
    ),
    ranked as (
      select pts.*, count(*) over w as n, row_number() over (w order by village_code, household_no) as rn
      from pts window w as (partition by lon, lat)
    )
    select lon, lat, max(n)::int as n,
      array_agg(id::text order by rn) as ids,
      array_agg(household_no order by rn) as household_nos,
      array_agg(village_code order by rn) as village_codes,
      count(*) over ()::int as total
    from ranked
    where n >= 2 and rn <= ${perGroup}
    group by lon, lat
    order by n desc, lon, lat
    limit ${limit}`
    .execute(db)
    .then((r) => r.rows);

export interface OutsideProjectRow {
  id: string;
  name: string;
  state: string;
  village_code: string;
  /** Every village of the project (the lead among them). */
  village_codes: string[];
  /** No part of the geometry touches any of its villages. */
  entirely_outside: boolean;
  total: number;
}

/**
 * Projects (scoped on their lead village) whose geometry is not covered by the union of their
 * villages' boundaries widened by `toleranceM` metres — the rule a project's geometry is saved
 * under, broken since (a boundary reloaded, a geometry from before the rule). Projects none of
 * whose villages has a boundary are left to the villages-without-boundary check.
 */
export const projectsOutsideVillages = (db: Db, scope: Scope, limit: number, toleranceM: number) =>
  sql<OutsideProjectRow>`
    select p.id, p.name, p.state, p.village_code, v.codes as village_codes,
      not ST_Intersects(p.geom, v.area) as entirely_outside,
      count(*) over ()::int as total
    from projects p
    cross join lateral (
      select ST_Union(a.geom) as area, array_agg(pv.village_code order by pv.village_code) as codes
      from project_villages pv join areas a on a.code = pv.village_code
      where pv.project_id = p.id and pv.county_code = p.county_code
    ) v
    where ${scope.sql('p.village_code', 'p.county_code')} and p.geom is not null and v.area is not null
      and not ST_CoveredBy(p.geom, ST_Buffer(v.area::geography, ${toleranceM}::float8)::geometry)
    order by p.village_code, p.plan_year desc, p.name, p.id
    limit ${limit}`
    .execute(db)
    .then((r) => r.rows);

export interface VillageWithoutBoundaryRow {
  code: string;
  name: string;
  parent_code: string | null;
  /** Households (not deleted) of the village: what the missing boundary leaves unchecked. */
  household_count: number;
  total: number;
}

/** Villages of the scope without a boundary (areas.geom null). */
export const villagesWithoutBoundary = (db: Db, scope: Scope, limit: number) =>
  sql<VillageWithoutBoundaryRow>`
    select a.code, a.name, a.parent_code,
      (select count(*) from households h
        where h.county_code = left(a.code, 6) and h.village_code = a.code and h.deleted_at is null)::int as household_count,
      count(*) over ()::int as total
    from areas a
    where ${scope.sql('a.code')} and a.level = 'village' and a.geom is null
    order by a.code
    limit ${limit}`
    .execute(db)
    .then((r) => r.rows);
