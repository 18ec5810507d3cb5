// The projects map layer (GET /api/projects/features) against a real database (both backends): a
// GeoJSON FeatureCollection of the located projects in the caller's area — scoped exactly as the
// list (a cadre of another village sees none of them), filtered by year and state, carrying the
// amounts from the budget and the ledger and nothing personal.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { bodyOf, loginAs } from '../../test/http.ts';
import { getTestDb } from '../../test/db.ts';
import { newProject, roleCtx } from '../../test/factories.ts';
import { postEntry } from '../funds/funds.ts';
import { listProjects, projectFeatures } from './projects.ts';

const BAOJIA = '522324101209'; // 沙子镇保家村 (baojia_cadre)
const SOURCE = '中央财政衔接推进乡村振兴补助资金';
let db: Db;
let road: { id: string };
let field: { id: string };
let unplaced: { id: string };
let line: { type: 'LineString'; coordinates: [number, number][] };

async function pointOf(village: string): Promise<[number, number]> {
  const r = await sql<{ p: string }>`select ST_AsGeoJSON(ST_PointOnSurface(geom), 7) as p from areas where code = ${village}`.execute(db);
  return (JSON.parse(r.rows[0]?.p as string) as { coordinates: [number, number] }).coordinates;
}

beforeAll(async () => {
  db = (await getTestDb()).db;
  // Six decimals (~0.1 m): what the layer carries.
  const [x, y] = (await pointOf(BAOJIA)).map((c) => Math.round(c * 1e6) / 1e6) as [number, number];
  line = {
    type: 'LineString',
    coordinates: [
      [x, y],
      [Math.round((x + 0.001) * 1e6) / 1e6, Math.round((y + 0.0005) * 1e6) / 1e6],
    ],
  };
  road = await newProject({ name: '地图图层测试·通组路', geometry: line, planYear: 2031, atState: '公告公示' });
  const d = 0.0004;
  const square: [number, number][] = [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ];
  field = await newProject({ name: '地图图层测试·茶园', type: '种植业', geometry: { type: 'Polygon', coordinates: [square] }, planYear: 2031 });
  unplaced = await newProject({ name: '地图图层测试·无位置', planYear: 2031 });
  await postEntry(roleCtx(db, BAOJIA, 'county_official'), { projectId: road.id, kind: '下达', source: SOURCE, amountFen: 3_000_000, bookedOn: '2026-01-15' });
});

describe('the projects map layer', () => {
  it('returns the located projects of the area as GeoJSON with state, plan year and amounts, nothing personal', async () => {
    const agent = await loginAs('baojia_cadre');
    const fc = await bodyOf(await agent.api.projects.features.$get({ query: { year: '2031' } }), 200);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.truncated).toBe(false);
    const ids = fc.features.map((f) => f.id);
    expect(ids).toContain(road.id);
    expect(ids).toContain(field.id);
    // No geometry, no feature.
    expect(ids).not.toContain(unplaced.id);
    const r = fc.features.find((f) => f.id === road.id);
    expect(r?.type).toBe('Feature');
    expect(r?.geometry).toEqual(line);
    expect(r?.properties).toEqual({
      id: road.id,
      name: '地图图层测试·通组路',
      type: '农村道路',
      category: '基础设施',
      state: '公告公示',
      planYear: 2031,
      villageCode: BAOJIA,
      budgetFen: 10_000_000,
      allocatedFen: 3_000_000,
      spentFen: 0,
    });
    expect(fc.features.find((f) => f.id === field.id)?.geometry.type).toBe('Polygon');
    // Only what a map tip needs: no person in charge, creator or beneficiary.
    expect(JSON.stringify(fc)).not.toMatch(/createdBy|personInCharge|beneficiar|headName/);
  });

  it('filters by state and plan year like the list, and refuses a bad filter naming it', async () => {
    const agent = await loginAs('qinglong_county');
    const notice = await bodyOf(await agent.api.projects.features.$get({ query: { year: '2031', state: '公告公示' } }), 200);
    expect(notice.features.map((f) => f.id)).toContain(road.id);
    expect(notice.features.map((f) => f.id)).not.toContain(field.id);
    expect(notice.features.every((f) => f.properties.state === '公告公示' && f.properties.planYear === 2031)).toBe(true);
    const otherYear = await bodyOf(await agent.api.projects.features.$get({ query: { year: '2032' } }), 200);
    expect(otherYear.features.map((f) => f.id)).not.toContain(road.id);
    const bad = await bodyOf(await agent.api.projects.features.$get({ query: { state: '开工' as '实施' } }), 400);
    expect(bad.error.fields?.[0]?.path).toBe('state');
  });

  it('is scoped as the list is: a cadre of another village sees none of them, a village outside the area is 403', async () => {
    const sanhe = roleCtx(db, '522324101002', 'village_cadre');
    const fc = await projectFeatures(sanhe, { year: 2031 });
    const ids = fc.features.map((f) => f.id);
    expect(ids).not.toContain(road.id);
    expect(ids).not.toContain(field.id);
    // The same set as the list's (the one scoped query), less the projects without a place.
    const listed = await listProjects(sanhe, { year: 2031, limit: 500 });
    expect(ids.every((id) => listed.items.some((p) => p.id === id))).toBe(true);
    const agent = await loginAs('sanhe_cadre');
    expect((await agent.api.projects.features.$get({ query: { village: BAOJIA } })).status).toBe(403);
    // The township sees its village's projects.
    const township = await projectFeatures(roleCtx(db, BAOJIA, 'township_officer'), { year: 2031 });
    expect(township.features.map((f) => f.id)).toEqual(expect.arrayContaining([road.id, field.id]));
  });
});
