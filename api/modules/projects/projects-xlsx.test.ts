// Excel exports of the project library and the annual plan, read back with exceljs: zh-CN headers,
// one row per project in the caller's area (a project of another county never), budget by fund
// source and the ledger's figures; audited; bad input refused. And the 备案 accounts (prefecture,
// province): they read the projects and the ledger of their area and export them, and every write
// is refused (403) with nothing written.
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { getTestDb } from '../../test/db.ts';
import { type Agent, bodyOf, loginAs } from '../../test/http.ts';
import { BAOJIA, createProject, OTHER_TOWNSHIP_VILLAGE, SOURCE_A, SOURCE_B, SOURCE_C } from '../funds/test-projects.ts';
import { entry } from '../oversight/rules/test-helpers.ts';
import { demoName } from '../../test/factories.ts';

let db: Db;
let county: Agent;
let cadre: Agent;
let prefecture: Agent;
let province: Agent;
let otherCountyVillage: string;
const YEAR = 2031;
const tag = `导出${process.pid}`;

/** The sheet's rows as header → value. */
async function readSheet(res: Response, sheet: string) {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  const ws = wb.getWorksheet(sheet);
  if (!ws) throw new Error(`no sheet ${sheet}: ${wb.worksheets.map((w) => w.name).join(', ')}`);
  const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
  const rows: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, (row.values as unknown[])[i + 1] ?? null])));
  });
  return { header, rows, wb };
}

let road: { id: string };
let draft: { id: string };
let far: { id: string };
let foreign: { id: string };

beforeAll(async () => {
  db = (await getTestDb()).db;
  [county, cadre, prefecture, province] = await Promise.all([
    loginAs('qinglong_county'),
    loginAs('baojia_cadre'),
    loginAs('qianxinan_prefecture'),
    loginAs('guizhou_province'),
  ]);
  const v = await sql<{ code: string }>`select code from areas where level = 'village' and county_code = '522301' order by code limit 1`.execute(db);
  otherCountyVillage = v.rows[0]?.code as string;
  road = await createProject(db, { name: `${tag}保家村通组路`, planYear: YEAR, state: '实施', budget: { [SOURCE_A]: 10_000_000, [SOURCE_B]: 5_000_050 } });
  draft = await createProject(db, { name: `${tag}保家村草稿`, planYear: YEAR, state: '村申报', budget: { [SOURCE_A]: 100_000 } });
  far = await createProject(db, {
    name: `=${tag}外乡镇`,
    villages: [OTHER_TOWNSHIP_VILLAGE],
    planYear: YEAR,
    state: '公告公示',
    budget: { [SOURCE_C]: 300_000 },
  });
  foreign = await createProject(db, { name: `${tag}兴义市项目`, villages: [otherCountyVillage], planYear: YEAR, state: '实施', budget: { [SOURCE_A]: 1_000 } });
  await entry(db, road.id, '下达', 8_000_000, '2031-03-01');
  await entry(db, road.id, '拨付', 6_000_000, '2031-03-02');
  await entry(db, road.id, '报账', 2_000_000, '2031-03-03');
});

describe('the project library export (GET /api/projects/export.xlsx)', () => {
  it('holds the filtered projects of the area with zh-CN headers, villages, budget by source and the ledger’s figures; audited', async () => {
    const { header, rows } = await readSheet(await county.api.projects['export.xlsx'].$get({ query: { year: String(YEAR) } }), '项目库');
    expect(header.slice(0, 9)).toEqual(['项目名称', '项目类别', '项目类型', '计划年度', '项目状态', '涉及村', '涉及村代码', '实施单位', '预算合计（元）']);
    expect(header).toContain(`预算·${SOURCE_A}（元）`);
    expect(header.slice(-5)).toEqual(['已下达（元）', '已拨付（元）', '已支出（元）', '资金支出进度', '项目编号']);
    const mine = rows.filter((r) => String(r['项目名称']).includes(tag));
    // The county's three, never the other county's.
    expect(mine.map((r) => r['项目编号']).sort()).toEqual([road.id, draft.id, far.id].sort());
    const r = mine.find((x) => x['项目编号'] === road.id) as Record<string, unknown>;
    expect(r).toMatchObject({
      项目类别: '基础设施',
      项目类型: '农村道路',
      计划年度: YEAR,
      项目状态: '实施',
      涉及村: '保家村',
      涉及村代码: BAOJIA,
      '预算合计（元）': 150_000.5,
      [`预算·${SOURCE_A}（元）`]: 100_000,
      [`预算·${SOURCE_B}（元）`]: 50_000.5,
      [`预算·${SOURCE_C}（元）`]: 0,
      '已下达（元）': 80_000,
      '已拨付（元）': 60_000,
      '已支出（元）': 20_000,
      资金支出进度: 0.25,
    });
    // Text a spreadsheet would run as a formula is made inert.
    expect(mine.find((x) => x['项目编号'] === far.id)?.['项目名称']).toBe(`'=${tag}外乡镇`);
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor_name', 'area_code'])
      .where('action', '=', 'export.projects_xlsx')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_name: demoName('qinglong_county'), area_code: '522324' });
  });

  it('applies the list’s filters and the caller’s scope; refuses a bad filter and a village outside the area', async () => {
    const byState = await readSheet(await county.api.projects['export.xlsx'].$get({ query: { year: String(YEAR), state: '村申报' } }), '项目库');
    expect(byState.rows.filter((r) => String(r['项目名称']).includes(tag)).map((r) => r['项目编号'])).toEqual([draft.id]);
    const village = await readSheet(await cadre.api.projects['export.xlsx'].$get({ query: { year: String(YEAR) } }), '项目库');
    expect(
      village.rows
        .filter((r) => String(r['项目名称']).includes(tag))
        .map((r) => r['项目编号'])
        .sort(),
    ).toEqual([road.id, draft.id].sort());
    expect((await county.get('/api/projects/export.xlsx?state=修路')).status).toBe(400);
    expect((await county.get('/api/projects/export.xlsx?limit=5')).status).toBe(400);
    expect((await cadre.get(`/api/projects/export.xlsx?village=${OTHER_TOWNSHIP_VILLAGE}`)).status).toBe(403);
  });
});

describe('the annual plan export (GET /api/projects/plan.xlsx)', () => {
  it('holds the approved projects of the year and the plan by fund source, matching GET /api/projects/plan', async () => {
    const { rows, wb } = await readSheet(await county.api.projects['plan.xlsx'].$get({ query: { year: String(YEAR) } }), `${YEAR}年度项目计划`);
    const plan = await bodyOf(await county.api.projects.plan.$get({ query: { year: String(YEAR) } }), 200);
    expect(rows.map((r) => r['项目编号'])).toEqual(plan.projects.map((p) => p.id));
    const ids = rows.map((r) => r['项目编号']);
    expect(ids).toContain(road.id);
    expect(ids).toContain(far.id);
    expect(ids).not.toContain(draft.id); // not approved
    expect(ids).not.toContain(foreign.id); // another county
    const bySource = wb.getWorksheet('按资金来源');
    const summary: unknown[][] = [];
    bySource?.eachRow((row, n) => {
      if (n > 1) summary.push((row.values as unknown[]).slice(1));
    });
    expect(summary.at(-1)).toEqual(['合计', plan.projects.length, plan.totalFen / 100]);
    expect(summary.slice(0, -1)).toEqual(plan.bySource.map((s) => [s.source, s.projects, s.amountFen / 100]));
    expect((await county.get('/api/projects/plan.xlsx?year=1999')).status).toBe(400);
    expect((await county.get('/api/projects/plan.xlsx')).status).toBe(400);
  });
});

describe('备案: the prefecture and province accounts', () => {
  it('see the projects and money of 晴隆县 and of the other counties, and export them', async () => {
    const list = await bodyOf(await prefecture.api.projects.$get({ query: { year: String(YEAR), limit: '500' } }), 200);
    const ids = list.items.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining([road.id, draft.id, far.id, foreign.id]));
    const one = await bodyOf(await prefecture.api.projects[':id'].$get({ param: { id: road.id } }), 200);
    expect(one.funds.totals.allocatedFen).toBe(8_000_000);
    expect(one.allowedActions).toEqual([]);
    expect((await prefecture.get(`/api/funds/entries?project=${road.id}`)).status).toBe(200);
    const { rows } = await readSheet(await prefecture.api.projects['export.xlsx'].$get({ query: { year: String(YEAR) } }), '项目库');
    expect(rows.map((r) => r['项目编号'])).toEqual(expect.arrayContaining([road.id, foreign.id]));
    await readSheet(await province.api.projects['plan.xlsx'].$get({ query: { year: String(YEAR) } }), `${YEAR}年度项目计划`);
    expect((await prefecture.get(`/api/funds/entries.xlsx?project=${road.id}`)).status).toBe(200);
  });

  it('are refused every write with nothing written', async () => {
    const count = async () =>
      (
        await sql<{ n: string }>`select (select count(*) from projects)::text || '/' || (select count(*) from project_steps)::text || '/' ||
          (select count(*) from ledger_entries)::text || '/' || (select count(*) from project_comments)::text || '/' ||
          (select count(*) from oversight_alerts)::text as n`.execute(db)
      ).rows[0]?.n;
    const before = await count();
    for (const a of [prefecture, province]) {
      // One at a time: a refused write is audited on the account's chain (access.denied).
      const writes = [
        () => a.post('/api/projects', { name: '州里建的项目', type: '农村道路', planYear: YEAR, villages: [BAOJIA] }),
        () => a.post(`/api/projects/${draft.id}/steps`, { action: 'submit' }),
        () => a.post(`/api/projects/${road.id}/steps`, { action: 'progress', note: '进度' }),
        () => a.post('/api/funds/entries', { projectId: road.id, kind: '下达', source: SOURCE_A, amount: '1.00', bookedOn: '2031-03-05' }),
        () => a.post(`/api/oversight/projects/${road.id}/comments`, { text: '州里意见' }),
        () => a.post('/api/oversight/alerts', { projectId: road.id, text: '州里预警' }),
        () => a.post('/api/oversight/runs', { countyCode: '522324' }),
        () => a.post('/api/registry/imports', {}),
        () => a.post('/api/crosscheck/runs', { asOf: '2031-01-01' }),
      ];
      for (const w of writes) {
        const res = await w();
        expect(res.status, res.url).toBe(403);
      }
      expect((await a.get('/api/oversight/alerts')).status).toBe(403);
      expect((await a.get('/api/accounts')).status).toBe(403);
    }
    expect(await count()).toBe(before);
  });
});
