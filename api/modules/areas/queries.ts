// SQL for administrative areas: lists, one area, boundaries as GeoJSON, household counts.
// The only place in the areas module that knows the tables. Every query over areas or
// households is filtered by the caller's scope (scope.sql); the one exception is
// `findAreaNames`, which reads the names of a code's ancestors — public context, like the
// county outline a village cadre sees around their village.
import { type RawBuilder, sql } from 'kysely';
import { AREA_CODE_LENGTHS } from '../../../gis/area-code.ts';
import type { AreaLevel, DbOrTrx as Db } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';

export interface AreaRow {
  code: string;
  name: string;
  level: AreaLevel;
  parent_code: string | null;
  county_code: string | null;
  household_count: number;
}

/** Digits only (validated codes): a LIKE prefix needs no escaping, but never trust that silently. */
const prefix = (code: string) => `${code.replace(/[^0-9]/g, '')}%`;

/**
 * Households (not deleted) per area code at every level, in one pass: each household counts
 * towards every prefix of its village code. Restricted to the scope and to `within`'s subtree.
 */
function householdCounts(scope: Scope, within: string): RawBuilder<{ code: string; n: number }> {
  const lengths = sql.join(AREA_CODE_LENGTHS.filter((n) => n <= 12).map((n) => sql`(${sql.lit(n)})`));
  return sql<{ code: string; n: number }>`(
    select left(h.village_code, l.n) as code, count(*)::int as n
    from households h cross join (values ${lengths}) as l(n)
    where h.deleted_at is null and ${scope.sql('h.village_code', 'h.county_code')} and h.village_code like ${prefix(within)}
    group by 1
  )`;
}

/** Of two codes where one contains the other, the deeper one (the narrower subtree). */
const deeper = (a: string, b: string) => (a.length >= b.length ? a : b);

export interface ListFilter {
  /** Root of the listing: the area itself and its children, or its subtree when searching. */
  root: string;
  level?: AreaLevel | undefined;
  q?: string | undefined;
  limit: number;
}

/** Areas in scope under `root`: root + direct children, or with level/q the matching subtree. Fetches limit + 1. */
export async function listAreas(db: Db, scope: Scope, f: ListFilter): Promise<AreaRow[]> {
  const searching = f.level !== undefined || f.q !== undefined;
  const hc = householdCounts(scope, deeper(f.root, scope.areaCode));
  let query = db
    .selectFrom('areas as a')
    .leftJoin(hc.as('hc'), (join) => join.onRef(sql.ref('hc.code'), '=', sql.ref('a.code')))
    .select(['a.code', 'a.name', 'a.level', 'a.parent_code', 'a.county_code', sql<number>`coalesce(hc.n, 0)`.as('household_count')])
    .where(scope.sql('a.code'));
  if (searching) {
    query = query.where('a.code', 'like', prefix(f.root));
    if (f.level) query = query.where('a.level', '=', f.level);
    if (f.q) query = query.where('a.name', 'like', `%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
  } else {
    query = query.where((eb) => eb.or([eb('a.code', '=', f.root), eb('a.parent_code', '=', f.root)]));
  }
  const rows = await query
    .orderBy(sql`length(a.code)`)
    .orderBy('a.code')
    .limit(f.limit + 1)
    .execute();
  return rows.map(normaliseCount);
}

export interface AreaDetailRow extends AreaRow {
  boundary_source: string | null;
  min_lon: number | null;
  min_lat: number | null;
  max_lon: number | null;
  max_lat: number | null;
  label_lon: number | null;
  label_lat: number | null;
}

/** One area in scope with its bbox and label point; undefined when there is none. */
export async function findArea(db: Db, scope: Scope, code: string): Promise<AreaDetailRow | undefined> {
  const row = await db
    .selectFrom('areas as a')
    .leftJoin(householdCounts(scope, deeper(code, scope.areaCode)).as('hc'), (join) => join.onRef(sql.ref('hc.code'), '=', sql.ref('a.code')))
    .select([
      'a.code',
      'a.name',
      'a.level',
      'a.parent_code',
      'a.county_code',
      'a.boundary_source',
      sql<number>`coalesce(hc.n, 0)`.as('household_count'),
      sql<number | null>`ST_XMin(a.geom::box3d)`.as('min_lon'),
      sql<number | null>`ST_YMin(a.geom::box3d)`.as('min_lat'),
      sql<number | null>`ST_XMax(a.geom::box3d)`.as('max_lon'),
      sql<number | null>`ST_YMax(a.geom::box3d)`.as('max_lat'),
      sql<number | null>`ST_X(a.label_point)`.as('label_lon'),
      sql<number | null>`ST_Y(a.label_point)`.as('label_lat'),
    ])
    .where('a.code', '=', code)
    .where(scope.sql('a.code'))
    .executeTakeFirst();
  return row ? normaliseCount(row) : undefined;
}

/**
 * Codes, names and levels of the given areas, whatever the scope: only for the ancestors of an
 * area the caller may read (breadcrumbs), never for listing.
 */
export async function findAreaNames(db: Db, codes: readonly string[]) {
  if (codes.length === 0) return [];
  return db
    .selectFrom('areas')
    .select(['code', 'name', 'level'])
    .where('code', 'in', codes)
    .orderBy(sql`length(code)`)
    .execute();
}

export interface BoundaryRow {
  code: string;
  name: string;
  level: AreaLevel;
  boundary_source: string | null;
  household_count: number;
  label_lon: number | null;
  label_lat: number | null;
  /** ST_AsGeoJSON text, coordinates rounded to 6 decimals. */
  geometry: string | null;
}

/** Boundaries in scope: the children of `code`, or the area itself when `self`. */
export async function listBoundaries(db: Db, scope: Scope, code: string, opts: { self: boolean; simplify?: number | undefined }) {
  const tolerance = opts.simplify ?? 0;
  const geom = tolerance > 0 ? sql`ST_SimplifyPreserveTopology(a.geom, ${tolerance}::float8)` : sql`a.geom`;
  const rows = await db
    .selectFrom('areas as a')
    .leftJoin(householdCounts(scope, deeper(code, scope.areaCode)).as('hc'), (join) => join.onRef(sql.ref('hc.code'), '=', sql.ref('a.code')))
    .select([
      'a.code',
      'a.name',
      'a.level',
      'a.boundary_source',
      sql<number>`coalesce(hc.n, 0)`.as('household_count'),
      sql<number | null>`ST_X(a.label_point)`.as('label_lon'),
      sql<number | null>`ST_Y(a.label_point)`.as('label_lat'),
      sql<string | null>`ST_AsGeoJSON(${geom}, 6)`.as('geometry'),
    ])
    .where(opts.self ? sql.ref('a.code') : sql.ref('a.parent_code'), '=', code)
    .where(scope.sql('a.code'))
    .orderBy('a.code')
    .execute();
  return rows.map(normaliseCount) as BoundaryRow[];
}

function normaliseCount<T extends { household_count: number | string }>(row: T): T & { household_count: number } {
  return { ...row, household_count: Number(row.household_count) };
}
