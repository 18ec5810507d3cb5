// `areas import` against a real database (both backends): a GeoJSON file replacing two villages'
// outlines (source, geometry as given, label points inside, one audit entry each); an unknown code,
// a bowtie and a non-WGS84 file refusing the whole file and naming the feature; a small
// self-intersection repaired; an overlap between neighbours reported, not refused; a zipped Shapefile
// (GBK attributes without a .cpg); the mapping table; and the CLI as a child process, --dry-run
// leaving the database as it was. The worker's database is shared with other files (areas.test.ts
// expects synthetic villages): every write here runs in a transaction rolled back at the end, and
// the CLI writes to a clone of its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../context.ts';
import type { Db } from '../../db/schema.ts';
import { cloneTemplate, dripline } from '../../test/cli.ts';
import { testCtx } from '../../test/context.ts';
import { getTestDb } from '../../test/db.ts';
import { Scope } from '../auth/scope.ts';
import { type BoundaryImportResult, importBoundaries, normaliseCode } from './boundary-import.ts';
import { prjProblem } from './boundary-file.ts';

type Ring = [number, number][];
type Polygon = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

const COUNTY = '522327'; // 册亨县: no other test looks at its villages
let db: Db;
let dir: string;
/** Two neighbouring villages of one township, and a third village elsewhere in it. */
const v = {} as Record<'a' | 'b', { code: string; name: string; label: [number, number]; simplified: Polygon; buffered: Polygon; shrunk: Polygon }>;

const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
const GK_PRJ =
  'PROJCS["CGCS2000_3_Degree_GK_CM_105E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],' +
  'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],' +
  'PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

const ctxOf = (d: Db): Ctx => testCtx(d, new Scope('', 'admin'), { actor: { id: null, name: 'test:areas-import', role: 'system' } });

function writeGeoJson(name: string, features: { props: Record<string, unknown>; geometry: unknown }[]): string {
  const file = path.join(dir, name);
  const fc = { type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', properties: f.props, geometry: f.geometry })) };
  fs.writeFileSync(file, JSON.stringify(fc));
  return file;
}

/** A square of side `d` degrees at `p` — the repaired variant has a tiny crossing at one corner. */
function square(p: [number, number], d: number, variant: 'plain' | 'bowtie' | 'kink' = 'plain'): Polygon {
  const [x, y] = p;
  const at = (u: number, w: number): [number, number] => [x + u * d, y + w * d];
  const ring: Ring =
    variant === 'bowtie'
      ? [at(0, 0), at(1, 1), at(1, 0), at(0, 1), at(0, 0)]
      : variant === 'kink'
        ? [at(0, 0), at(1, 0), at(1, 1), at(0, 1), at(0.01, 1.01), at(0.02, 1), at(0, 0.99), at(0, 0)]
        : [at(0, 0), at(1, 0), at(1, 1), at(0, 1), at(0, 0)];
  return { type: 'Polygon', coordinates: [ring] };
}

/** Runs `fn` in a transaction that is rolled back: the shared database keeps its synthetic outlines. */
async function rolledBack(fn: (trx: Db) => Promise<void>): Promise<void> {
  const rollback = new Error('rollback');
  await expect(
    db.transaction().execute(async (trx) => {
      await fn(trx);
      throw rollback;
    }),
  ).rejects.toBe(rollback);
}

async function areaRow(d: Db, code: string) {
  return d
    .selectFrom('areas')
    .select([
      'code',
      'boundary_source',
      sql<string>`md5(ST_AsBinary(geom))`.as('md5'),
      sql<boolean>`ST_Intersects(label_point, geom)`.as('label_inside'),
      sql<string>`ST_AsText(label_point)`.as('label'),
    ])
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
}

/** Whether the stored outline is exactly `g` (same vertices in the same order, as a MultiPolygon). */
async function storedEquals(d: Db, code: string, g: Polygon, exact = true): Promise<boolean> {
  const test = exact ? sql`ST_OrderingEquals` : sql`ST_Equals`;
  const r = await sql<{ eq: boolean }>`
    select ${test}(geom, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(g)}), 4326))) as eq from areas where code = ${code}`.execute(d);
  return r.rows[0]?.eq === true;
}

const messages = (r: BoundaryImportResult) => r.errors.map((e) => `${e.index ?? 'file'} ${e.code ?? '-'} ${e.message}`);

beforeAll(async () => {
  db = (await getTestDb()).db;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-areas-import-'));
  // Two villages sharing a border, their current outline simplified (a different, valid outline).
  const pair = await sql<{ a: string; b: string }>`
    select x.code as a, y.code as b from areas x join areas y on y.parent_code = x.parent_code and x.code < y.code
    where x.level = 'village' and x.code like ${`${COUNTY}%`} and ST_Length(ST_Intersection(x.geom, y.geom)::geography) > 500
    order by x.code, y.code limit 1`.execute(db);
  const { a, b } = pair.rows[0] as { a: string; b: string };
  for (const [key, code] of [
    ['a', a],
    ['b', b],
  ] as const) {
    const r = await sql<{ name: string; label: string; simplified: string; buffered: string; shrunk: string }>`
      select name, ST_AsGeoJSON(label_point, 9) as label,
        ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.0002), 9) as simplified,
        ST_AsGeoJSON(ST_Buffer(ST_SimplifyPreserveTopology(geom, 0.0002), 0.004), 9) as buffered,
        ST_AsGeoJSON(ST_Buffer(ST_SimplifyPreserveTopology(geom, 0.0002), -0.002), 9) as shrunk
      from areas where code = ${code}`.execute(db);
    const row = r.rows[0] as { name: string; label: string; simplified: string; buffered: string; shrunk: string };
    v[key] = {
      code,
      name: row.name,
      label: (JSON.parse(row.label) as { coordinates: [number, number] }).coordinates,
      simplified: JSON.parse(row.simplified) as Polygon,
      buffered: JSON.parse(row.buffered) as Polygon,
      shrunk: JSON.parse(row.shrunk) as Polygon,
    };
  }
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('areas import: GeoJSON', () => {
  it('replaces two villages’ outlines as given, with their source, label points and one audit entry each', async () => {
    const file = writeGeoJson('good.geojson', [
      { props: { XZQDM: v.a.code, XZQMC: v.a.name }, geometry: v.a.simplified },
      { props: { XZQDM: Number(v.b.code), XZQMC: v.b.name }, geometry: v.b.simplified },
    ]);
    const before = await areaRow(db, v.a.code);
    expect(before.boundary_source).toBe('synthetic-voronoi');
    await rolledBack(async (trx) => {
      const r = await importBoundaries(ctxOf(trx), { filePath: file });
      expect(messages(r)).toEqual([]);
      expect(r).toMatchObject({
        ok: true,
        dryRun: false,
        format: 'geojson',
        level: 'village',
        codeField: 'XZQDM',
        nameField: 'XZQMC',
        features: 2,
        updated: 2,
      });
      expect(r.repaired).toEqual([]);
      // Simplified by 20 m at most: no sliver reaches 1 % of a village.
      expect(r.warnings).toEqual([]);
      for (const x of [v.a, v.b]) {
        const row = await areaRow(trx, x.code);
        expect(row.boundary_source).toBe('import:good.geojson');
        expect(await storedEquals(trx, x.code, x.simplified)).toBe(true);
        expect(row.label_inside).toBe(true);
      }
      const audit = await trx
        .selectFrom('audit_log')
        .select(['entity_id', 'area_code', 'actor_name', 'diff'])
        .where('action', '=', 'area.boundary.import')
        .where('entity_id', 'in', [v.a.code, v.b.code])
        .orderBy('entity_id')
        .execute();
      expect(audit.map((x) => [x.entity_id, x.actor_name])).toEqual([
        [v.a.code, 'test:areas-import'],
        [v.b.code, 'test:areas-import'],
      ]);
      expect(JSON.stringify(audit[0]?.diff)).toContain('synthetic-voronoi');
      expect(JSON.stringify(audit[0]?.diff)).toContain('good.geojson');
    });
    // rolled back: the shared database is as it was
    expect(await areaRow(db, v.a.code)).toEqual(before);
  });

  it('refuses a file with an unknown code, writing nothing and naming the feature', async () => {
    const unknown = `${v.a.code.slice(0, 9)}999`;
    const file = writeGeoJson('unknown.geojson', [
      { props: { code: v.a.code, name: v.a.name }, geometry: v.a.simplified },
      { props: { code: unknown, name: '无此村' }, geometry: v.b.simplified },
    ]);
    const before = await areaRow(db, v.a.code);
    const r = await importBoundaries(ctxOf(db), { filePath: file });
    expect(r.ok).toBe(false);
    expect(r.updated).toBe(0);
    expect(r.errors).toEqual([{ index: 2, code: unknown, name: '无此村', message: expect.stringContaining('is not an area') }]);
    expect(await areaRow(db, v.a.code)).toEqual(before);
  });

  it('refuses a bowtie naming the feature and the reason; repairs a small self-intersection', async () => {
    const bowtie = writeGeoJson('bowtie.geojson', [
      { props: { code: v.a.code, name: v.a.name }, geometry: square(v.a.label, 0.002, 'bowtie') },
      { props: { code: v.b.code, name: v.b.name }, geometry: v.b.simplified },
    ]);
    const refused = await importBoundaries(ctxOf(db), { filePath: bowtie });
    expect(refused.ok).toBe(false);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatchObject({ index: 1, code: v.a.code, name: v.a.name });
    expect(refused.errors[0]?.message).toMatch(/invalid geometry: Self-intersection/);
    expect((await areaRow(db, v.b.code)).boundary_source).toBe('synthetic-voronoi');

    const kink = square(v.a.label, 0.002, 'kink');
    const small = writeGeoJson('kink.geojson', [{ props: { code: v.a.code }, geometry: kink }]);
    await rolledBack(async (trx) => {
      const r = await importBoundaries(ctxOf(trx), { filePath: small });
      expect(messages(r)).toEqual([]);
      expect(r.repaired).toEqual([{ index: 1, code: v.a.code, name: v.a.name, message: expect.stringMatching(/Self-intersection.*repaired by ST_MakeValid/) }]);
      const g = await sql<{ valid: boolean; ratio: number }>`
        select ST_IsValid(geom) as valid, ST_Area(geom) / ST_Area(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(kink)}), 4326)) as ratio
        from areas where code = ${v.a.code}`.execute(trx);
      expect(g.rows[0]?.valid).toBe(true);
      expect(Math.abs(Number(g.rows[0]?.ratio) - 1)).toBeLessThan(0.01);
      // A small square far from the old seat: the label point moves inside it.
      expect((await areaRow(trx, v.a.code)).label_inside).toBe(true);
    });
  });

  it('reports an overlap between imported neighbours as a warning and imports all the same', async () => {
    const file = writeGeoJson('overlap.geojson', [
      { props: { code: v.a.code }, geometry: v.a.simplified },
      { props: { code: v.b.code }, geometry: v.b.buffered },
    ]);
    await rolledBack(async (trx) => {
      const r = await importBoundaries(ctxOf(trx), { filePath: file });
      expect(messages(r)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.updated).toBe(2);
      const overlap = r.warnings.find((w) => w.kind === 'overlap' && w.codes.includes(v.a.code) && w.codes.includes(v.b.code));
      expect(overlap).toBeDefined();
      expect(overlap?.kind === 'overlap' && overlap.share).toBeGreaterThan(0.01);
      expect(overlap?.message).toMatch(/overlap by \d+ m²/);
      expect(await storedEquals(trx, v.b.code, v.b.buffered)).toBe(true);
    });
  });

  it('reports the gap an outline leaves between it and its neighbours', async () => {
    const file = writeGeoJson('gap.geojson', [
      { props: { code: v.a.code }, geometry: v.a.shrunk },
      { props: { code: v.b.code }, geometry: v.b.simplified },
    ]);
    await rolledBack(async (trx) => {
      const r = await importBoundaries(ctxOf(trx), { filePath: file });
      expect(r.ok).toBe(true);
      const gap = r.warnings.find((w) => w.kind === 'gap' && w.neighbours.includes(v.a.code) && w.neighbours.includes(v.b.code));
      expect(gap).toMatchObject({ kind: 'gap', parentCode: v.a.code.slice(0, 9) });
      expect(gap?.areaM2).toBeGreaterThan(10_000);
      expect(gap?.message).toMatch(/m² of \d{9} .* belongs to no area/);
      expect(r.warnings.some((w) => w.kind === 'overlap' && w.codes.includes(v.a.code))).toBe(false);
    });
  });

  it('dry run: checks and reports (warnings too), writes nothing', async () => {
    const file = writeGeoJson('dry.geojson', [
      { props: { code: v.a.code }, geometry: v.a.simplified },
      { props: { code: v.b.code }, geometry: v.b.buffered },
    ]);
    const before = [await areaRow(db, v.a.code), await areaRow(db, v.b.code)];
    const r = await importBoundaries(ctxOf(db), { filePath: file, dryRun: true });
    expect(r).toMatchObject({ ok: true, dryRun: true, updated: 0 });
    expect(r.warnings.some((w) => w.kind === 'overlap')).toBe(true);
    expect([await areaRow(db, v.a.code), await areaRow(db, v.b.code)]).toEqual(before);
  });

  it('refuses other geometry types, coordinates outside China, a projected file, and codes of the wrong level', async () => {
    const file = writeGeoJson('mixed.geojson', [
      { props: { code: v.a.code }, geometry: { type: 'LineString', coordinates: v.a.simplified.coordinates[0] } },
      { props: { code: v.b.code }, geometry: square([500000, 2800000], 1000) },
      { props: { code: v.a.code.slice(0, 9) }, geometry: v.a.simplified },
      { props: { code: '12345' }, geometry: v.a.simplified },
    ]);
    const r = await importBoundaries(ctxOf(db), { filePath: file });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.index, e.message.split(':')[0]])).toEqual([
      [1, 'the geometry is a LineString'],
      [2, 'coordinate 500000, 2800000 is not longitude/latitude'],
      [3, `${v.a.code.slice(0, 9)} is a township code; this import is of villages (12 digits)`],
      [4, 'code "12345" is not a 9-digit township or 12-digit village code'],
    ]);
    const projected = path.join(dir, 'projected.geojson');
    fs.writeFileSync(
      projected,
      JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4547' } }, features: [] }),
    );
    const noField = await importBoundaries(ctxOf(db), { filePath: file, codeField: 'XZQDM' });
    expect(noField.errors).toEqual([{ index: null, code: null, name: null, message: '--code-field XZQDM: no feature has that property (they have: code)' }]);
    const p = await importBoundaries(ctxOf(db), { filePath: projected });
    expect(p.errors).toEqual([{ index: null, code: null, name: null, message: expect.stringContaining('EPSG::4547') }]);
  });

  it('maps features by name through the mapping table', async () => {
    const file = writeGeoJson('by-name.geojson', [
      { props: { NAME: '甲村' }, geometry: v.a.simplified },
      { props: { NAME: '乙村' }, geometry: v.b.simplified },
      { props: { NAME: '丙村' }, geometry: v.b.simplified },
    ]);
    const mapping = path.join(dir, 'mapping.csv');
    fs.writeFileSync(mapping, `名称,区划代码\n甲村,${v.a.code}\n乙村,${v.b.code}\n`);
    const refused = await importBoundaries(ctxOf(db), { filePath: file, mappingPath: mapping });
    expect(refused.errors).toEqual([{ index: 3, code: null, name: '丙村', message: '"丙村" is not in the mapping' }]);
    const two = writeGeoJson('by-name-2.geojson', [
      { props: { NAME: '甲村' }, geometry: v.a.simplified },
      { props: { NAME: '乙村' }, geometry: v.b.simplified },
    ]);
    await rolledBack(async (trx) => {
      const r = await importBoundaries(ctxOf(trx), { filePath: two, mappingPath: mapping });
      expect(messages(r)).toEqual([]);
      expect(r.updated).toBe(2);
      expect(await storedEquals(trx, v.b.code, v.b.simplified)).toBe(true);
    });
  });

  it('reads codes in the forms survey layers write them', () => {
    expect(normaliseCode('522327101000')).toBe('522327101');
    expect(normaliseCode('5223271012030000000')).toBe('522327101203');
    expect(normaliseCode(522327101203)).toBe('522327101203');
    expect(normaliseCode('5223')).toBeNull();
    expect(prjProblem(WGS84_PRJ)).toBeNull();
    expect(prjProblem(GK_PRJ)).toMatch(/projected coordinate system \("CGCS2000_3_Degree_GK_CM_105E"\)/);
    expect(prjProblem('GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],UNIT["Degree",0.017]]')).toMatch(
      /datum is "D_Beijing_1954"/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Zipped Shapefile (written here: a Polygon .shp, a GBK .dbf without .cpg, a .prj)
// ---------------------------------------------------------------------------------------------

/** Shapefile rings: outer clockwise, holes counter-clockwise. */
function orient(ring: Ring, clockwise: boolean): Ring {
  let s = 0;
  for (let i = 1; i < ring.length; i++) s += ((ring[i]?.[0] ?? 0) - (ring[i - 1]?.[0] ?? 0)) * ((ring[i]?.[1] ?? 0) + (ring[i - 1]?.[1] ?? 0));
  return s > 0 === clockwise ? ring : [...ring].reverse();
}

function shp(geoms: Polygon[]): Buffer {
  const records = geoms.map((g, n) => {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const rings = polys.flatMap((p) => p.map((r, i) => orient(r, i === 0)));
    const pts = rings.flat();
    const content = Buffer.alloc(44 + 4 * rings.length + 16 * pts.length);
    content.writeInt32LE(5, 0);
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((b, i) => content.writeDoubleLE(b, 4 + 8 * i));
    content.writeInt32LE(rings.length, 36);
    content.writeInt32LE(pts.length, 40);
    let start = 0;
    rings.forEach((r, i) => {
      content.writeInt32LE(start, 44 + 4 * i);
      start += r.length;
    });
    pts.forEach((p, i) => {
      content.writeDoubleLE(p[0], 44 + 4 * rings.length + 16 * i);
      content.writeDoubleLE(p[1], 44 + 4 * rings.length + 16 * i + 8);
    });
    const head = Buffer.alloc(8);
    head.writeInt32BE(n + 1, 0);
    head.writeInt32BE(content.length / 2, 4);
    return Buffer.concat([head, content]);
  });
  const header = Buffer.alloc(100);
  const length = 100 + records.reduce((s, r) => s + r.length, 0);
  header.writeInt32BE(9994, 0);
  header.writeInt32BE(length / 2, 24);
  header.writeInt32LE(1000, 28);
  header.writeInt32LE(5, 32);
  return Buffer.concat([header, ...records]);
}

function dbf(fields: { name: string; length: number }[], rows: string[][]): Buffer {
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((s, f) => s + f.length, 0);
  const header = Buffer.alloc(headerLength);
  header.writeUInt8(3, 0);
  header.writeUInt8(124, 1);
  header.writeUInt8(1, 2);
  header.writeUInt8(1, 3);
  header.writeUInt32LE(rows.length, 4);
  header.writeUInt16LE(headerLength, 8);
  header.writeUInt16LE(recordLength, 10);
  fields.forEach((f, i) => {
    header.write(f.name, 32 + 32 * i, 'latin1');
    header.write('C', 32 + 32 * i + 11, 'latin1');
    header.writeUInt8(f.length, 32 + 32 * i + 16);
  });
  header.writeUInt8(0x0d, headerLength - 1);
  const records = rows.map((row) => {
    const rec = Buffer.alloc(recordLength, 0x20);
    let at = 1;
    row.forEach((value, i) => {
      iconv.encode(value, 'gbk').copy(rec, at);
      at += fields[i]?.length ?? 0;
    });
    return rec;
  });
  return Buffer.concat([header, ...records, Buffer.from([0x1a])]);
}

function zippedShapefile(name: string, geoms: Polygon[], rows: string[][], prj: string | null): string {
  const parts: Record<string, Uint8Array> = {
    [`${name}/村界.shp`]: shp(geoms),
    [`${name}/村界.dbf`]: dbf(
      [
        { name: 'XZQDM', length: 12 },
        { name: 'XZQMC', length: 60 },
      ],
      rows,
    ),
  };
  if (prj) parts[`${name}/村界.prj`] = Buffer.from(prj);
  const file = path.join(dir, `${name}.zip`);
  fs.writeFileSync(file, zipSync(parts));
  return file;
}

describe('areas import: zipped Shapefile', () => {
  it('imports a zipped Shapefile (GBK names without a .cpg)', async () => {
    const file = zippedShapefile(
      'villages',
      [v.a.simplified, v.b.simplified],
      [
        [v.a.code, v.a.name],
        [v.b.code, v.b.name],
      ],
      WGS84_PRJ,
    );
    await rolledBack(async (trx) => {
      const r = await importBoundaries(ctxOf(trx), { filePath: file, level: 'village' });
      expect(messages(r)).toEqual([]);
      expect(r).toMatchObject({ ok: true, format: 'shapefile', crs: 'GCS_WGS_1984', codeField: 'XZQDM', nameField: 'XZQMC', updated: 2 });
      for (const x of [v.a, v.b]) {
        expect((await areaRow(trx, x.code)).boundary_source).toBe('import:villages.zip');
        expect(await storedEquals(trx, x.code, x.simplified, false)).toBe(true);
      }
    });
    // The names were read as GBK: a wrong code names the village in the report.
    const wrong = zippedShapefile('wrong', [v.a.simplified], [[`${v.a.code.slice(0, 9)}998`, v.a.name]], WGS84_PRJ);
    const r = await importBoundaries(ctxOf(db), { filePath: wrong });
    expect(r.errors).toEqual([{ index: 1, code: `${v.a.code.slice(0, 9)}998`, name: v.a.name, message: expect.stringContaining('is not an area') }]);
  });

  it('refuses a Shapefile whose .prj is not WGS84/CGCS2000 longitude/latitude', async () => {
    const file = zippedShapefile('projected', [v.a.simplified], [[v.a.code, v.a.name]], GK_PRJ);
    const r = await importBoundaries(ctxOf(db), { filePath: file });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([{ index: null, code: null, name: null, message: expect.stringMatching(/^Refused: the .prj is a projected coordinate system/) }]);
    expect((await areaRow(db, v.a.code)).boundary_source).toBe('synthetic-voronoi');
  });
});

// ---------------------------------------------------------------------------------------------
// The CLI, as an operator runs it, on a database of its own
// ---------------------------------------------------------------------------------------------

describe('dripline areas import', { timeout: 300_000 }, () => {
  let target: Awaited<ReturnType<typeof cloneTemplate>>;
  beforeAll(async () => {
    target = await cloneTemplate('areasimport');
  });
  afterAll(async () => {
    await target?.drop();
  });

  it('--dry-run reports and leaves the database unchanged; then imports; a bad file exits 1 with its error table', async () => {
    const file = writeGeoJson('cli.geojson', [
      { props: { QHDM: v.a.code, NAME: v.a.name }, geometry: v.a.simplified },
      { props: { QHDM: v.b.code, NAME: v.b.name }, geometry: v.b.buffered },
    ]);
    const state = async () => {
      const h = await target.open();
      try {
        const rows = await Promise.all([areaRow(h.db, v.a.code), areaRow(h.db, v.b.code)]);
        const audit = await h.db
          .selectFrom('audit_log')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('action', '=', 'area.boundary.import')
          .executeTakeFirstOrThrow();
        return { rows, audit: Number(audit.n) };
      } finally {
        await h.close();
      }
    };
    const before = await state();

    const dry = await dripline(['areas', 'import', file, '--dry-run'], target.env);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/File: cli\.geojson \(geojson\), 2 features, villages, code from QHDM, name from NAME/);
    expect(dry.stdout).toMatch(/Warnings: \d+/);
    expect(dry.stdout).toMatch(/overlap\t.* overlap by \d+ m²/);
    expect(dry.stdout).toMatch(/Dry run: 2 outlines checked, nothing written/);
    expect(await state()).toEqual(before);

    const run = await dripline(['areas', 'import', file, '--level', 'village'], target.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Imported: 2 village outlines replaced \(boundary_source import:cli\.geojson\)/);
    const after = await state();
    expect(after.rows.map((r) => r.boundary_source)).toEqual(['import:cli.geojson', 'import:cli.geojson']);
    expect(after.audit).toBe(before.audit + 2);

    const bad = writeGeoJson('cli-bad.geojson', [
      { props: { QHDM: v.a.code, NAME: v.a.name }, geometry: square(v.a.label, 0.002, 'bowtie') },
      { props: { QHDM: `${v.a.code.slice(0, 9)}997`, NAME: '无此村' }, geometry: v.b.simplified },
    ]);
    const refused = await dripline(['areas', 'import', bad], target.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/REJECTED: 2 error\(s\); nothing was imported/);
    expect(refused.stderr).toMatch(new RegExp(`#1\\t${v.a.code}\\t${v.a.name}\\tinvalid geometry: Self-intersection`));
    expect(refused.stderr).toMatch(new RegExp(`#2\\t${v.a.code.slice(0, 9)}997\\t无此村\\t.*is not an area`));
    expect((await state()).rows.map((r) => r.boundary_source)).toEqual(['import:cli.geojson', 'import:cli.geojson']);

    const usage = await dripline(['areas', 'import'], target.env);
    expect(usage.code).toBe(2);

    // A zipped Shapefile through the real process (shapefile and fflate load under the CLI's loader).
    const zip = zippedShapefile('cli-villages', [v.a.simplified], [[v.a.code, v.a.name]], WGS84_PRJ);
    const z = await dripline(['areas', 'import', zip, '--dry-run'], target.env);
    expect(z.code).toBe(0);
    expect(z.stdout).toMatch(/File: cli-villages\.zip \(shapefile, GCS_WGS_1984\), 1 features, villages, code from XZQDM, name from XZQMC/);
    expect(z.stdout).toMatch(/Dry run: 1 outlines checked, nothing written/);
  });
});
