// The spatial QA report (空间质检) against a real database (both backends): each check finds the
// bad cases the test makes — a household moved out of its village, two households on one point, a
// project whose geometry left its villages (entirely, partly), a village whose boundary is missing —
// and leaves the good ones out; a village cadre sees only its village's items; no personal data;
// GET /api/areas/qa through the typed client; `dripline areas qa` as a child process.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { cloneTemplate, dripline } from '../../test/cli.ts';
import { testCtx } from '../../test/context.ts';
import { getTestDb } from '../../test/db.ts';
import { newHousehold, newProject, roleCtx } from '../../test/factories.ts';
import { type Agent, anonymous, bodyOf, loginAs } from '../../test/http.ts';
import { Scope } from '../auth/scope.ts';
import { updateHousehold } from '../households/households.ts';
import { formatReport, parseQaArgs } from './cli.ts';
import { type QaReportOutput, spatialQa } from './qa.ts';

const QINGLONG = '522324'; // 晴隆县 — qinglong_county
const SHAZI = '522324101'; // 沙子镇
const BAOJIA = '522324101209'; // 保家村 — baojia_cadre
const SANHE = '522324101002'; // 三合社区
const OTHER_TOWNSHIP = '522324106204';

type LonLat = [number, number];
let db: Db;
let baojiaPoint: LonLat;
let sanhePoint: LonLat;
let farPoint: LonLat;
// Unique per run: every test worker shares its database between files.
const HEAD = `质检户主${process.pid}`;
const jitter = (process.pid % 1000) * 1e-7;

const ids = {} as Record<'inside' | 'outside' | 'dupA' | 'dupB' | 'sanheOutside' | 'sanheDupA' | 'sanheDupB', string>;
const nos = {} as Record<keyof typeof ids, string>;
const projects = {} as Record<'inside' | 'entirely' | 'partly' | 'sanhe', string>;

async function pointOf(village: string): Promise<LonLat> {
  const r = await sql<{ p: string }>`select ST_AsGeoJSON(ST_PointOnSurface(geom), 7) as p from areas where code = ${village}`.execute(db);
  return (JSON.parse(r.rows[0]?.p as string) as { coordinates: LonLat }).coordinates;
}

/** A household of `village` whose GPS point is set through the card's edit (the village cadre of its village). */
async function householdAt(key: keyof typeof ids, village: string, at: LonLat) {
  const h = await newHousehold({ village, head: HEAD, members: 1 });
  const { version } = await db.selectFrom('households').select('version').where('id', '=', h.id).executeTakeFirstOrThrow();
  await updateHousehold(roleCtx(db, village, 'village_cadre'), h.id, { version, location: { lon: at[0], lat: at[1], accuracyM: 5 } });
  ids[key] = h.id;
  nos[key] = h.householdNo;
}

/**
 * A project's geometry moved behind the domain's back: what a boundary reload or a geometry from
 * before the rule leaves (the domain refuses to save one outside its villages).
 */
const moveProject = (id: string, geojson: object) =>
  sql`update projects set geom = ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geojson)}), 4326) where id = ${id}`.execute(db);

const add = (p: LonLat, d: number): LonLat => [p[0] + d, p[1] + d];

beforeAll(async () => {
  db = (await getTestDb()).db;
  [baojiaPoint, sanhePoint, farPoint] = await Promise.all([pointOf(BAOJIA), pointOf(SANHE), pointOf(OTHER_TOWNSHIP)]);
  const shared = add(baojiaPoint, 2e-5 + jitter);
  await householdAt('inside', BAOJIA, add(baojiaPoint, 1e-5 + jitter));
  await householdAt('outside', BAOJIA, add(sanhePoint, jitter)); // 保家村's house on 三合社区's land
  await householdAt('dupA', BAOJIA, shared);
  await householdAt('dupB', BAOJIA, shared);
  await householdAt('sanheOutside', SANHE, add(baojiaPoint, 3e-5 + jitter));
  await householdAt('sanheDupA', SANHE, add(sanhePoint, 4e-5 + jitter));
  await householdAt('sanheDupB', SANHE, add(sanhePoint, 4e-5 + jitter));

  const point = (p: LonLat) => ({ type: 'Point' as const, coordinates: p });
  projects.inside = (await newProject({ villages: [BAOJIA], geometry: point(baojiaPoint) })).id;
  projects.entirely = (await newProject({ villages: [BAOJIA], geometry: point(baojiaPoint) })).id;
  await moveProject(projects.entirely, point(farPoint));
  projects.partly = (await newProject({ villages: [BAOJIA], geometry: point(baojiaPoint) })).id;
  await moveProject(projects.partly, { type: 'LineString', coordinates: [baojiaPoint, farPoint] });
  projects.sanhe = (await newProject({ villages: [SANHE], geometry: point(sanhePoint) })).id;
  await moveProject(projects.sanhe, point(farPoint));
});

const householdIds = (r: QaReportOutput) => r.householdsOutsideVillage.items.map((i) => i.householdId);
const sharedGroups = (r: QaReportOutput) => r.sharedPoints.items.map((g) => g.households.map((h) => h.householdId).sort());
const projectIds = (r: QaReportOutput) => r.projectsOutsideVillages.items.map((p) => p.projectId);

describe('spatial QA checks', () => {
  it('finds what the county has wrong, with what each fix needs, and leaves the rest out', async () => {
    const r = await spatialQa(roleCtx(db, BAOJIA, 'county_official'));
    expect(r.area).toEqual({ code: QINGLONG, name: '晴隆县', level: 'county' });

    // 1. households outside their village: ours, with the village holding the point
    const outside = r.householdsOutsideVillage.items.find((i) => i.householdId === ids.outside);
    expect(outside).toMatchObject({ householdNo: nos.outside, villageCode: BAOJIA, villageName: '保家村', foundInVillageCode: SANHE });
    expect(outside?.distanceM).toBeGreaterThan(0);
    expect(r.householdsOutsideVillage.items.find((i) => i.householdId === ids.sanheOutside)).toMatchObject({ villageCode: SANHE, foundInVillageCode: BAOJIA });
    for (const good of [ids.inside, ids.dupA, ids.dupB, ids.sanheDupA]) expect(householdIds(r)).not.toContain(good);
    expect(r.householdsOutsideVillage.total).toBeGreaterThanOrEqual(r.householdsOutsideVillage.items.length);
    // farthest first
    const d = r.householdsOutsideVillage.items.map((i) => i.distanceM);
    expect(d).toEqual([...d].sort((a, b) => b - a));

    // 2. shared points: both pairs, each a group of exactly two at its point
    expect(sharedGroups(r)).toContainEqual([ids.dupA, ids.dupB].sort());
    expect(sharedGroups(r)).toContainEqual([ids.sanheDupA, ids.sanheDupB].sort());
    const pair = r.sharedPoints.items.find((g) => g.households.some((h) => h.householdId === ids.dupA));
    expect(pair).toMatchObject({ count: 2 });
    expect(pair?.households.map((h) => h.householdNo).sort()).toEqual([nos.dupA, nos.dupB].sort());
    expect(pair?.households.every((h) => h.villageCode === BAOJIA)).toBe(true);
    expect(pair?.lon).toBeCloseTo(baojiaPoint[0] + 2e-5 + jitter, 6);
    for (const g of r.sharedPoints.items) expect(g.count).toBeGreaterThanOrEqual(2);

    // 3. projects outside their villages: entirely, partly; not the one inside
    const entirely = r.projectsOutsideVillages.items.find((p) => p.projectId === projects.entirely);
    expect(entirely).toMatchObject({ villageCode: BAOJIA, villageCodes: [BAOJIA], entirelyOutside: true, state: '村申报' });
    expect(r.projectsOutsideVillages.items.find((p) => p.projectId === projects.partly)).toMatchObject({ entirelyOutside: false });
    expect(projectIds(r)).toContain(projects.sanhe);
    expect(projectIds(r)).not.toContain(projects.inside);
    expect(r.projectToleranceM).toBe(50);

    // 4. every seeded village has its (synthetic) boundary
    expect(r.villagesWithoutBoundary.items.filter((v) => v.code.startsWith(QINGLONG))).toEqual([]);
  });

  it('reports a village whose boundary is missing, and its households no longer as outside it', async () => {
    // In a transaction rolled back at the end: other test files of this worker count the areas.
    const rollback = new Error('rollback');
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`update areas set geom = null where code = ${SANHE}`.execute(trx);
        const county = await spatialQa(testCtx(trx, new Scope(QINGLONG, 'county_official')));
        const village = county.villagesWithoutBoundary.items.find((v) => v.code === SANHE);
        expect(village).toMatchObject({ name: '三合社区', parentCode: SHAZI });
        expect(village?.householdCount).toBeGreaterThanOrEqual(3);
        expect(county.villagesWithoutBoundary.total).toBeGreaterThanOrEqual(1);
        expect(householdIds(county)).not.toContain(ids.sanheOutside);
        // 保家村's household on 三合社区's land: still outside 保家村, now in no village
        expect(county.householdsOutsideVillage.items.find((i) => i.householdId === ids.outside)?.foundInVillageCode).toBeNull();
        // a project none of whose villages has a boundary is this check's, not the projects'
        expect(projectIds(county)).not.toContain(projects.sanhe);
        const baojia = await spatialQa(testCtx(trx, new Scope(BAOJIA, 'village_cadre')));
        expect(baojia.villagesWithoutBoundary).toEqual({ total: 0, truncated: false, items: [] });
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    const after = await db
      .selectFrom('areas')
      .select(sql<boolean>`geom is not null`.as('has'))
      .where('code', '=', SANHE)
      .executeTakeFirstOrThrow();
    expect(after.has).toBe(true);
  });

  it('caps each list at the limit and says how many there are', async () => {
    const r = await spatialQa(roleCtx(db, BAOJIA, 'county_official'), { limit: 1 });
    expect(r.limit).toBe(1);
    for (const c of [r.householdsOutsideVillage, r.sharedPoints, r.projectsOutsideVillages]) {
      expect(c.items).toHaveLength(1);
      expect(c.total).toBeGreaterThanOrEqual(2);
      expect(c.truncated).toBe(true);
    }
  });
});

describe('GET /api/areas/qa', () => {
  let village: Agent;
  let county: Agent;
  beforeAll(async () => {
    [village, county] = await Promise.all([loginAs('baojia_cadre'), loginAs('qinglong_county')]);
  });

  it('gives a village cadre its village’s items only', async () => {
    const r = await bodyOf(await village.api.areas.qa.$get({ query: {} }), 200);
    expect(r.area).toMatchObject({ code: BAOJIA, level: 'village' });
    expect(householdIds(r)).toContain(ids.outside);
    expect(householdIds(r)).not.toContain(ids.sanheOutside);
    expect(r.householdsOutsideVillage.items.every((i) => i.villageCode === BAOJIA)).toBe(true);
    expect(sharedGroups(r)).toContainEqual([ids.dupA, ids.dupB].sort());
    expect(sharedGroups(r)).not.toContainEqual([ids.sanheDupA, ids.sanheDupB].sort());
    expect(r.sharedPoints.items.every((g) => g.households.every((h) => h.villageCode === BAOJIA))).toBe(true);
    expect(projectIds(r)).toEqual(expect.arrayContaining([projects.entirely, projects.partly]));
    expect(projectIds(r)).not.toContain(projects.sanhe);
    expect(r.projectsOutsideVillages.items.every((p) => p.villageCode === BAOJIA)).toBe(true);

    // the township above: its part in the cadre's scope, still the village's items only
    const above = await bodyOf(await village.api.areas.qa.$get({ query: { area: SHAZI } }), 200);
    expect(above.area).toMatchObject({ code: SHAZI, name: '沙子镇' });
    expect(householdIds(above)).toEqual(householdIds(r));
    // a village beside it: 403
    expect((await village.api.areas.qa.$get({ query: { area: SANHE } })).status).toBe(403);
  });

  it('gives the county its villages’ items, and refuses bad input', async () => {
    const r = await bodyOf(await county.api.areas.qa.$get({ query: { area: SHAZI, limit: '500' } }), 200);
    expect(householdIds(r)).toEqual(expect.arrayContaining([ids.outside, ids.sanheOutside]));
    expect(projectIds(r)).toEqual(expect.arrayContaining([projects.entirely, projects.partly, projects.sanhe]));
    expect(r.householdsOutsideVillage.items.every((i) => i.villageCode.startsWith(SHAZI))).toBe(true);

    expect((await county.get('/api/areas/qa?area=52232')).status).toBe(400);
    expect((await county.get('/api/areas/qa?limit=0')).status).toBe(400);
    expect((await county.get('/api/areas/qa?area=522324101999')).status).toBe(404);
    expect((await (await anonymous()).get('/api/areas/qa')).status).toBe(401);
  });

  it('carries no personal data: no names, ID numbers or phones', async () => {
    const text = await (await county.get('/api/areas/qa')).text();
    expect(text).not.toContain(HEAD);
    expect(text).not.toContain('测试户主');
    expect(text).not.toMatch(/(?<!\d)\d{17}[\dX](?![\dX])/); // ID numbers
    expect(text).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/); // mobile numbers
    expect(text).toContain(nos.outside); // 户编号, as every list shows it
  });
});

describe('dripline areas qa', { timeout: 300_000 }, () => {
  let target: Awaited<ReturnType<typeof cloneTemplate>>;
  let moved = '';
  let villageOfMoved = '';
  beforeAll(async () => {
    target = await cloneTemplate('qacli');
    const h = await target.open();
    try {
      // a seeded household of the county moved onto another township's land, in the clone only
      const row = await h.db
        .selectFrom('households')
        .select(['id', 'household_no', 'village_code'])
        .where('county_code', '=', QINGLONG)
        .where('village_code', 'not like', '522324106%')
        .orderBy('household_no')
        .executeTakeFirstOrThrow();
      moved = row.household_no;
      villageOfMoved = row.village_code;
      await sql`update households set location = ST_SetSRID(ST_MakePoint(${farPoint[0]}, ${farPoint[1]}), 4326) where id = ${row.id}`.execute(h.db);
    } finally {
      await h.close();
    }
  });
  afterAll(async () => {
    await target?.drop();
  });

  it('prints counts and items, or the report as JSON, and refuses bad arguments', async () => {
    const text = await dripline(['areas', 'qa', '--area', villageOfMoved], target.env);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Spatial QA \\(空间质检\\) of ${villageOfMoved} `));
    expect(text.stdout).toMatch(/Households outside their village \(户点位不在本村界内\): [1-9]\d*/);
    expect(text.stdout).toContain(moved);
    expect(text.stdout).toMatch(/Villages without a boundary \(村界缺失\): 0/);

    const json = await dripline(['areas', 'qa', '--area', villageOfMoved, '--json', '--limit', '5'], target.env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as QaReportOutput;
    expect(report).toMatchObject({ area: { code: villageOfMoved, level: 'village' }, limit: 5 });
    expect(report.householdsOutsideVillage.items.map((i) => i.householdNo)).toContain(moved);

    for (const args of [
      ['areas', 'qa', '--area', '52232'],
      ['areas', 'qa', '--limit', 'all'],
      ['areas', 'qa', '--colour'],
    ]) {
      const r = await dripline(args, target.env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/--area|--limit|colour/);
    }
    const missing = await dripline(['areas', 'qa', '--area', '522324101999'], target.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No area with code 522324101999/);
  });

  it('parses its arguments and formats an empty report', () => {
    expect(parseQaArgs([])).toEqual({ json: false });
    expect(parseQaArgs(['--area', BAOJIA, '--json', '--limit', '20'])).toEqual({ area: BAOJIA, limit: 20, json: true });
    const empty = { total: 0, truncated: false, items: [] };
    const text = formatReport({
      area: null,
      limit: 500,
      projectToleranceM: 50,
      householdsOutsideVillage: empty,
      sharedPoints: empty,
      projectsOutsideVillages: empty,
      villagesWithoutBoundary: empty,
    });
    expect(text).toContain('of every area');
    expect(text.match(/: 0$/gm)).toHaveLength(4);
  });
});
