// SQL of the vector tiles. Each layer has one feature query — the rows of a tile, in WGS84, with
// their properties and `geom` — and the two ways a tile is made from it share that query:
// ST_AsMVT on PostgreSQL (mvtFromDatabase), or the rows as GeoJSON for the JavaScript encoder
// (rowsAsGeoJson → encode.ts) where PostGIS was built without protobuf (PGlite).
import { type Compilable, type RawBuilder, sql } from 'kysely';
import type { DbOrTrx as Db } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';
import { projectTileRows } from '../projects/queries.ts';
import { HOUSEHOLD_POINTS_MIN_ZOOM, TILE_BUFFER, TILE_CELL_MIN_LEVEL, TILE_EXTENT, type TileLayer } from './layers.ts';

export interface TileQuery {
  z: number;
  x: number;
  y: number;
  /** The tile grown by its buffer, [west, south, east, north] in degrees: what the rows must meet. */
  bounds: [number, number, number, number];
  /** The tile itself (clusters count each household in one tile only). */
  exact: [number, number, number, number];
}

/** A feature query: its property columns (in order) and the query, whose rows add `geom`. */
export interface FeatureQuery {
  columns: readonly string[];
  query: Compilable<unknown> | RawBuilder<unknown>;
}

const envelope = ([w, s, e, n]: readonly number[]) => sql`ST_MakeEnvelope(${w}::float8, ${s}::float8, ${e}::float8, ${n}::float8, 4326)`;

/** The area codes' length at each level of the area layers. */
const CODE_LENGTH = { county: 6, township: 9, village: 12 } as const;

/**
 * An area layer: the areas of a level meeting the tile, with public aggregates (no persons):
 * households and people in the registry, monitoring households, open findings, and the ledger's
 * allocated and spent money of the projects led by villages in the area. Outlines are simplified to
 * about one tile unit below zoom 12.
 */
function areaFeatures(level: keyof typeof CODE_LENGTH, t: TileQuery): FeatureQuery {
  const n = CODE_LENGTH[level];
  const tolerance = t.z < 12 ? (t.exact[2] - t.exact[0]) / TILE_EXTENT : 0;
  const geom = tolerance > 0 ? sql`ST_SimplifyPreserveTopology(a.geom, ${tolerance}::float8)` : sql`a.geom`;
  // The registry rows under the tile's areas: one range on the (C-collated) code, then the areas' codes.
  const under = (column: string) => sql`${sql.ref(column)} between (select min(code) from a) and (select max(code) from a) || '~'
      and left(${sql.ref(column)}, ${sql.lit(n)}) in (select code from a)`;
  const query = sql`
    with a as (
      select code, name, geom from areas where level = ${level} and geom is not null and ST_Intersects(geom, ${envelope(t.bounds)})
    ), hh as (
      select left(h.village_code, ${sql.lit(n)}) as code, count(*)::int as households,
        count(*) filter (where h.status = '监测户')::int as monitoring,
        count(*) filter (where h.status = '未脱贫户')::int as poor
      from households h where h.deleted_at is null and h.registry_state = '在册' and ${under('h.village_code')}
      group by 1
    ), pp as (
      select left(h.village_code, ${sql.lit(n)}) as code, count(*)::int as people
      from households h join members m on m.household_id = h.id
      where h.deleted_at is null and h.registry_state = '在册' and m.person_status in ('正常', '失踪') and ${under('h.village_code')}
      group by 1
    ), ff as (
      select left(f.village_code, ${sql.lit(n)}) as code, count(*)::int as findings_open,
        count(*) filter (where f.severity = 'exclude')::int as findings_exclude
      from findings f where f.present and f.status in ('open', 'needs_visit') and ${under('f.village_code')}
      group by 1
    ), mm as (
      select left(p.village_code, ${sql.lit(n)}) as code,
        coalesce(sum(e.delta_fen) filter (where e.kind = '下达'), 0)::bigint as allocated_fen,
        coalesce(sum(e.delta_fen) filter (where e.kind in ('报账', '到户')), 0)::bigint as spent_fen
      from projects p join ledger_entries e on e.project_id = p.id
      where ${under('p.village_code')}
      group by 1
    )
    select a.code, a.name,
      coalesce(hh.households, 0) as households, coalesce(pp.people, 0) as people,
      coalesce(hh.monitoring, 0) as monitoring, coalesce(hh.poor, 0) as poor,
      coalesce(ff.findings_open, 0) as findings_open, coalesce(ff.findings_exclude, 0) as findings_exclude,
      coalesce(mm.allocated_fen, 0) as allocated_fen, coalesce(mm.spent_fen, 0) as spent_fen,
      ${geom} as geom
    from a left join hh using (code) left join pp using (code) left join ff using (code) left join mm using (code)
    order by a.code`;
  return {
    columns: ['code', 'name', 'households', 'people', 'monitoring', 'poor', 'findings_open', 'findings_exclude', 'allocated_fen', 'spent_fen'],
    query,
  };
}

/** Households in the registry (在册 or 待识别) in scope. */
const householdsIn = (scope: Scope) => sql`h.deleted_at is null and h.registry_state in ('在册', '待识别') and ${scope.sql('h.village_code', 'h.county_code')}`;

/**
 * Households: at zoom ≥ 14 one point each (id, status, registry state, village); below, one point per
 * grid cell of 1/32 of the tile's width (anchored at −180° / −90°, so neighbouring tiles share the
 * grid) at the cell's mean position, with its count and how many are 监测户 and 未脱贫户. Clusters
 * read the counts kept per village and cell (household_tile_cells, migration 0037), never the points:
 * zoom z groups level z + 5 (levels below 13 from level 13's cells). A cell belongs to the one tile
 * that holds its mean position, so each household is counted in one tile only.
 */
function householdFeatures(scope: Scope, t: TileQuery): FeatureQuery {
  if (t.z >= HOUSEHOLD_POINTS_MIN_ZOOM) {
    return {
      columns: ['id', 'status', 'state', 'village'],
      query: sql`
        select h.id::text as id, h.status, h.registry_state as state, h.village_code as village, h.location as geom
        from households h where ${householdsIn(scope)} and h.location && ${envelope(t.bounds)}
        order by h.id`,
    };
  }
  const grid = t.z + 5;
  const level = Math.max(TILE_CELL_MIN_LEVEL, grid);
  const shift = level - grid;
  const [w, s, e, n] = t.exact;
  const cellOf = (deg: number, anchor: number) => Math.floor(((deg + anchor) * 2 ** grid) / 360);
  // The grid's cells that may hold a point of the tile: 32 across; down, those its latitudes reach.
  const [x0, x1] = [t.x * 32, t.x * 32 + 31];
  const [y0, y1] = [cellOf(s, 90), cellOf(n, 90)];
  const key = (c: string) => (shift ? sql`(${sql.ref(c)} >> ${sql.lit(shift)})` : sql.ref(c));
  const count = sql`sum(c.households)`;
  return {
    columns: ['count', 'monitoring', 'poor'],
    query: sql`
      select ${count}::int as count, sum(c.monitoring)::int as monitoring, sum(c.poor)::int as poor,
        ST_SetSRID(ST_MakePoint(sum(c.sum_x) / ${count}, sum(c.sum_y) / ${count}), 4326) as geom
      from household_tile_cells c
      where c.level = ${sql.lit(level)} and ${scope.sql('c.village_code', 'c.county_code')}
        and c.cx between ${sql.lit(x0 << shift)} and ${sql.lit(((x1 + 1) << shift) - 1)}
        and c.cy between ${sql.lit(y0 << shift)} and ${sql.lit(((y1 + 1) << shift) - 1)}
      group by ${key('c.cx')}, ${key('c.cy')}
      having ${count} > 0 and sum(c.sum_x) / ${count} >= ${w}::float8 and sum(c.sum_x) / ${count} < ${e}::float8
        and sum(c.sum_y) / ${count} >= ${s}::float8 and sum(c.sum_y) / ${count} < ${n}::float8
      order by ${key('c.cx')}, ${key('c.cy')}`,
  };
}

/** Open findings (open, needs a visit) of the latest run in scope, at their household's point. */
function findingFeatures(scope: Scope, t: TileQuery): FeatureQuery {
  return {
    columns: ['id', 'rule', 'severity', 'status', 'household'],
    query: sql`
      select f.id::text as id, f.rule, f.severity, f.status, f.household_id::text as household, h.location as geom
      from findings f join households h on h.id = f.household_id
      where f.present and f.status in ('open', 'needs_visit') and ${scope.sql('f.village_code', 'f.county_code')}
        and h.deleted_at is null and h.location && ${envelope(t.bounds)}
      order by f.id`,
  };
}

/** The feature query of a layer; private layers need the caller's scope. */
export function featureQuery(db: Db, layer: TileLayer, t: TileQuery, scope: Scope | null): FeatureQuery {
  const scoped = () => {
    if (!scope) throw new Error(`tile layer ${layer} needs a scope`);
    return scope;
  };
  switch (layer) {
    case 'counties':
      return areaFeatures('county', t);
    case 'townships':
      return areaFeatures('township', t);
    case 'villages':
      return areaFeatures('village', t);
    case 'households':
      return householdFeatures(scoped(), t);
    case 'findings':
      return findingFeatures(scoped(), t);
    case 'projects':
      return { columns: ['id', 'name', 'type', 'state', 'year', 'village'], query: projectTileRows(db, scoped(), envelope(t.bounds)).orderBy('p.id') };
  }
}

const columnList = (columns: readonly string[]) => sql.join(columns.map((c) => sql.ref(`f.${c}`)));

/** The tile made by PostGIS (ST_AsMVTGeom clips to the tile and its buffer; ST_AsMVT encodes). */
export async function mvtFromDatabase(db: Db, layer: TileLayer, t: TileQuery, fq: FeatureQuery): Promise<Uint8Array> {
  const { rows } = await sql<{ mvt: Uint8Array | null }>`
    select ST_AsMVT(t, ${layer}::text, ${sql.lit(TILE_EXTENT)}, 'geom') as mvt from (
      select ${columnList(fq.columns)},
        ST_AsMVTGeom(ST_Transform(f.geom, 3857), ST_TileEnvelope(${sql.lit(t.z)}, ${sql.lit(t.x)}, ${sql.lit(t.y)}),
          ${sql.lit(TILE_EXTENT)}, ${sql.lit(TILE_BUFFER)}, true) as geom
      from (${fq.query}) f
    ) t where t.geom is not null`.execute(db);
  const mvt = rows[0]?.mvt;
  return mvt ? new Uint8Array(mvt.buffer, mvt.byteOffset, mvt.byteLength) : new Uint8Array(0);
}

export interface GeoJsonRow {
  properties: Record<string, unknown>;
  geometry: string;
}

/** The same rows with their geometry as GeoJSON text (WGS84, 9 decimals), for encode.ts. */
export async function rowsAsGeoJson(db: Db, fq: FeatureQuery): Promise<GeoJsonRow[]> {
  const { rows } = await sql<Record<string, unknown> & { geojson: string }>`
    select ${columnList(fq.columns)}, ST_AsGeoJSON(f.geom, 9) as geojson from (${fq.query}) f where f.geom is not null`.execute(db);
  return rows.map(({ geojson, ...properties }) => ({ properties, geometry: geojson }));
}

/** Whether the database's PostGIS can make tiles (PGlite's is built without protobuf). */
export async function hasMvt(db: Db): Promise<boolean> {
  const { rows } = await sql<{ v: string }>`select postgis_full_version() as v`.execute(db);
  return /PROTOBUF/.test(rows[0]?.v ?? '');
}
