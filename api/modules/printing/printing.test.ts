// Printing and export against the real database: the 明白卡 PDF is a valid one-page-per-household
// PDF with the CJK font embedded and the household's number in its text; the XLSX export follows
// the list filter, masks by role and neutralises formulas; both refuse other villages and are audited.
import { sql } from 'kysely';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { getTestDb } from '../../test/db.ts';
import { createHousehold, newHousehold, newProcedure } from '../../test/factories.ts';
import { type Agent, anonymous, loginAs } from '../../test/http.ts';
import { householdsXlsx } from '../../test/xlsx.ts';
import { demoName } from '../../test/factories.ts';

const BAOJIA = '522324101209'; // baojia_cadre's village
const SANHE = '522324101002'; // sanhe_cadre's village, same township
/** A year no other test uses, so this file owns the county's lines for it. */
const YEAR = 2087;

async function pdfOf(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  const raw = Buffer.from(bytes).toString('latin1');
  const pdf = await getDocumentProxy(bytes.slice());
  const { totalPages, text } = await extractText(pdf, { mergePages: false });
  return { bytes, raw, totalPages, pages: text };
}

/** A household with a full card: latest year below the monitoring line, a cadre, measures, an unmet guarantee. */
async function cardHousehold(village: string, head: string) {
  const h = await createHousehold({ village, head, members: 3 });
  const { db } = await getTestDb();
  const county = village.slice(0, 6);
  await sql`
    insert into county_year_settings (county_code, year, poverty_line, monitoring_line)
    values (${county}, ${YEAR}, 450000, 730000) on conflict do nothing`.execute(db);
  await db
    .insertInto('household_years')
    .values({
      household_id: h.id,
      county_code: county,
      year: YEAR,
      household_size: 3,
      wage_income: 1500000, // 15,000 元
      business_income: 300000,
      dibao_income: 120000,
      business_expense: 60000,
      food_secure: true,
      clothing_secure: true,
      education_secure: true,
      medical_secure: true,
      housing_secure: false,
      housing_note: '房屋C级危房，已列入改造',
      water_secure: true,
    })
    .execute();
  await db
    .insertInto('responsible_cadres')
    .values({ household_id: h.id, county_code: county, name: '帮扶人王明', work_unit: '晴隆县农业农村局', phone: '13985012345', from_date: '2024-01-01' })
    .execute();
  await db
    .insertInto('assistance_measures')
    .values([
      { household_id: h.id, county_code: county, category: '产业帮扶', subtype: '养殖', measure_date: '2086-04-01', amount: 500000, outcome: '养牛2头' },
      { household_id: h.id, county_code: county, category: '住房帮扶', subtype: '危房改造', measure_date: '2086-09-01', amount: 3500000, outcome: '在建' },
    ])
    .execute();
  await db.updateTable('members').set({ health: '长期慢性病' }).where('household_id', '=', h.id).where('relation', '<>', '户主').execute();
  return h;
}

async function auditEntries(action: string, actor: string) {
  const { db } = await getTestDb();
  return db.selectFrom('audit_log').selectAll().where('action', '=', action).where('actor_name', '=', demoName(actor)).orderBy('id', 'desc').execute();
}

const noteOf = (e: { diff: unknown }) => (e.diff as { _note: Record<string, unknown> })._note;

describe('明白卡 PDF', () => {
  it('prints one A4 page with the card, the CJK font embedded and red data masked, and audits it', async () => {
    const h = await cardHousehold(BAOJIA, '明白甲');
    const cadre = await loginAs('baojia_cadre');
    const res = await cadre.get(`/api/print/households/${h.id}/mingbai-card.pdf`);
    const { raw, totalPages, pages, bytes } = await pdfOf(res);
    expect(totalPages).toBe(1);
    // The font is embedded (TrueType, subset) — nothing depends on fonts installed where it is opened.
    expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(raw).toContain('/FontFile2');
    expect(bytes.length).toBeLessThan(300_000);
    const text = (pages[0] ?? '').replace(/\s+/g, '');
    for (const s of [h.householdNo, '帮扶明白卡', '明白甲', '保家村', '帮扶人王明', '13985012345', '住房安全有保障', '低于监测线', '危房改造', '养牛2头']) {
      expect(text).toContain(s);
    }
    // Household phone and ID numbers are masked on paper; the responsible cadre's work phone is not (the family calls it).
    expect(text).toContain('155****8493');
    expect(text).not.toContain('15585268493');
    for (const r of h.rows) expect(text).not.toContain(r['证件号码']);
    expect(text).toMatch(/5223\*{10}[\dX]{4}/);
    // 18,000 + 1,200 − 600 = 18,600 元 over 3 people = 6,200 元 per person.
    expect(text).toContain('6,200元');

    const [entry] = await auditEntries('export.mingbai_card', 'baojia_cadre');
    expect(entry?.entity_id).toBe(h.id);
    expect(entry?.area_code).toBe(BAOJIA);
    expect(noteOf(entry as never)).toMatchObject({ format: 'pdf', rows: 1 });
  });

  it('prints 家庭人口 as the members now and, when the income year counted differently, that year’s count beside it', async () => {
    const h = await cardHousehold(BAOJIA, '明白丙');
    const { db } = await getTestDb();
    // The year's record counted 2 people (the divisor of its income); the card lists 3 today.
    await db.updateTable('household_years').set({ household_size: 2 }).where('household_id', '=', h.id).execute();
    const cadre = await loginAs('baojia_cadre');
    const { pages } = await pdfOf(await cadre.get(`/api/print/households/${h.id}/mingbai-card.pdf`));
    const text = (pages[0] ?? '').replace(/\s+/g, '');
    expect(text).toContain(`3人（${YEAR}年度2人）`);
    expect(text).toContain(`（${YEAR}年度，年人均纯收入按家庭人口2人计算）`);
    // 18,600 元 over the year's 2 people, not today's 3.
    expect(text).toContain('9,300元');
    const { rows } = await householdsXlsx(await cadre.get(`/api/print/households.xlsx?q=${h.householdNo}`));
    expect(rows[0]).toMatchObject({ 家庭人口: 3, 收入年度: YEAR, 收入年度家庭人口: 2, '年人均纯收入（元）': 9300 });
  });

  it('masks the cadre phone and withholds health details for roles that do not see personal data', async () => {
    const h = await cardHousehold(BAOJIA, '明白乙');
    const supervisor = await loginAs('baojia_supervisor');
    const { pages } = await pdfOf(await supervisor.get(`/api/print/households/${h.id}/mingbai-card.pdf`));
    const text = (pages[0] ?? '').replace(/\s+/g, '');
    expect(text).toContain(h.householdNo);
    expect(text).toContain('139****2345');
    expect(text).not.toContain('13985012345');
    expect(text).not.toContain('长期慢性病');
  });

  it('refuses another village’s household (403, audited) and an unknown one (404)', async () => {
    const b = await createHousehold({ village: SANHE, head: '三合丙' });
    const cadre = await loginAs('baojia_cadre');
    const res = await cadre.get(`/api/print/households/${b.id}/mingbai-card.pdf`);
    expect(res.status).toBe(403);
    expect(JSON.stringify(await res.json())).not.toContain('三合丙');
    const { db } = await getTestDb();
    const denied = await db.selectFrom('audit_log').select('actor_name').where('action', '=', 'access.denied').where('entity_id', '=', b.id).executeTakeFirst();
    expect(denied?.actor_name).toBe(demoName('baojia_cadre'));
    expect((await cadre.get('/api/print/households/00000000-0000-4000-8000-000000000000/mingbai-card.pdf')).status).toBe(404);
    expect((await cadre.get('/api/print/households/not-a-uuid/mingbai-card.pdf')).status).toBe(400);
  });

  it('prints a village batch with one page per household, streamed, and audits the count', async () => {
    const h = await cardHousehold(BAOJIA, '明白丁');
    const { db } = await getTestDb();
    const count = Number(
      (
        await db
          .selectFrom('households')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('village_code', '=', BAOJIA)
          .where('deleted_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(count).toBeGreaterThan(1);
    const township = await loginAs('shazi_township');
    const res = await township.get(`/api/print/villages/${BAOJIA}/mingbai-cards.pdf`);
    const { totalPages, pages } = await pdfOf(res);
    expect(totalPages).toBe(count);
    expect(pages.filter((p) => p.replace(/\s+/g, '').includes(h.householdNo))).toHaveLength(1);
    expect(pages.every((p) => p.includes('明白卡'))).toBe(true);
    const [entry] = await auditEntries('export.mingbai_cards', 'shazi_township');
    expect(entry?.entity_id).toBe(BAOJIA);
    expect(noteOf(entry as never)).toMatchObject({ rows: count, filter: { village: BAOJIA } });
  });

  it('refuses a batch of another village (403), an unknown village (404) and a non-village code (400)', async () => {
    const cadre = await loginAs('baojia_cadre');
    expect((await cadre.get(`/api/print/villages/${SANHE}/mingbai-cards.pdf`)).status).toBe(403);
    expect((await cadre.get('/api/print/villages/522324101999/mingbai-cards.pdf')).status).toBe(404);
    expect((await cadre.get('/api/print/villages/522324101/mingbai-cards.pdf')).status).toBe(400);
    const anon = await anonymous();
    expect((await anon.get(`/api/print/villages/${BAOJIA}/mingbai-cards.pdf`)).status).toBe(401);
    expect((await anon.get('/api/print/households.xlsx')).status).toBe(401);
    // Documented for the typed client and /api/openapi.json.
    const doc = (await (await anon.get('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/print/households.xlsx', '/print/households/{id}/mingbai-card.pdf', '/print/villages/{code}/mingbai-cards.pdf']),
    );
  });
});

describe('household list XLSX export', () => {
  async function listTotal(agent: Agent, query: string) {
    const res = await agent.get(`/api/households?${query}&pageSize=1`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { total: number }).total;
  }

  it('exports the same rows as the list filter, zh-CN headers, official code values, masked, and audits it', async () => {
    const h = await cardHousehold(BAOJIA, '导出甲');
    const cadre = await loginAs('baojia_cadre');
    const query = `area=${BAOJIA}&status=${encodeURIComponent('脱贫户')}`;
    const { header, rows, wb } = await householdsXlsx(await cadre.get(`/api/print/households.xlsx?${query}`));
    expect(header.slice(0, 4)).toEqual(['户编号', '县（市、区）', '乡（镇）', '行政村']);
    expect(header).toContain('户主证件号码');
    expect(header).toContain('年人均纯收入（元）');
    expect(rows.length).toBe(await listTotal(cadre, query));
    expect(rows.every((r) => r['区划代码'] === BAOJIA && r['户状态'] === '脱贫户')).toBe(true);
    const mine = rows.find((r) => r['户编号'] === h.householdNo);
    expect(mine).toMatchObject({
      户主姓名: '导出甲',
      户类型: '一般户',
      行政村: '保家村',
      联系电话: '155****8493',
      收入年度: YEAR,
      '年人均纯收入（元）': 6200,
      住房安全有保障: '否',
    });
    expect(String(mine?.['户主证件号码'])).toMatch(/^5223\*{10}[\dX]{4}$/);
    expect(wb.getWorksheet('导出说明')).toBeDefined();

    const [entry] = await auditEntries('export.households_xlsx', 'baojia_cadre');
    expect(noteOf(entry as never)).toMatchObject({ format: 'xlsx', rows: rows.length, revealed: false, filter: { area: BAOJIA, status: '脱贫户' } });
    expect(entry?.area_code).toBe(BAOJIA);
  });

  it('shows red data only to a role that needs it and asks to reveal (audited); others are refused', async () => {
    const h = await cardHousehold(BAOJIA, '导出乙');
    const id = h.rows.find((r) => r['与户主关系'] === '户主')?.['证件号码'];
    const cadre = await loginAs('baojia_cadre');
    const { rows } = await householdsXlsx(await cadre.get(`/api/print/households.xlsx?q=${h.householdNo}&reveal=true`));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ 户编号: h.householdNo, 户主证件号码: id, 联系电话: '15585268493' });
    const [entry] = await auditEntries('export.households_xlsx', 'baojia_cadre');
    expect(noteOf(entry as never)).toMatchObject({ revealed: true, rows: 1 });

    const supervisor = await loginAs('baojia_supervisor');
    const refused = await supervisor.get(`/api/print/households.xlsx?q=${h.householdNo}&reveal=true`);
    expect(refused.status).toBe(403);
    const masked = await householdsXlsx(await supervisor.get(`/api/print/households.xlsx?q=${h.householdNo}`));
    expect(masked.rows[0]?.['户主证件号码']).toMatch(/^5223\*{10}[\dX]{4}$/);
    expect(masked.rows[0]?.['联系电话']).toBe('155****8493');
  });

  it('neutralises text that a spreadsheet would run as a formula', async () => {
    const h = await createHousehold({ village: BAOJIA, head: '公式户' });
    const { db } = await getTestDb();
    await db.updateTable('households').set({ address: '=HYPERLINK("http://evil.example","点我")', group_name: '+1-2' }).where('id', '=', h.id).execute();
    const cadre = await loginAs('baojia_cadre');
    const { rows } = await householdsXlsx(await cadre.get(`/api/print/households.xlsx?q=${h.householdNo}`));
    expect(rows[0]?.['家庭住址']).toBe(`'=HYPERLINK("http://evil.example","点我")`);
    expect(rows[0]?.['村民小组']).toBe("'+1-2");
  });

  it('keeps a cadre to their own village and validates the filter', async () => {
    await createHousehold({ village: SANHE, head: '三合丁' });
    const cadre = await loginAs('baojia_cadre');
    const { rows } = await householdsXlsx(await cadre.get('/api/print/households.xlsx'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r['区划代码'] === BAOJIA)).toBe(true);
    expect((await cadre.get(`/api/print/households.xlsx?area=${SANHE}`)).status).toBe(403);
    expect((await cadre.get('/api/print/households.xlsx?status=bogus')).status).toBe(400);
  });
});

describe('村内公示 notice PDF', () => {
  /** A 脱贫户's 监测对象认定, started by the village and signed off up to `atStage` (test/factories.ts). */
  async function designation(head: string, atStage: '村级评议' | '村内公示') {
    const h = await newHousehold({ village: BAOJIA, head, members: 3 });
    return newProcedure({
      householdId: h.id,
      type: '监测对象认定',
      atStage,
      reason: '户主住院，自付医疗费用较高（病情见走访记录）',
      payload: { monitoringCategory: '突发严重困难户', riskTypes: ['因病'] },
    }).then((p) => ({ ...h, procedureId: p.id }));
  }

  it('lists the households in their 7-day notice with what is proposed, names but no numbers or free-text reasons; audited', async () => {
    const cadre = await loginAs('baojia_cadre');
    const inNotice = await designation('公示甲', '村内公示');
    await designation('评议乙', '村级评议');
    const p1 = inNotice.procedureId;

    const { pages, raw, totalPages } = await pdfOf(await cadre.get(`/api/print/villages/${BAOJIA}/publicity-notice.pdf`));
    expect(totalPages).toBe(1);
    expect(pages[0]).toContain('第 1 / 1 页');
    const text = pages.join('\n').replace(/\s+/g, '');
    expect(text).toContain('村内公示');
    expect(text).toContain('公示甲');
    expect(text).toContain('突发严重困难户（因病）');
    expect(text).not.toContain('评议乙'); // still at 村级评议: not on the board yet
    expect(text).not.toContain('住院'); // the free-text reason stays in the system
    const { db } = await getTestDb();
    const ids = await db.selectFrom('members').select('id_number').where('household_id', '=', inNotice.id).execute();
    for (const m of ids) expect(text).not.toContain(m.id_number.slice(-8));
    const started = await db.selectFrom('procedures').select('publicity_started_at').where('id', '=', p1).executeTakeFirstOrThrow();
    const day = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const from = new Date(started.publicity_started_at as Date);
    expect(text).toContain(`${day(from)}至${day(new Date(from.getTime() + 7 * 24 * 3600 * 1000))}`);
    expect(raw).toContain('/FontFile2'); // the CJK font is embedded
    const [entry] = await auditEntries('export.publicity_notice', 'baojia_cadre');
    expect(entry?.entity_id).toBe(BAOJIA);
    expect(noteOf(entry as never).procedures).toContain(p1);
  });

  it('says so when no procedure is in its notice (404), and refuses other villages (403) and non-village codes (400)', async () => {
    const { db } = await getTestDb();
    const quiet = await db
      .selectFrom('areas')
      .select('code')
      .where('level', '=', 'village')
      .where('county_code', '=', '522324')
      .where('code', 'not in', db.selectFrom('procedures').select('village_code'))
      .orderBy('code', 'desc')
      .executeTakeFirstOrThrow();
    const county = await loginAs('qinglong_county');
    const none = await county.get(`/api/print/villages/${quiet.code}/publicity-notice.pdf`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/当前没有处于村内公示阶段的流程$/);
    const cadre = await loginAs('baojia_cadre');
    expect((await cadre.get(`/api/print/villages/${SANHE}/publicity-notice.pdf`)).status).toBe(403);
    expect((await cadre.get('/api/print/villages/522324101/publicity-notice.pdf')).status).toBe(400);
  });
});

describe('公告 PDF (county announcement of approved procedures)', () => {
  it('lists what the county approved in the period for a county or township, names but no numbers; audited', async () => {
    const cadre = await loginAs('baojia_cadre');
    const township = await loginAs('shazi_township');
    const county = await loginAs('qinglong_county');
    const h = await newHousehold({ village: BAOJIA, head: '公告丙', members: 2 });
    const { db } = await getTestDb();
    const started = await cadre.post('/api/procedures', {
      householdId: h.id,
      type: '监测对象认定',
      origin: '干部走访',
      reason: '户主务工受伤',
      evidence: { text: '走访核实' },
      payload: { monitoringCategory: '脱贫不稳定户', riskTypes: ['因务工就业不稳'] },
    });
    expect(started.status).toBe(201);
    const id = ((await started.json()) as { id: string }).id;
    const step = async (agent: Agent, note: string) => expect((await agent.post(`/api/procedures/${id}/steps`, { action: 'approve', note })).status).toBe(200);
    await step(cadre, '评议通过');
    await db
      .updateTable('procedures')
      .set({ publicity_started_at: new Date(Date.now() - 8 * 24 * 3600 * 1000) })
      .where('id', '=', id)
      .execute();
    await step(cadre, '公示期满无异议');
    await step(township, '审核通过');
    await step(county, '审定通过');
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

    const { pages, totalPages } = await pdfOf(await county.get('/api/print/areas/522324/announcement.pdf'));
    const text = pages.join('\n').replace(/\s+/g, '');
    expect(text).toContain('晴隆县扶贫对象动态调整公告');
    expect(text).toMatch(new RegExp(`沙子镇保家村公告丙2人监测对象认定脱贫不稳定户（因务工就业不稳）${today}`));
    expect(text).not.toContain('受伤');
    expect(text).toContain(`第${totalPages}/${totalPages}页`);
    const [entry] = await auditEntries('export.announcement', 'qinglong_county');
    expect(noteOf(entry as never)).toMatchObject({ filter: { area: '522324', to: today } });
    expect(noteOf(entry as never).procedures).toContain(id);

    // The township's own announcement, for the same day; nothing in a period long past.
    const t = await pdfOf(await township.get(`/api/print/areas/522324101/announcement.pdf?from=${today}&to=${today}`));
    expect(t.pages.join('').replace(/\s+/g, '')).toContain('公告丙');
    const none = await county.get('/api/print/areas/522324/announcement.pdf?from=2001-01-01&to=2001-01-31');
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { message: string } }).error.message).toBe('晴隆县在 2001-01-01 至 2001-01-31 期间没有经县级审定的流程');
  });

  it('refuses a bad period (400), an area that is not a county or township (400) and another area (403)', async () => {
    const county = await loginAs('qinglong_county');
    expect((await county.get('/api/print/areas/522324/announcement.pdf?from=2026-03-01&to=2026-02-01')).status).toBe(400);
    expect((await county.get('/api/print/areas/522324/announcement.pdf?from=2024-01-01&to=2026-01-01')).status).toBe(400);
    expect((await county.get('/api/print/areas/522324/announcement.pdf?to=2026-02-30')).status).toBe(400);
    expect((await county.get(`/api/print/areas/${BAOJIA}/announcement.pdf`)).status).toBe(400);
    const cadre = await loginAs('baojia_cadre');
    expect((await cadre.get('/api/print/areas/522324101/announcement.pdf')).status).toBe(403);
    const township = await loginAs('shazi_township');
    expect((await township.get('/api/print/areas/522324/announcement.pdf')).status).toBe(403);
  });
});
