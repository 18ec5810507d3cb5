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

// ---------------------------------------------------------------------------------------------
// Boundary import (boundary-import.ts): the file's outlines are staged in a temporary table of the
// import's transaction, checked and repaired there, compared with their neighbours, then written.
// The CLI's context covers every area; the codes are checked against the scope in the domain.
// ---------------------------------------------------------------------------------------------

export interface StagedBoundary {
  /** The feature's 1-based position in the file. */
  idx: number;
  code: string;
  /** The geometry as GeoJSON (2D, WGS84). */
  geometry: string;
}

/** Creates the import's scratch table (dropped at commit) and fills it with the features. */
export async function stageBoundaries(trx: Db, rows: readonly StagedBoundary[]): Promise<void> {
  await sql`drop table if exists pg_temp.area_boundary_import`.execute(trx);
  await sql`
    create temp table area_boundary_import on commit drop as
    select s.idx, s.code, ST_SetSRID(ST_GeomFromGeoJSON(s.geometry), 4326) as geom, false as repaired
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as s(idx int, code text, geometry text)`.execute(trx);
}

export interface StagedCheckRow {
  idx: number;
  code: string;
  /** The area named by the code (null: no such area). */
  level: AreaLevel | null;
  name: string | null;
  valid: boolean;
  /** ST_IsValidReason of an invalid geometry. */
  reason: string | null;
  /** Planar areas before and after ST_MakeValid (polygons only), for an invalid geometry. */
  area_before: number | null;
  area_after: number | null;
}

/** Each staged feature: its area (if the code names one), validity, and what ST_MakeValid would change. */
export async function checkStagedBoundaries(trx: Db): Promise<StagedCheckRow[]> {
  const r = await sql<StagedCheckRow>`
    select s.idx, s.code, a.level, a.name, v.valid,
      case when not v.valid then ST_IsValidReason(s.geom) end as reason,
      case when not v.valid then ST_Area(s.geom) end as area_before,
      case when not v.valid then ST_Area(ST_CollectionExtract(ST_MakeValid(s.geom), 3)) end as area_after
    from area_boundary_import s
    cross join lateral (select ST_IsValid(s.geom) as valid) v
    left join areas a on a.code = s.code
    order by s.idx`.execute(trx);
  return r.rows.map((row) => ({
    ...row,
    idx: Number(row.idx),
    area_before: row.area_before === null ? null : Number(row.area_before),
    area_after: row.area_after === null ? null : Number(row.area_after),
  }));
}

/** Replaces the staged geometries of `idxs` by their ST_MakeValid repair (polygons only). */
export async function repairStagedBoundaries(trx: Db, idxs: readonly number[]): Promise<void> {
  if (idxs.length === 0) return;
  await sql`
    update area_boundary_import set geom = ST_CollectionExtract(ST_MakeValid(geom), 3), repaired = true
    where idx in (select jsonb_array_elements_text(${JSON.stringify(idxs)}::jsonb)::int)`.execute(trx);
}

export interface OverlapRow {
  a: string;
  a_name: string;
  b: string;
  b_name: string;
  overlap_m2: number;
  /** The smaller of the two areas, m². */
  smaller_m2: number;
}

/**
 * Pairs of areas of one parent (as they will be once the staged outlines replace theirs; at least
 * one of the pair staged) that overlap by more than `share` of the smaller one, in m² on the spheroid.
 */
export async function boundaryOverlaps(trx: Db, share: number): Promise<OverlapRow[]> {
  const r = await sql<OverlapRow>`
    with proposed as (
      select a.code, a.name, a.parent_code, coalesce(s.geom, a.geom) as geom, s.code is not null as staged
      from areas a left join area_boundary_import s on s.code = a.code
      where a.parent_code in (select p.parent_code from areas p join area_boundary_import s2 on s2.code = p.code)
        and a.level in (select p.level from areas p join area_boundary_import s3 on s3.code = p.code)
        and coalesce(s.geom, a.geom) is not null
    ),
    pairs as (
      select x.code as a, x.name as a_name, y.code as b, y.name as b_name,
        ST_Area(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 3)::geography) as overlap_m2,
        least(ST_Area(x.geom::geography), ST_Area(y.geom::geography)) as smaller_m2
      from proposed x join proposed y on x.parent_code = y.parent_code and x.code < y.code and (x.staged or y.staged)
      where ST_Intersects(x.geom, y.geom)
    )
    select a, a_name, b, b_name, overlap_m2, smaller_m2 from pairs
    where overlap_m2 > ${share}::float8 * smaller_m2
    order by a, b`.execute(trx);
  return r.rows.map((row) => ({ ...row, overlap_m2: Number(row.overlap_m2), smaller_m2: Number(row.smaller_m2) }));
}

export interface GapRow {
  parent_code: string;
  parent_name: string;
  gap_m2: number;
  /** ST_PointOnSurface of the gap, to find it on a map. */
  lon: number;
  lat: number;
  /** The areas around the gap (staged or not). */
  neighbours: string[];
}

/**
 * Parts of a parent (of a staged area) covered by none of its children (as they will be), each
 * touching a staged area and larger than `share` of the smallest area around it, in m².
 */
export async function boundaryGaps(trx: Db, share: number): Promise<GapRow[]> {
  const r = await sql<{ parent_code: string; parent_name: string; gap_m2: number; lon: number; lat: number; neighbours: string }>`
    with proposed as (
      select a.code, a.parent_code, coalesce(s.geom, a.geom) as geom, s.code is not null as staged
      from areas a left join area_boundary_import s on s.code = a.code
      where a.parent_code in (select p.parent_code from areas p join area_boundary_import s2 on s2.code = p.code)
        and a.level in (select p.level from areas p join area_boundary_import s3 on s3.code = p.code)
        and coalesce(s.geom, a.geom) is not null
    ),
    gaps as (
      select p.code as parent_code, p.name as parent_name, (ST_Dump(ST_Difference(p.geom, ST_Union(c.geom)))).geom as geom
      from areas p join proposed c on c.parent_code = p.code
      where p.geom is not null
      group by p.code, p.name, p.geom
    ),
    around as (
      select g.parent_code, g.parent_name, g.geom, ST_Area(g.geom::geography) as gap_m2,
        bool_or(c.staged) as touches_staged, min(ST_Area(c.geom::geography)) as smallest_m2,
        string_agg(c.code, ',' order by c.code) as neighbours
      from gaps g join proposed c on c.parent_code = g.parent_code and ST_DWithin(c.geom, g.geom, 1e-9)
      where ST_Dimension(g.geom) = 2
      group by g.parent_code, g.parent_name, g.geom
    )
    select parent_code, parent_name, gap_m2, ST_X(ST_PointOnSurface(geom)) as lon, ST_Y(ST_PointOnSurface(geom)) as lat, neighbours
    from around
    where touches_staged and gap_m2 > ${share}::float8 * smallest_m2
    order by parent_code, gap_m2 desc`.execute(trx);
  return r.rows.map((row) => ({ ...row, gap_m2: Number(row.gap_m2), lon: Number(row.lon), lat: Number(row.lat), neighbours: row.neighbours.split(',') }));
}

export interface BoundaryChangeRow {
  code: string;
  idx: number;
  repaired: boolean;
  before_source: string | null;
  before_md5: string | null;
  before_m2: number | null;
  after_md5: string;
  after_m2: number;
}

/**
 * Writes the staged outlines into their areas: geometry (MultiPolygon), source, and the label point
 * as the seed chooses it — the area's seat (its label point so far) when it lies inside the new
 * outline, else ST_PointOnSurface. Returns each area's before and after (hash and m²) for the audit.
 */
export async function replaceBoundaries(trx: Db, source: string): Promise<BoundaryChangeRow[]> {
  const r = await sql<BoundaryChangeRow>`
    with old as (
      select a.code, a.boundary_source, md5(ST_AsBinary(a.geom)) as md5, ST_Area(a.geom::geography) as m2
      from areas a join area_boundary_import s on s.code = a.code
    )
    update areas a set
      geom = ST_Multi(s.geom),
      label_point = case when a.label_point is not null and ST_Intersects(s.geom, a.label_point) then a.label_point else ST_PointOnSurface(s.geom) end,
      boundary_source = ${source}
    from area_boundary_import s join old o on o.code = s.code
    where a.code = s.code
    returning a.code, s.idx, s.repaired, o.boundary_source as before_source, o.md5 as before_md5, o.m2 as before_m2,
      md5(ST_AsBinary(ST_Multi(s.geom))) as after_md5, ST_Area(s.geom::geography) as after_m2`.execute(trx);
  return r.rows
    .map((row) => ({
      ...row,
      idx: Number(row.idx),
      before_m2: row.before_m2 === null ? null : Number(row.before_m2),
      after_m2: Number(row.after_m2),
    }))
    .sort((x, y) => x.idx - y.idx);
}
