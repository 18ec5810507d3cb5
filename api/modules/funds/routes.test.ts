// /api/funds through the typed client, as the demo accounts (both backends): recording entries in
// yuan, every kind of bad input refused naming the field with nothing written, reversals, who may
// record and read (funds.allocate / funds.spend / funds.read) and where (scope: a village
// supervisor reads its own village's projects), the ledger list's filters and paging, the Excel
// export read back, balances with 资金支出进度 and a village's figures.
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { getTestDb } from '../../test/db.ts';
import { createHousehold } from '../../test/factories.ts';
import { type Agent, anonymous, bodyOf, loginAs } from '../../test/http.ts';
import { exportLedger } from './ledger-xlsx.ts';
import { BAOJIA, createProject, ctxAs, OTHER_TOWNSHIP_VILLAGE, SANHE, SOURCE_A, SOURCE_B } from './test-projects.ts';
import { demoName } from '../../test/factories.ts';

let db: Db;
let county: Agent;
let township: Agent;
let cadre: Agent;
let inspector: Agent;
let supervisor: Agent;
let household: string;

/** Entries and audit entries of the project: what "nothing written" compares. */
async function written(projectId: string) {
  const e = await db
    .selectFrom('ledger_entries')
    .select(sql<number>`count(*)`.as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  const a = await db
    .selectFrom('audit_log')
    .select(sql<number>`count(*)`.as('n'))
    .where('subject_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return { entries: Number(e.n), audit: Number(a.n) };
}

type Body = { error: { code: string; fields?: { path: string; code: string; message: string }[] } };
async function refusal(res: Response, status: number): Promise<Body['error']> {
  expect(res.status, await res.clone().text()).toBe(status);
  return ((await res.json()) as Body).error;
}

const entry = (projectId: string, o: Record<string, unknown>) => ({ projectId, source: SOURCE_A, bookedOn: '2026-03-01', amountYuan: '1000', ...o });

beforeAll(async () => {
  db = (await getTestDb()).db;
  county = await loginAs('qinglong_county', { ip: '10.15.1.1' });
  township = await loginAs('shazi_township', { ip: '10.15.1.2' });
  cadre = await loginAs('baojia_cadre', { ip: '10.15.1.3' });
  inspector = await loginAs('qinglong_inspector', { ip: '10.15.1.4' });
  supervisor = await loginAs('baojia_supervisor', { ip: '10.15.1.5' });
  household = (await createHousehold({ village: BAOJIA, head: '王小明' })).id;
});

describe('recording entries', () => {
  it('records 下达 → 拨付 → 报账 → 到户 typed in yuan, and the list, balances and progress follow', async () => {
    const p = await createProject(db, { name: '保家村产业路', beneficiaries: [{ householdId: household, mechanism: '务工' }] });
    const a = await bodyOf(
      await county.api.funds.entries.$post({
        json: { projectId: p.id, kind: '下达', source: SOURCE_A, amountYuan: '1000.50', bookedOn: '2026-02-01', documentNo: '黔财农〔2026〕12号' },
      }),
      201,
    );
    expect(a).toMatchObject({
      kind: '下达',
      amountFen: 100_050,
      deltaFen: 100_050,
      documentNo: '黔财农〔2026〕12号',
      createdBy: { name: demoName('qinglong_county') },
    });
    await bodyOf(
      await county.api.funds.entries.$post({
        json: { projectId: p.id, kind: '拨付', source: SOURCE_A, amountYuan: '800', bookedOn: '2026-02-10', payee: '沙子镇财政所' },
      }),
      201,
    );
    await bodyOf(
      await township.api.funds.entries.$post({
        json: { projectId: p.id, kind: '报账', source: SOURCE_A, amountYuan: '300', bookedOn: '2026-03-01', voucherNo: '记-0031' },
      }),
      201,
    );
    const paid = await bodyOf(
      await township.api.funds.entries.$post({
        json: { projectId: p.id, kind: '到户', source: SOURCE_A, amountYuan: '200.05', bookedOn: '2026-03-05', householdId: household },
      }),
      201,
    );
    expect(paid).toMatchObject({ amountFen: 20_005, householdId: household, createdBy: { role: 'township_officer' } });

    const list = await bodyOf(await county.api.funds.entries.$get({ query: { project: p.id } }), 200);
    expect(list.total).toBe(4);
    expect(list.items.map((e) => e.kind)).toEqual(['到户', '报账', '拨付', '下达']);
    expect(list.items[0]).toMatchObject({ projectName: '保家村产业路', villageCode: BAOJIA, householdName: '王小明' });

    const bal = await bodyOf(await county.api.funds.balances.$get({ query: { by: 'project', project: p.id } }), 200);
    expect(bal.by).toEqual(['project']);
    expect(bal.items).toEqual([
      {
        projectId: p.id,
        projectName: '保家村产业路',
        allocatedFen: 100_050,
        disbursedFen: 80_000,
        reimbursedFen: 30_000,
        householdPaidFen: 20_005,
        spentFen: 50_005,
        undisbursedFen: 20_050,
        unspentFen: 29_995,
        progress: 0.4998,
        entries: 4,
      },
    ]);
  });

  it('refuses bad input with 400 naming the field (amount decimals, ≤ 0, unknown source or kind, missing voucher) and writes nothing', async () => {
    const p = await createProject(db);
    const before = await written(p.id);
    const field = async (body: Record<string, unknown>, path: string, status = 400) => {
      const e = await refusal(await county.post('/api/funds/entries', body), status);
      expect(
        e.fields?.map((f) => f.path),
        JSON.stringify(e),
      ).toContain(path);
      return e;
    };
    expect((await field(entry(p.id, { kind: '下达', amountYuan: '12.345' }), 'amountYuan')).fields?.[0]?.code).toBe('funds.amountDecimals');
    expect((await field(entry(p.id, { kind: '下达', amountYuan: '0' }), 'amountYuan')).fields?.[0]?.code).toBe('funds.amountPositive');
    expect((await field(entry(p.id, { kind: '下达', amountYuan: '0.00' }), 'amountYuan')).fields?.[0]?.code).toBe('funds.amountPositive');
    expect((await field(entry(p.id, { kind: '下达', amountYuan: '-5' }), 'amountYuan')).fields?.[0]?.code).toBe('funds.amountPositive');
    await field(entry(p.id, { kind: '下达', amountYuan: '1,000' }), 'amountYuan');
    await field(entry(p.id, { kind: '下达', amountYuan: 1000 }), 'amountYuan');
    await field(entry(p.id, { kind: '下达', source: '外星资金' }), 'source');
    await field(entry(p.id, { kind: '挪用' }), 'kind');
    await field(entry(p.id, { kind: '报账' }), 'voucherNo');
    await field(entry(p.id, { kind: '到户' }), 'householdId');
    await field(entry(p.id, { kind: '下达', bookedOn: '2026-02-30' }), 'bookedOn');
    await field(entry(p.id, { kind: '下达', bookedOn: '2999-01-01' }), 'bookedOn');
    await field(entry(p.id, { kind: '下达', amountFen: 100 }), 'amountFen');
    // An invariant: nothing allocated, nothing can be disbursed (409, naming the amount).
    const e = await field(entry(p.id, { kind: '拨付' }), 'amountYuan', 409);
    expect(e.code).toBe('CONFLICT');
    expect(e.fields?.[0]?.code).toBe('funds.disbursedOverAllocated');
    // A source the project has no budget line for.
    expect((await field(entry(p.id, { kind: '下达', source: '银行贷款' }), 'source', 409)).fields?.[0]?.code).toBe('funds.noBudgetLine');
    // A household that is not a beneficiary.
    await bodyOf(
      await county.api.funds.entries.$post({ json: { projectId: p.id, kind: '下达', source: SOURCE_B, amountYuan: '100', bookedOn: '2026-03-01' } }),
      201,
    );
    await bodyOf(
      await county.api.funds.entries.$post({ json: { projectId: p.id, kind: '拨付', source: SOURCE_B, amountYuan: '50', bookedOn: '2026-03-01' } }),
      201,
    );
    const after = await written(p.id);
    expect(after).toEqual({ entries: before.entries + 2, audit: before.audit + 2 });
    expect((await field(entry(p.id, { kind: '到户', source: SOURCE_B, amountYuan: '1', householdId: household }), 'householdId', 409)).fields?.[0]?.code).toBe(
      'funds.notBeneficiary',
    );
    expect(await written(p.id)).toEqual(after);
  });

  it('lets only the recording roles record, each its own kinds, in their own area (403, nothing written)', async () => {
    const p = await createProject(db);
    const far = await createProject(db, { villages: [OTHER_TOWNSHIP_VILLAGE] });
    const before = await written(p.id);
    for (const reader of [cadre, inspector, supervisor]) {
      expect((await refusal(await reader.post('/api/funds/entries', entry(p.id, { kind: '下达' })), 403)).code).toBe('FORBIDDEN');
    }
    // 下达 is the county's (funds.allocate), not the township's.
    expect((await refusal(await township.post('/api/funds/entries', entry(p.id, { kind: '下达' })), 403)).code).toBe('FORBIDDEN');
    expect(await written(p.id)).toEqual(before);
    // A township records only in its own township.
    await bodyOf(
      await county.api.funds.entries.$post({ json: { projectId: far.id, kind: '下达', source: SOURCE_A, amountYuan: '100', bookedOn: '2026-03-01' } }),
      201,
    );
    await bodyOf(
      await county.api.funds.entries.$post({ json: { projectId: far.id, kind: '拨付', source: SOURCE_A, amountYuan: '50', bookedOn: '2026-03-01' } }),
      201,
    );
    const e = await refusal(await township.post('/api/funds/entries', entry(far.id, { kind: '报账', amountYuan: '1', voucherNo: 'V1' })), 403);
    expect(e.code).toBe('FORBIDDEN');
    expect((await written(far.id)).entries).toBe(2);
    // Unknown project: 404.
    expect((await refusal(await county.post('/api/funds/entries', entry('01900000-0000-7000-8000-00000000dead', { kind: '下达' })), 404)).code).toBe(
      'NOT_FOUND',
    );
  });
});

describe('reversals', () => {
  it('needs a reason, reverses once, and a reader cannot reverse', async () => {
    const p = await createProject(db);
    const a = await bodyOf(
      await county.api.funds.entries.$post({ json: { projectId: p.id, kind: '下达', source: SOURCE_A, amountYuan: '500', bookedOn: '2026-03-01' } }),
      201,
    );
    const before = await written(p.id);
    expect((await refusal(await county.post(`/api/funds/entries/${a.id}/reversal`, {}), 400)).fields?.map((f) => f.path)).toContain('reason');
    expect((await refusal(await county.post(`/api/funds/entries/${a.id}/reversal`, { reason: '   ' }), 400)).fields?.map((f) => f.path)).toContain('reason');
    expect((await refusal(await supervisor.post(`/api/funds/entries/${a.id}/reversal`, { reason: '错误' }), 403)).code).toBe('FORBIDDEN');
    expect(await written(p.id)).toEqual(before);
    const r = await bodyOf(
      await county.api.funds.entries[':id'].reversal.$post({ param: { id: a.id }, json: { reason: '文号录错', bookedOn: '2026-03-02' } }),
      201,
    );
    expect(r).toMatchObject({ reversalOf: a.id, deltaFen: -50_000, reason: '文号录错', bookedOn: '2026-03-02' });
    const again = await refusal(await county.post(`/api/funds/entries/${a.id}/reversal`, { reason: '再冲' }), 409);
    expect(again.fields?.[0]).toMatchObject({ path: 'entryId', code: 'funds.alreadyReversed' });
    expect((await refusal(await county.post(`/api/funds/entries/${r.id}/reversal`, { reason: '再冲' }), 409)).fields?.[0]?.code).toBe(
      'funds.reversalOfReversal',
    );
    expect((await refusal(await county.post('/api/funds/entries/01900000-0000-7000-8000-00000000dead/reversal', { reason: 'x' }), 404)).code).toBe('NOT_FOUND');
  });
});

describe('reading the ledger', () => {
  let baojia: { id: string };
  let sanhe: { id: string };
  beforeAll(async () => {
    // A plan year no other test file uses: files share a worker's database, and the balances below are by year.
    baojia = await createProject(db, { name: '保家村读账项目', planYear: 2037 });
    sanhe = await createProject(db, { villages: [SANHE], name: '三合读账项目', planYear: 2037 });
    for (const p of [baojia, sanhe]) {
      await bodyOf(
        await county.api.funds.entries.$post({ json: { projectId: p.id, kind: '下达', source: SOURCE_A, amountYuan: '1000', bookedOn: '2026-01-15' } }),
        201,
      );
      await bodyOf(
        await county.api.funds.entries.$post({
          json: { projectId: p.id, kind: '拨付', source: SOURCE_A, amountYuan: '400', bookedOn: '2026-02-15', note: '=HYPERLINK("http://x")' },
        }),
        201,
      );
      await bodyOf(
        await county.api.funds.entries.$post({ json: { projectId: p.id, kind: '下达', source: SOURCE_B, amountYuan: '250.25', bookedOn: '2026-03-15' } }),
        201,
      );
    }
  });

  it('filters by project, village, source, kind and period, pages, and refuses a bad filter', async () => {
    const q = async (query: Record<string, string>) => bodyOf(await county.api.funds.entries.$get({ query }), 200);
    expect((await q({ project: baojia.id })).total).toBe(3);
    expect((await q({ project: baojia.id, kind: '下达' })).items.map((e) => e.amountFen)).toEqual([25_025, 100_000]);
    expect((await q({ project: baojia.id, source: SOURCE_B })).total).toBe(1);
    expect((await q({ project: baojia.id, from: '2026-02-01', to: '2026-02-28' })).items.map((e) => e.kind)).toEqual(['拨付']);
    const village = await q({ village: SANHE });
    expect(village.items.every((e) => e.villageCode === SANHE)).toBe(true);
    expect(village.items.some((e) => e.projectId === sanhe.id)).toBe(true);
    const page2 = await q({ project: baojia.id, pageSize: '1', page: '2' });
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 1 });
    expect(page2.items.map((e) => e.kind)).toEqual(['拨付']);
    expect((await refusal(await county.get('/api/funds/entries?from=2026-03-01&to=2026-01-01'), 400)).fields?.[0]?.code).toBe('funds.periodOrder');
    expect((await refusal(await county.get('/api/funds/entries?kind=挪用'), 400)).fields?.[0]?.path).toBe('kind');
    expect((await refusal(await county.get('/api/funds/entries?village=5223241012'), 400)).fields?.[0]?.path).toBe('village');
  });

  it('lets every reading role read in its own area: the village supervisor its own village only, the inspector the county', async () => {
    const sup = await bodyOf(await supervisor.api.funds.entries.$get({ query: { pageSize: '500' } }), 200);
    expect(sup.items.every((e) => e.villageCode === BAOJIA)).toBe(true);
    expect(sup.items.some((e) => e.projectId === baojia.id)).toBe(true);
    expect(sup.items.some((e) => e.projectId === sanhe.id)).toBe(false);
    expect((await bodyOf(await supervisor.api.funds.entries.$get({ query: { project: sanhe.id } }), 200)).total).toBe(0);
    expect((await refusal(await supervisor.get(`/api/funds/entries?village=${SANHE}`), 403)).code).toBe('FORBIDDEN');
    const ins = await bodyOf(await inspector.api.funds.entries.$get({ query: { pageSize: '500', from: '2026-01-15', to: '2026-03-15' } }), 200);
    expect(ins.items.some((e) => e.projectId === sanhe.id) && ins.items.some((e) => e.projectId === baojia.id)).toBe(true);
    const supBalances = await bodyOf(await supervisor.api.funds.balances.$get({ query: { by: 'village' } }), 200);
    expect(supBalances.items.map((b) => b.villageCode)).toEqual([BAOJIA]);
    // Nobody reads without a session.
    const anon = await anonymous({ ip: '10.15.1.99' });
    expect((await anon.get('/api/funds/entries')).status).toBe(401);
    expect((await anon.get(`/api/funds/villages/${BAOJIA}`)).status).toBe(401);
  });

  it('groups balances by township and source, and by year, with 资金支出进度', async () => {
    const rows = await bodyOf(await county.api.funds.balances.$get({ query: { by: 'township,source', year: '2037' } }), 200);
    const a = rows.items.find((r) => r.townshipCode === '522324101' && r.source === SOURCE_A);
    expect(a).toMatchObject({ allocatedFen: 200_000, disbursedFen: 80_000, spentFen: 0, progress: 0, undisbursedFen: 120_000 });
    const years = await bodyOf(await county.api.funds.balances.$get({ query: { by: 'year', year: '2037', area: '522324101' } }), 200);
    expect(years.items).toEqual([expect.objectContaining({ year: 2037, allocatedFen: 250_050 })]);
    const total = await bodyOf(await county.api.funds.balances.$get({ query: { project: baojia.id } }), 200);
    expect(total.items).toEqual([expect.objectContaining({ allocatedFen: 125_025, disbursedFen: 40_000, progress: 0 })]);
    expect((await refusal(await county.get('/api/funds/balances?by=household'), 400)).fields?.[0]?.path).toMatch(/^by/);
    expect((await refusal(await supervisor.get(`/api/funds/balances?area=${SANHE}`), 403)).code).toBe('FORBIDDEN');
  });

  it("gives a village's figures to readers of the village, not to others", async () => {
    const f = await bodyOf(await supervisor.api.funds.villages[':code'].$get({ param: { code: BAOJIA }, query: { year: '2026' } }), 200);
    expect(f.village).toMatchObject({ code: BAOJIA, fullName: expect.stringMatching(/^晴隆县沙子镇保家/) });
    expect(f.period).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(f.projects.find((p) => p.id === baojia.id)).toMatchObject({ allocatedFen: 125_025, disbursedFen: 40_000, planYear: 2037 });
    expect((await refusal(await supervisor.get(`/api/funds/villages/${SANHE}`), 403)).code).toBe('FORBIDDEN');
    expect((await refusal(await county.get('/api/funds/villages/522324101999'), 404)).code).toBe('NOT_FOUND');
    expect((await refusal(await county.get('/api/funds/villages/52232410'), 400)).fields?.[0]?.path).toBe('code');
    expect((await refusal(await county.get(`/api/funds/villages/${BAOJIA}?year=2026&from=2026-01-01`), 400)).fields?.[0]?.path).toBe('year');
  });

  it('exports the ledger to Excel (read back), audited, neutralising formulas; over the cap it is refused', async () => {
    const res = await county.api.funds['entries.xlsx'].$get({ query: { village: BAOJIA, from: '2026-01-15', to: '2026-03-15' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('资金台账');
    if (!ws) throw new Error('no 资金台账 sheet');
    const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
    expect(header.slice(0, 6)).toEqual(['记账日期', '项目名称', '申报村代码', '类型', '资金来源', '金额（元）']);
    const rows: Record<string, unknown>[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, (row.values as unknown[])[i + 1] ?? null])));
    });
    const list = await bodyOf(await county.api.funds.entries.$get({ query: { village: BAOJIA, from: '2026-01-15', to: '2026-03-15', pageSize: '500' } }), 200);
    expect(rows).toHaveLength(list.total);
    const mine = rows.filter((r) => r['项目名称'] === '保家村读账项目');
    expect(mine.map((r) => [r['记账日期'], r['类型'], r['金额（元）']])).toEqual([
      ['2026-03-15', '下达', 250.25],
      ['2026-02-15', '拨付', 400],
      ['2026-01-15', '下达', 1000],
    ]);
    expect(mine.find((r) => r['类型'] === '拨付')?.['备注']).toBe('\'=HYPERLINK("http://x")');
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor_name', 'area_code', 'diff'])
      .where('action', '=', 'export.ledger_xlsx')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_name: demoName('qinglong_county'), area_code: BAOJIA });
    const diff = (typeof audit.diff === 'string' ? JSON.parse(audit.diff) : audit.diff) as { _note: unknown };
    expect(diff._note).toMatchObject({ format: 'xlsx', rows: list.total, filter: { villageCode: BAOJIA } });
    // The supervisor's export holds its own village only; another village is refused.
    expect((await supervisor.get(`/api/funds/entries.xlsx?village=${SANHE}`)).status).toBe(403);
    // Over the cap: refused before a byte, with the count and the cap.
    const e = await exportLedger(ctxAs(db, 'county_official', '522324'), { projectId: baojia.id }, { maxRows: 2 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'INVALID', key: 'funds.exportTooMany', params: { count: 3, max: 2 } });
  });
});
