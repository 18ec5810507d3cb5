// Vector tiles (issue 16 §1) on both databases: what each layer's tile holds at each zoom and for
// each role (a cadre's household tile holds only their village; public tiles hold no persons), that
// the two ways of making a tile — ST_AsMVT and the JavaScript encoder — give the same features, that
// both agree with the rows they were made from, and that a kept tile is dropped when its data changes.
import { VectorTile, type VectorTileFeature } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { tileOf, type TileId } from '../../../gis/tile.ts';
import { getOwnerDb, getTestDb } from '../../test/db.ts';
import { newHousehold, newProject } from '../../test/factories.ts';
import { type Agent, anonymous, loginAs } from '../../test/http.ts';
import { Scope } from '../auth/scope.ts';
import { TILE_LAYERS, type TileLayer } from './layers.ts';
import * as q from './queries.ts';
import { engineOf, makeTile, tileQuery } from './tiles.ts';

const QINGLONG = '522324';
const BAOJIA = '522324101209'; // baojia_cadre's village
const SANHE = '522324101002'; // sanhe_cadre's village

interface Decoded {
  type: number;
  properties: Record<string, unknown>;
  /** Tile coordinates (0…4096 inside the tile), every ring or line flattened in order. */
  points: [number, number][];
  rings: [number, number][][];
}

/** Signed area of a ring (MVT: exterior rings and holes have opposite signs). */
const shoelace = (ring: [number, number][]) =>
  ring.reduce((sum, [x, y], i) => {
    const [nx, ny] = ring[(i + 1) % ring.length] as [number, number];
    return sum + (x * ny - nx * y) / 2;
  }, 0);

/** The features of each layer of an MVT (an empty body is a tile with no layers). */
function decode(bytes: Uint8Array): Record<string, Decoded[]> {
  if (bytes.byteLength === 0) return {};
  const tile = new VectorTile(new PbfReader(bytes));
  const out: Record<string, Decoded[]> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    expect(layer.extent).toBe(4096);
    out[name] = Array.from({ length: layer.length }, (_, i) => {
      const f: VectorTileFeature = layer.feature(i);
      const rings = f.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y] as [number, number]));
      return { type: f.type, properties: { ...f.properties }, points: rings.flat(), rings };
    });
  }
  return out;
}

const key = (f: Decoded) => JSON.stringify(Object.entries(f.properties).sort(([a], [b]) => a.localeCompare(b)));
const byKey = (fs: Decoded[]) => [...fs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** Where a WGS84 point falls in a tile's 4096 units (spherical Web Mercator, as both engines project). */
function project([lon, lat]: [number, number], { z, x, y }: TileId): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  const mx = ((lon + 180) / 360) * n;
  const my = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
  return [(mx - x) * 4096, (my - y) * 4096];
}

async function tileOver(agent: Agent, layer: string, t: TileId, headers: Record<string, string> = {}) {
  return agent.get(`/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`, headers);
}

async function fetchTile(agent: Agent, layer: string, t: TileId) {
  const res = await tileOver(agent, layer, t);
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
  return { res, features: decode(new Uint8Array(await res.arrayBuffer()))[layer] ?? [] };
}

/** A household of 保家村 with a known point, and the z15 tile holding it. */
let baojiaHome: { id: string; lon: number; lat: number; tile: TileId };
/** A household of 三合社区 placed 30 m from it (same tile). */
let sanheNeighbour: { id: string };

beforeAll(async () => {
  const { db } = await getTestDb();
  const owner = await getOwnerDb();
  const a = await newHousehold({ village: BAOJIA, head: '瓦片户主甲', state: '监测户' });
  const b = await newHousehold({ village: SANHE, head: '瓦片户主乙' });
  // A point inside 保家村's outline, so that both the area and the household tiles meet it.
  const { rows } = await sql<{ lon: number; lat: number }>`
    select ST_X(p) as lon, ST_Y(p) as lat from (select ST_PointOnSurface(geom) as p from areas where code = ${BAOJIA}) s`.execute(db);
  const { lon, lat } = rows[0] as { lon: number; lat: number };
  await sql`update households set location = ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326) where id = ${a.id}`.execute(owner);
  await sql`update households set location = ST_SetSRID(ST_MakePoint(${lon + 0.0003}::float8, ${lat}::float8), 4326) where id = ${b.id}`.execute(owner);
  baojiaHome = { id: a.id, lon, lat, tile: tileOf(lon, lat, 15) };
  sanheNeighbour = { id: b.id };
});

describe('GET /tiles/{layer}/{z}/{x}/{y}.mvt', () => {
  it('serves the public area layers to anyone, with names, codes and figures and no persons', async () => {
    const anyone = await anonymous();
    const t = tileOf(baojiaHome.lon, baojiaHome.lat, 13);
    const { res, features } = await fetchTile(anyone, 'villages', t);
    expect(res.headers.get('cache-control')).toBe('public, no-cache');
    const baojia = features.find((f) => f.properties.code === BAOJIA);
    expect(baojia?.properties.name).toBe('保家村');
    expect(baojia?.type).toBe(3); // polygon
    const { db } = await getTestDb();
    const { rows } = await sql<{ n: number; m: number }>`
      select count(*)::int as n, count(*) filter (where status = '监测户')::int as m
      from households where village_code = ${BAOJIA} and deleted_at is null and registry_state = '在册'`.execute(db);
    expect(baojia?.properties.households).toBe(rows[0]?.n);
    expect(baojia?.properties.monitoring).toBe(rows[0]?.m);
    expect(Number(baojia?.properties.people)).toBeGreaterThan(Number(baojia?.properties.households));
    // No person's name or number: only the listed properties, and no head of household's name.
    const keys = new Set(features.flatMap((f) => Object.keys(f.properties)));
    expect([...keys].sort()).toEqual([
      'allocated_fen',
      'code',
      'findings_exclude',
      'findings_open',
      'households',
      'monitoring',
      'name',
      'people',
      'poor',
      'spent_fen',
    ]);
    const heads = await sql<{ head_name: string }>`select head_name from households where village_code like ${`${BAOJIA.slice(0, 9)}%`}`.execute(db);
    const names = new Set(heads.rows.map((r) => r.head_name));
    expect(features.filter((f) => names.has(String(f.properties.name)))).toEqual([]);

    const counties = await fetchTile(anyone, 'counties', tileOf(baojiaHome.lon, baojiaHome.lat, 7));
    expect(counties.features.map((f) => f.properties.code)).toContain(QINGLONG);
    const townships = await fetchTile(anyone, 'townships', tileOf(baojiaHome.lon, baojiaHome.lat, 10));
    expect(townships.features.map((f) => f.properties.code)).toContain(BAOJIA.slice(0, 9));
  });

  it('refuses the private layers without a session, and unknown layers and tiles', async () => {
    const anyone = await anonymous();
    for (const layer of ['households', 'projects', 'findings']) {
      expect((await tileOver(anyone, layer, baojiaHome.tile)).status).toBe(401);
    }
    expect((await anyone.get('/tiles/people/1/0/0.mvt')).status).toBe(404);
    expect((await anyone.get('/tiles/villages/3/8/0.mvt')).status).toBe(404);
    expect((await anyone.get('/tiles/villages/23/0/0.mvt')).status).toBe(404);
    expect((await anyone.get('/tiles/villages/3/1/1.png')).status).toBe(404);
  });

  it("holds only the cadre's own village in their household tile, and the county's in the county's", async () => {
    const cadre = await loginAs('baojia_cadre');
    const mine = await fetchTile(cadre, 'households', baojiaHome.tile);
    expect(mine.res.headers.get('cache-control')).toBe('private, no-cache');
    const ids = mine.features.map((f) => f.properties.id);
    expect(ids).toContain(baojiaHome.id);
    expect(ids).not.toContain(sanheNeighbour.id);
    expect(new Set(mine.features.map((f) => f.properties.village))).toEqual(new Set([BAOJIA]));
    const home = mine.features.find((f) => f.properties.id === baojiaHome.id);
    expect(home?.properties.status).toBe('监测户');
    expect(home?.type).toBe(1);
    // Only a point, its id, status, registry state and village: no name, 户编号 or number.
    expect(Object.keys(home?.properties ?? {}).sort()).toEqual(['id', 'state', 'status', 'village']);
    const [px, py] = project([baojiaHome.lon, baojiaHome.lat], baojiaHome.tile);
    expect(Math.abs((home?.points[0]?.[0] ?? -1) - px)).toBeLessThanOrEqual(1);
    expect(Math.abs((home?.points[0]?.[1] ?? -1) - py)).toBeLessThanOrEqual(1);

    const sanhe = await fetchTile(await loginAs('sanhe_cadre'), 'households', baojiaHome.tile);
    // Other tests of the worker may place more 三合社区 households here: only 三合社区's, and ours among them.
    expect(sanhe.features.map((f) => f.properties.id)).toContain(sanheNeighbour.id);
    expect(sanhe.features.map((f) => f.properties.id)).not.toContain(baojiaHome.id);
    expect(new Set(sanhe.features.map((f) => f.properties.village))).toEqual(new Set([SANHE]));
    const county = await fetchTile(await loginAs('qinglong_county'), 'households', baojiaHome.tile);
    expect(county.features.map((f) => f.properties.id)).toEqual(expect.arrayContaining([baojiaHome.id, sanheNeighbour.id]));
  });

  /** Households in the registry with a point, in a scope's WHERE fragment: what clusters count. */
  const registered = (where: ReturnType<typeof sql>) => sql<{ n: number; w: number; s: number; e: number; nn: number }>`
    select count(*)::int as n, min(ST_X(location)) as w, min(ST_Y(location)) as s, max(ST_X(location)) as e, max(ST_Y(location)) as nn
    from households where deleted_at is null and registry_state in ('在册', '待识别') and location is not null and ${where}`; // no GPS, no point
  /** The tiles of zoom z over a bounding box. */
  const tilesOver = (z: number, [w, s, e, n]: number[]) => {
    const [a, b] = [tileOf(w as number, n as number, z), tileOf(e as number, s as number, z)];
    const out: TileId[] = [];
    for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) out.push({ z, x, y });
    return out;
  };

  it('clusters households below zoom 14: counts per cell, each household in one tile, that add up to the households in scope', async () => {
    const { db } = await getTestDb();
    const county = await loginAs('qinglong_county');
    const cadre = await loginAs('baojia_cadre');
    const all = (await registered(sql`county_code = ${QINGLONG}`).execute(db)).rows[0];
    const own = (await registered(sql`village_code = ${BAOJIA}`).execute(db)).rows[0];
    expect(all?.n).toBeGreaterThan(0);
    for (const z of [8, 11, 13]) {
      const tiles = tilesOver(z, [all?.w, all?.s, all?.e, all?.nn] as number[]);
      let sum = 0;
      let sumOwn = 0;
      for (const t of tiles) {
        const { features } = await fetchTile(county, 'households', t);
        for (const f of features) {
          expect(Object.keys(f.properties).sort()).toEqual(['count', 'monitoring', 'poor']);
          expect(Number(f.properties.monitoring) + Number(f.properties.poor)).toBeLessThanOrEqual(Number(f.properties.count));
          // A cluster sits at its cell's mean position: inside the tile (0 … 4096).
          for (const [px, py] of f.points) expect(px >= 0 && px <= 4096 && py >= 0 && py <= 4096, `${z}/${t.x}/${t.y}: ${px},${py}`).toBe(true);
        }
        sum += features.reduce((acc, f) => acc + Number(f.properties.count), 0);
        // The cadre's clusters count their village only.
        sumOwn += (await fetchTile(cadre, 'households', t)).features.reduce((acc, f) => acc + Number(f.properties.count), 0);
      }
      expect(sum, `zoom ${z}`).toBe(all?.n);
      expect(sumOwn, `zoom ${z}`).toBe(own?.n);
    }
  });

  it('keeps the cluster counts equal to the households they count, through inserts, moves, status changes, deletions', async () => {
    const owner = await getOwnerDb();
    const recount = sql<{ diff: number }>`
      with want as (
        select l.level, h.village_code, floor((ST_X(h.location) + 180) * (2 ^ l.level) / 360)::int as cx,
          floor((ST_Y(h.location) + 90) * (2 ^ l.level) / 360)::int as cy, count(*)::int as households,
          count(*) filter (where h.status = '监测户')::int as monitoring, count(*) filter (where h.status = '未脱贫户')::int as poor,
          sum(ST_X(h.location)) as sum_x, sum(ST_Y(h.location)) as sum_y
        from households h cross join generate_series(13, 18) l(level)
        where h.deleted_at is null and h.registry_state in ('在册', '待识别') and h.location is not null
        group by 1, 2, 3, 4
      )
      select count(*)::int as diff from want w full join household_tile_cells c using (level, village_code, cx, cy)
      where w.households is distinct from c.households or w.monitoring is distinct from c.monitoring or w.poor is distinct from c.poor
        or abs(w.sum_x - c.sum_x) > 1e-6 or abs(w.sum_y - c.sum_y) > 1e-6 or w.households is null or c.households is null`;
    const diff = async () => (await recount.execute(owner)).rows[0]?.diff;
    expect(await diff()).toBe(0);
    const a = await newHousehold({ village: SANHE, head: '聚合甲' });
    const b = await newHousehold({ village: SANHE, head: '聚合乙' });
    expect(await diff()).toBe(0);
    // Both to one point (one cell at every level), in one statement.
    await sql`update households set location = ST_SetSRID(ST_MakePoint(${baojiaHome.lon + 0.3}, ${baojiaHome.lat - 0.2}), 4326) where id in (${a.id}, ${b.id})`.execute(
      owner,
    );
    expect(await diff()).toBe(0);
    await sql`update households set status = '监测户' where id = ${a.id}`.execute(owner);
    await sql`update households set location = ST_SetSRID(ST_MakePoint(${baojiaHome.lon - 0.25}, ${baojiaHome.lat + 0.1}), 4326) where id = ${b.id}`.execute(
      owner,
    );
    await sql`update households set head_name = '聚合乙改' where id = ${b.id}`.execute(owner);
    expect(await diff()).toBe(0);
    await sql`update households set registry_state = '清退' where id = ${a.id}`.execute(owner);
    expect(await diff()).toBe(0);
    await sql`update households set registry_state = '在册' where id = ${a.id}`.execute(owner);
    await sql`update households set deleted_at = now() where id = ${a.id}`.execute(owner);
    expect(await diff()).toBe(0);
    await sql`delete from members where household_id = ${b.id}`.execute(owner);
    await sql`delete from households where id = ${b.id}`.execute(owner);
    expect(await diff()).toBe(0);
    // No empty cell is kept.
    const empty = await sql<{ n: number }>`select count(*)::int as n from household_tile_cells where households <= 0`.execute(owner);
    expect(empty.rows[0]?.n).toBe(0);
  });

  it('draws located projects with their state for those who may read them, in their area only', async () => {
    const line = {
      type: 'LineString' as const,
      coordinates: [[baojiaHome.lon - 0.0005, baojiaHome.lat] as [number, number], [baojiaHome.lon + 0.0005, baojiaHome.lat + 0.0002] as [number, number]],
    };
    const p = await newProject({ villages: [BAOJIA], name: '瓦片测试通组路', geometry: line, atState: '乡镇审核' });
    const cadre = await loginAs('baojia_cadre');
    const { features } = await fetchTile(cadre, 'projects', baojiaHome.tile);
    const mine = features.find((f) => f.properties.id === p.id);
    expect(mine?.properties).toMatchObject({ name: '瓦片测试通组路', state: '乡镇审核', village: BAOJIA });
    expect(mine?.type).toBe(2); // line
    const other = await fetchTile(await loginAs('sanhe_cadre'), 'projects', baojiaHome.tile);
    expect(other.features.map((f) => f.properties.id)).not.toContain(p.id);
  });

  it('puts open findings at their household, scoped like the findings list', async () => {
    const owner = await getOwnerDb();
    const { rows } = await sql<{ id: string }>`
      insert into findings (county_code, rule, household_id, village_code, severity, evidence, evidence_text, evidence_hash)
      values (${QINGLONG}, 'TILE-TEST', ${baojiaHome.id}, ${BAOJIA}, 'risk', '{}'::jsonb, 'tile test', md5(random()::text))
      returning id::text as id`.execute(owner);
    const id = rows[0]?.id;
    const { features } = await fetchTile(await loginAs('baojia_cadre'), 'findings', baojiaHome.tile);
    const f = features.find((x) => x.properties.id === id);
    expect(f?.properties).toMatchObject({ rule: 'TILE-TEST', severity: 'risk', status: 'open', household: baojiaHome.id });
    const other = await fetchTile(await loginAs('sanhe_cadre'), 'findings', baojiaHome.tile);
    expect(other.features.map((x) => x.properties.id)).not.toContain(id);
  });
});

describe('the two tile engines', () => {
  const county = new Scope(QINGLONG, 'county_official');
  /** Tiles of every layer over a zoom sweep around 保家村. */
  const cases = (): [TileLayer, TileId][] =>
    TILE_LAYERS.flatMap((layer) => [7, 10, 12, 14, 16].map((z) => [layer, tileOf(baojiaHome.lon, baojiaHome.lat, z)] as [TileLayer, TileId]));

  it('agree with the rows of the feature query: same features, same properties, points where the rows put them', async () => {
    const { db } = await getTestDb();
    const engine = await engineOf(db);
    let points = 0;
    for (const [layer, t] of cases()) {
      const scope = layer === 'households' || layer === 'projects' || layer === 'findings' ? county : null;
      const rows = await q.rowsAsGeoJson(db, q.featureQuery(db, layer, tileQuery(t), scope));
      const features = decode(await makeTile(db, layer, t, scope, engine))[layer] ?? [];
      const label = `${layer} ${t.z}/${t.x}/${t.y} (${engine})`;
      expect(features.length, label).toBe(rows.length);
      expect(byKey(features).map(key), label).toEqual(
        [...rows]
          .map((r) => key({ type: 0, points: [], rings: [], properties: Object.fromEntries(Object.entries(r.properties).filter(([, v]) => v !== null)) }))
          .sort(),
      );
      for (const r of rows) {
        const g = JSON.parse(r.geometry) as { type: string; coordinates: [number, number] };
        if (g.type !== 'Point') continue;
        // Clusters may share their properties: the nearest feature with the row's properties.
        const [px, py] = project(g.coordinates, t);
        const k = key({ type: 0, points: [], rings: [], properties: r.properties });
        const off = Math.min(
          ...features.filter((x) => key(x) === k).map((x) => Math.max(Math.abs((x.points[0]?.[0] ?? NaN) - px), Math.abs((x.points[0]?.[1] ?? NaN) - py))),
        );
        expect(off, label).toBeLessThanOrEqual(1);
        points++;
      }
    }
    expect(points).toBeGreaterThan(20);
  });

  it('give the same features from ST_AsMVT and from JavaScript (JavaScript only where PostGIS cannot)', async () => {
    const { db } = await getTestDb();
    if ((await engineOf(db)) !== 'postgis') {
      // PGlite's PostGIS really cannot (the test above checks the JavaScript tiles against the rows there).
      await expect(
        sql`select ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(105, 25), 4326), 3857), ST_TileEnvelope(10, 810, 438))`.execute(db),
      ).rejects.toThrow(/protobuf/);
      return;
    }
    let compared = 0;
    for (const [layer, t] of cases()) {
      const scope = layer === 'households' || layer === 'projects' || layer === 'findings' ? county : null;
      const a = byKey(decode(await makeTile(db, layer, t, scope, 'postgis'))[layer] ?? []);
      const b = byKey(decode(await makeTile(db, layer, t, scope, 'javascript'))[layer] ?? []);
      const label = `${layer} ${t.z}/${t.x}/${t.y}`;
      expect(b.map(key), label).toEqual(a.map(key));
      for (const [i, fa] of a.entries()) {
        const fb = b[i] as Decoded;
        expect(fb.type, label).toBe(fa.type);
        if (fa.type === 1) {
          expect(Math.abs((fb.points[0]?.[0] ?? NaN) - (fa.points[0]?.[0] ?? NaN)), label).toBeLessThanOrEqual(1);
          expect(Math.abs((fb.points[0]?.[1] ?? NaN) - (fa.points[0]?.[1] ?? NaN)), label).toBeLessThanOrEqual(1);
        } else if (fa.type === 3) {
          // Clipped outlines: the same area within 1 % (the engines clip and snap alike, not
          // identically: where an outline runs along the buffer's edge one may split it in two).
          const area = (f: Decoded) => Math.abs(f.rings.reduce((sum, ring) => sum + shoelace(ring), 0));
          expect(Math.abs(area(fa) - area(fb)), label).toBeLessThanOrEqual(Math.max(0.01 * area(fa), 64));
        } else {
          expect(fb.points.length, label).toBe(fa.points.length);
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});

describe('the tile cache', () => {
  it('answers again from memory, with 304 for an unchanged ETag, and drops a tile when its data changes', async () => {
    const cadre = await loginAs('baojia_cadre');
    const first = await tileOver(cadre, 'households', baojiaHome.tile);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await tileOver(cadre, 'households', baojiaHome.tile);
    expect(again.headers.get('x-tile-cache')).toBe('hit');
    expect(Buffer.from(await again.arrayBuffer()).equals(Buffer.from(await first.arrayBuffer()))).toBe(true);
    expect((await tileOver(cadre, 'households', baojiaHome.tile, { 'If-None-Match': etag as string })).status).toBe(304);

    // The household's status changes (committed): the notice reaches the cache and the next tile is new.
    const owner = await getOwnerDb();
    await sql`update households set status = '脱贫户' where id = ${baojiaHome.id}`.execute(owner);
    let status: unknown;
    let res: Response | undefined;
    for (let i = 0; i < 50 && status !== '脱贫户'; i++) {
      res = await tileOver(cadre, 'households', baojiaHome.tile);
      status = decode(new Uint8Array(await res.arrayBuffer())).households?.find((f) => f.properties.id === baojiaHome.id)?.properties.status;
      if (status !== '脱贫户') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('脱贫户');
    expect(res?.headers.get('etag')).not.toBe(etag);
    expect((await tileOver(cadre, 'households', baojiaHome.tile, { 'If-None-Match': etag as string })).status).toBe(200);
    // A change to another layer's table leaves the household tile kept.
    await sql`update projects set name = name where false`.execute(owner);
    await new Promise((r) => setTimeout(r, 100));
    expect((await tileOver(cadre, 'households', baojiaHome.tile)).headers.get('x-tile-cache')).toBe('hit');
    await sql`update households set status = '监测户' where id = ${baojiaHome.id}`.execute(owner);
  });
});
