// Issue 13 §1: personal data never leaves unmasked through a plain read. Every GET operation of
// /api/openapi.json is called as every demo role, with ids inside and outside the role's area,
// after data that exercises every output: a registry re-import that creates, removes and changes
// members (history keys members.<uuid>.id_number), member and household edits with phones and a
// bank account, a responsible cadre, a procedure, department data with findings, import jobs.
// Every body (JSON, CSV, XLSX cells, PDF text) is scanned for a valid 18-digit ID number, an
// 11-digit mobile or a known bank account; the test fails naming the operation, role and match.
// The only full values a role gets are an official's work phone (帮扶责任人, for the roles that
// need personal data) — and what the audited reveal returns, which is a POST, not a plain read.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../seeds/demo-accounts.ts';
import { createApp } from './app.ts';
import type { Role } from './db/schema.ts';
import { mayReveal } from './modules/auth/personal-data.ts';
import { datasetJobFinished } from './modules/datasets/jobs.ts';
import { whenFinished } from './modules/registry/jobs.ts';
import { csvText, household, newId, type Row } from './modules/registry/test-files.ts';
import { maskIdNumber, maskPhone } from './shared/mask.ts';
import { systemCtx } from './context.ts';
import { createProject } from './modules/funds/test-projects.ts';
import { entry } from './modules/oversight/rules/test-helpers.ts';
import { runOversightRules } from './modules/oversight/run.ts';
import { handleInbound } from './modules/sms/sms.ts';
import { freshTestDb, type TestDb } from './test/db.ts';
import type { Db } from './db/schema.ts';
import { Agent, testConfig } from './test/http.ts';
import { findPersonalData, type Known, type Leak, responseText } from './test/personal-data-scan.ts';

const BAOJIA = '522324101209'; // 沙子镇保家村: the village accounts' own village
const SANHE = '522324101002'; // 沙子镇三合社区: same township, another village
const OTHER_TOWNSHIP_VILLAGE = '522324106204';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let t: TestDb & { owner: Db; dispose: () => Promise<void> };
let app: ReturnType<typeof createApp>;
const agents = new Map<string, Agent>();
const as = (username: string) => agents.get(username) as Agent;

/** Ids to put into path parameters, inside and outside each role's area. */
const ids = {
  households: [] as string[],
  photos: [] as [string, string][],
  projectMedia: [] as [string, string][],
  procedures: [] as string[],
  projects: [] as string[],
  imports: [] as string[],
  datasetJobs: [] as string[],
  findings: [] as string[],
  villages: [BAOJIA, SANHE, OTHER_TOWNSHIP_VILLAGE] as string[],
  areas: ['5223', '522324', '522324101', BAOJIA] as string[],
  counties: ['522324'] as string[],
};
let otherCountyVillage = '';
/** A member of household A whose ID number and phone are known, to prove masked data was read. */
const probe = { idNumber: '', phone: '', bankAccount: '6228480012345678901', householdId: '' };

async function ok(res: Response | Promise<Response>, status = 200) {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${await r.text()}`);
  return r.json() as Promise<Record<string, unknown>>;
}

/** Uploads a registry file as `agent` and waits for the job. */
async function importRegistry(agent: Agent, rows: Row[]) {
  const form = new FormData();
  form.append('file', new File([csvText(rows)], 'registry.csv', { type: 'text/csv' }));
  const { id } = (await ok(agent.post('/api/registry/imports', form), 202)) as { id: string };
  await whenFinished(id);
  ids.imports.push(id);
  const job = (await ok(agent.get(`/api/registry/imports/${id}`))) as { status: string; errors: { code?: string; message?: string }[] };
  return { ...job, status: job.status === 'failed' ? `failed: ${job.errors.map((e) => e.message).join('; ')}` : job.status };
}

async function householdId(no: string) {
  const h = await t.db.selectFrom('households').select('id').where('household_no', '=', no).executeTakeFirstOrThrow();
  return h.id;
}

async function uploadDataset(agent: Agent, source: string, csv: string, county?: string) {
  const form = new FormData();
  form.set('source', source);
  if (county) form.set('county', county);
  form.set('file', new File([csv], `${source}.csv`, { type: 'text/csv' }));
  const job = (await ok(agent.post('/api/crosscheck/datasets', form), 202)) as { id: string };
  await datasetJobFinished(job.id);
  ids.datasetJobs.push(job.id);
}

beforeAll(async () => {
  t = await freshTestDb('sweep');
  app = createApp({ db: t.db, bulk: t.handle.bulk, config: testConfig() });
  for (const a of DEMO_ACCOUNTS) {
    const agent = new Agent(app);
    const res = await agent.login(a.username);
    if (!res.ok) throw new Error(`login ${a.username}: ${res.status}`);
    agents.set(a.username, agent);
  }
  // The county's lines of a year, so that 标准线测算 (/lines/what-if) answers.
  await sql`insert into county_year_settings (county_code, year, poverty_line, monitoring_line) values ('522324', 2025, 450000, 700000) on conflict do nothing`.execute(
    t.owner,
  );
  const other = await sql<{ code: string }>`select code from areas where level = 'village' and county_code = '522301' order by code limit 1`.execute(t.db);
  otherCountyVillage = other.rows[0]?.code ?? '';
  ids.villages.push(otherCountyVillage);
  ids.areas.push('522301', otherCountyVillage.slice(0, 9));
  ids.counties.push('522301');

  const county = as('qinglong_county');
  const admin = as('admin');
  const cadre = as('baojia_cadre');

  // Household A in 保家村, imported and re-imported: a member removed, one added, a phone and a
  // health value changed — the import's history diff holds members.<uuid>.id_number and the like.
  const a = household(BAOJIA, 4);
  expect((await importRegistry(county, a)).status).toBe('succeeded');
  const a2: Row[] = a.slice(0, 3).map((r) => ({ ...r, 户类型: '低保户' }));
  (a2[1] as Row)['联系电话'] = '13912340001';
  (a2[2] as Row)['健康状况'] = '残疾';
  a2.push({ ...(a[3] as Row), 户类型: '低保户', 健康状况: '健康', 姓名: '新成员', 证件号码: newId('女'), 与户主关系: '之女', 性别: '女' });
  expect((await importRegistry(county, a2)).status).toBe('succeeded');
  probe.householdId = await householdId(a[0]?.['户编号'] as string);
  probe.idNumber = a[3]?.['证件号码'] as string; // the removed member: only the history holds it
  probe.phone = '13912340001';
  ids.households.push(probe.householdId);

  // Households B (三合社区), D (another township) and C (another county), re-imported too.
  const b = household(SANHE, 3);
  const d = household(OTHER_TOWNSHIP_VILLAGE, 3);
  const c = household(otherCountyVillage, 3);
  for (const rows of [b, d]) {
    expect((await importRegistry(county, rows)).status).toBe('succeeded');
    expect(
      (
        await importRegistry(
          county,
          rows.map((r) => ({ ...r, 联系电话: r['联系电话'] ? '13712340002' : '' })),
        )
      ).status,
    ).toBe('succeeded');
  }
  expect((await importRegistry(admin, c)).status).toBe('succeeded');
  expect(
    (
      await importRegistry(
        admin,
        c.map((r) => ({ ...r, 健康状况: '长期慢性病' })),
      )
    ).status,
  ).toBe('succeeded');
  for (const rows of [b, d, c]) ids.households.push(await householdId(rows[0]?.['户编号'] as string));

  // A township officer's import that meets a person of another township: refused, the job kept.
  const clash = household(BAOJIA, 2);
  (clash[1] as Row)['证件号码'] = d[1]?.['证件号码'] as string;
  expect((await importRegistry(as('shazi_township'), clash)).status).toMatch(/^failed/);

  // Edits by the village cadre on A: bank account and phone, a member with a phone, a cadre, a visit, a photo.
  const card = (await ok(cadre.get(`/api/households/${probe.householdId}`))) as { version: number };
  await ok(
    cadre.patch(`/api/households/${probe.householdId}`, {
      version: card.version,
      bankName: '晴隆县农村信用合作联社',
      bankAccount: probe.bankAccount,
      phone: '13600001234',
    }),
  );
  const member = (await ok(
    cadre.post(`/api/households/${probe.householdId}/members`, { name: '罗小明', idNumber: newId('男'), relation: '之孙子', phone: '13500001111' }),
    201,
  )) as {
    id: string;
    version: number;
  };
  await ok(cadre.patch(`/api/households/${probe.householdId}/members/${member.id}`, { version: member.version, phone: '13500002222' }));
  await ok(
    cadre.post(`/api/households/${probe.householdId}/cadres`, { name: '王帮扶', workUnit: '晴隆县农业农村局', phone: '13800001111', fromDate: '2024-01-01' }),
    201,
  );
  await ok(cadre.post(`/api/households/${probe.householdId}/visits`, { visitedAt: '2026-05-01T10:00:00+08:00', purpose: '遍访', problems: '缺劳力' }), 201);
  const form = new FormData();
  form.set('file', new File([PNG], 'p.png', { type: 'image/png' }));
  form.set('kind', '人员');
  const photo = (await ok(cadre.post(`/api/households/${probe.householdId}/photos`, form), 201)) as { id: string };
  ids.photos.push([probe.householdId, photo.id]);
  // A procedure whose reason quotes an ID number and a phone, typed by hand.
  const proc = (await ok(
    cadre.post('/api/procedures', {
      householdId: probe.householdId,
      type: '监测对象认定',
      origin: '干部走访',
      reason: `户主电话 13600001234，成员 ${probe.idNumber} 因病`,
      evidence: { text: '走访核实', references: [] },
      payload: { monitoringCategory: '脱贫不稳定户', riskTypes: ['因病'] },
    }),
    201,
  )) as { id: string };
  ids.procedures.push(proc.id);
  // … taken through the whole chain (the 7-day notice moved back instead of waited for), so that
  // the county and township announcements list it; a second household stays in the village notice.
  const step = async (agent: Agent, id: string, action: string, note?: string) =>
    ok(agent.post(`/api/procedures/${id}/steps`, { action, ...(note ? { note } : {}) }));
  await step(cadre, proc.id, 'approve', `评议通过，联系电话 13600001234`);
  await t.db
    .updateTable('procedures')
    .set({ publicity_started_at: new Date(Date.now() - 8 * 24 * 3600 * 1000) })
    .where('id', '=', proc.id)
    .execute();
  await step(cadre, proc.id, 'approve');
  await step(as('shazi_township'), proc.id, 'approve');
  await step(county, proc.id, 'approve');
  const e = household(BAOJIA, 2);
  expect((await importRegistry(county, e)).status).toBe('succeeded');
  const eId = await householdId(e[0]?.['户编号'] as string);
  const proc2 = (await ok(
    cadre.post('/api/procedures', {
      householdId: eId,
      type: '监测对象认定',
      origin: '干部走访',
      reason: '因病',
      evidence: { text: `成员 ${e[1]?.['证件号码']} 住院`, references: [] },
      payload: { monitoringCategory: '突发严重困难户', riskTypes: ['因病'] },
    }),
    201,
  )) as { id: string };
  await step(cadre, proc2.id, 'approve', '评议通过');
  ids.procedures.push(proc2.id);

  // A project benefiting household A, its notes quoting an ID number and a phone typed by hand.
  const drafted = (await ok(
    cadre.post('/api/projects', {
      name: '保家村产业路',
      type: '农村道路',
      planYear: 2026,
      villages: [BAOJIA],
      budget: [{ source: '省级财政资金', amountYuan: '50000' }],
      beneficiaries: [{ householdId: probe.householdId, mechanism: '务工', note: `联系电话 13600001234，${probe.idNumber}` }],
    }),
    201,
  )) as { id: string };
  await ok(cadre.post(`/api/projects/${drafted.id}/steps`, { action: 'submit', note: `户主 ${probe.idNumber} 务工` }));
  ids.projects.push(drafted.id);

  // Department data → findings in 晴隆县 (deceased, disability, a shared subsidy account) and in 兴义市.
  const am = a2[1] as Row;
  const bm = b[1] as Row;
  await uploadDataset(county, 'household_events', `姓名,身份证号,事件类型,事件日期,迁往地区\n${am['姓名']},${am['证件号码']},死亡,2026-03-01,\n`);
  await uploadDataset(county, 'disability', `姓名,身份证号,残疾类别,残疾等级,发证日期\n${bm['姓名']},${bm['证件号码']},肢体,二级,2025-01-01\n`);
  await uploadDataset(
    county,
    'subsidy_payments',
    `姓名,身份证号,银行账号,补贴项目,金额,发放日期\n${am['姓名']},${am['证件号码']},${probe.bankAccount},生态公益林补偿,500,2026-04-01\n${bm['姓名']},${bm['证件号码']},${probe.bankAccount},生态公益林补偿,500,2026-04-01\n`,
  );
  await uploadDataset(
    county,
    'civil_assistance',
    `姓名,身份证号,区划代码,救助类型,保障人数,月保障金额,起始年月,状态,停保日期\n未登记人,${newId('男')},${BAOJIA},农村低保,1,300,2025-01,在保,\n`,
  );
  await ok(county.post('/api/crosscheck/runs', { asOf: '2026-06-01' }));
  const cm = c[1] as Row;
  await uploadDataset(admin, 'household_events', `姓名,身份证号,事件类型,事件日期,迁往地区\n${cm['姓名']},${cm['证件号码']},死亡,2026-03-01,\n`, '522301');
  await ok(admin.post('/api/crosscheck/runs', { asOf: '2026-06-01', county: '522301' }));
  const f = await sql<{ id: string }>`select id from findings order by county_code, rule`.execute(t.db);
  ids.findings.push(...f.rows.map((r) => r.id));

  // Projects under oversight (issue 15): a 保家村 project paying two households into one account
  // (SHARED_BANK_ACCOUNT's evidence), a comment and an alert quoting an ID number and a phone.
  const bId = await householdId(b[0]?.['户编号'] as string);
  await sql`update households set bank_account = ${probe.bankAccount} where id = ${bId}`.execute(t.db);
  const project = await createProject(t.db);
  const far = await createProject(t.db, { villages: [OTHER_TOWNSHIP_VILLAGE] });
  await entry(t.db, project.id, '到户', 10_000, '2026-05-01', { householdId: probe.householdId });
  await entry(t.db, project.id, '到户', 10_000, '2026-05-01', { householdId: bId });
  await runOversightRules(systemCtx(t.db), { countyCode: '522324', asOf: '2026-06-30' });
  const inspector = as('qinglong_inspector');
  await ok(inspector.post(`/api/oversight/projects/${project.id}/comments`, { text: `收款人 ${probe.idNumber}，电话 ${probe.phone}` }), 201);
  const alert = (await ok(inspector.post('/api/oversight/alerts', { projectId: project.id, text: `请核实 ${probe.idNumber}` }), 201)) as { id: string };
  await ok(as('shazi_township').post(`/api/oversight/alerts/${alert.id}/answer`, { answer: `已联系 ${probe.phone}` }));
  ids.projects.push(project.id, far.id);

  // The project's photo and document (issue 15), with an ID number and a phone in what the township typed.
  const township = as('shazi_township');
  const media = (kind: 'photos' | 'attachments', fields: Record<string, string>, name: string) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    f.set('file', new File([PNG], name, { type: 'image/png' }));
    return ok(township.post(`/api/projects/${project.id}/${kind}`, f), 201) as Promise<{ id: string }>;
  };
  const shot = await media(
    'photos',
    { stage: '实施中', takenAt: '2026-05-02T08:30:00+08:00', lon: '105.2312', lat: '25.7401', caption: `户主 ${probe.idNumber}` },
    '现场.png',
  );
  const scan = await media('attachments', { kind: '报账凭证', title: `收款人电话 ${probe.phone}` }, `${probe.idNumber}.png`);
  ids.projectMedia.push([project.id, shot.id], [project.id, scan.id]);

  // SMS (issue 17): a supervisor on the roster, a batch through the outbox, a reply to a query.
  await ok(as('shazi_township').post('/api/sms/roster', { villageCode: BAOJIA, name: '杨监督员', phone: '13698765432' }), 201);
  await ok(as('qinglong_county').post('/api/sms/batches', { month: '2026-05', county: '522324' }), 201);
  await handleInbound(t.db, testConfig().sms, { phone: '13698765432', text: 'CX' }, new Date());
});

afterAll(async () => {
  await t?.dispose();
});

/** Values for each path parameter, by operation path: a new parameter fails the test until it is listed here. */
function pathValues(path: string): Record<string, string>[] {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  if (!names.length) return [{}];
  if (path.startsWith('/households/{id}/photos/{photoId}')) return ids.photos.map(([id, photoId]) => ({ id, photoId }));
  if (path.startsWith('/projects/{id}/media/{mediaId}')) return ids.projectMedia.map(([id, mediaId]) => ({ id, mediaId }));
  const one = (name: string): string[] => {
    if (path.startsWith('/households/') || path.startsWith('/print/households/')) return name === 'id' ? ids.households : [];
    if (path.startsWith('/procedures/')) return ids.procedures;
    if (path.startsWith('/projects/')) return ids.projects;
    if (path.startsWith('/registry/imports/')) return ids.imports;
    if (path.startsWith('/crosscheck/datasets/jobs/')) return ids.datasetJobs;
    if (path.startsWith('/crosscheck/findings/')) return ids.findings;
    if (path.startsWith('/oversight/projects/')) return ids.projects;
    if (path.startsWith('/print/villages/') || path.startsWith('/funds/villages/') || path.startsWith('/public/villages/')) return ids.villages;
    if (path.startsWith('/print/areas/')) return ids.areas.filter((c) => c.length === 6 || c.length === 9);
    if (path.startsWith('/areas/')) return ids.areas;
    if (path.startsWith('/stats/')) return ids.areas;
    if (name === 'countyCode') return ids.counties;
    if (name === 'year') return ['2024'];
    return [];
  };
  const lists = names.map((n) => [n, one(n)] as const);
  const missing = lists.filter(([, v]) => v.length === 0).map(([n]) => n);
  if (missing.length) throw new Error(`no test values for path parameter(s) ${missing.join(', ')} of GET ${path}: add them to pathValues()`);
  // One combination per value of the first parameter; further parameters take their first value.
  const [first, ...rest] = lists;
  return (first?.[1] ?? []).map((v) => Object.fromEntries([[first?.[0], v], ...rest.map(([n, vs]) => [n, vs[0]])]));
}

/** Extra queries for operations whose interesting answers need one. */
function queries(path: string): string[] {
  switch (path) {
    case '/households':
      return ['', `?area=${BAOJIA}`, `?q=${probe.idNumber}`, '?pageSize=100'];
    case '/print/households.xlsx':
      return [`?area=${BAOJIA}`, `?area=${SANHE}`];
    case '/crosscheck/findings':
    case '/crosscheck/findings.csv':
      return ['', '?all=true', '?county=522301'];
    case '/procedures':
      return ['', `?householdId=${probe.householdId}`];
    case '/projects/plan':
    case '/projects/plan.xlsx':
      return ['?year=2026'];
    case '/projects/export.xlsx':
      return ['', `?village=${BAOJIA}`];
    case '/work-teams':
      return ['', `?village=${BAOJIA}`];
    case '/sms/preview':
      return [`?area=${BAOJIA}&month=2026-05`, '?area=522324101&month=2026-05'];
    case '/sms/messages':
      return ['', '?direction=in', '?state=queued,failed'];
    case '/lines/what-if':
      return [`?area=522324&year=2025&povertyLine=900000`, `?area=${BAOJIA}&year=2025&monitoringLine=900000`];
    default:
      return [''];
  }
}

describe('every GET operation as every role', () => {
  it('never returns an unmasked ID number, mobile or bank account', async () => {
    const doc = (await ok(as('admin').get('/api/openapi.json'))) as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths)
      .filter(([, methods]) => 'get' in methods)
      .map(([p]) => p);
    expect(ops.length).toBeGreaterThanOrEqual(30);

    const [idNumbers, phones, banks, cadrePhones] = await Promise.all([
      sql<{ v: string }>`select id_number as v from members union select id_number from ds_household_events union select id_number from ds_disability`.execute(
        t.db,
      ),
      sql<{
        v: string;
      }>`select phone as v from members where phone is not null union select phone from households where phone is not null union select phone from sms_recipients union select phone from sms_messages`.execute(
        t.db,
      ),
      sql<{ v: string }>`select bank_account as v from households where bank_account is not null`.execute(t.db),
      sql<{ v: string }>`select phone as v from responsible_cadres where phone is not null`.execute(t.db),
    ]);
    const known = (role: Role): Known => ({
      idNumbers: new Set(idNumbers.rows.map((r) => r.v)),
      phones: new Set(phones.rows.map((r) => r.v)),
      bankAccounts: new Set(banks.rows.map((r) => r.v)),
      // A 帮扶责任人's work phone is graded 'official': in full for the roles that need personal data.
      allowedMobiles: mayReveal(role) ? new Set(cadrePhones.rows.map((r) => r.v)) : new Set(),
    });
    // Not vacuous: the database holds the raw values the responses must not carry.
    expect(known('admin').idNumbers.has(probe.idNumber)).toBe(true);
    expect(known('admin').phones.has(probe.phone)).toBe(true);
    expect(known('admin').bankAccounts.has(probe.bankAccount)).toBe(true);

    const leaks: string[] = [];
    const answered = new Map<string, number>();
    let calls = 0;
    const bodies = new Map<string, string>();
    for (const a of DEMO_ACCOUNTS) {
      const agent = as(a.username);
      const k = known(a.role);
      for (const op of ops) {
        for (const params of pathValues(op)) {
          for (const query of queries(op)) {
            const url = `/api${op.replace(/\{(\w+)\}/g, (_, n: string) => params[n] as string)}${query}`;
            const res = await agent.get(url);
            calls++;
            if (res.status >= 500) leaks.push(`GET ${url} as ${a.username}: ${res.status}`);
            if (res.status === 200) answered.set(op, (answered.get(op) ?? 0) + 1);
            const { text } = await responseText(res);
            if (text === null) continue;
            if (res.status === 200) bodies.set(`${a.username} ${url}`, text);
            for (const l of findPersonalData(text, k)) leaks.push(`GET ${url} as ${a.username} (${a.role}): unmasked ${l.kind} ${l.value}`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    // Not vacuous: hundreds of calls, every operation answered 200 to someone.
    expect(calls).toBeGreaterThan(500);
    expect(ops.filter((op) => !answered.has(op))).toEqual([]);
    // … and the read-only village supervisor did read the history with the masked values in it.
    const supervisorHistory = bodies.get(`baojia_supervisor /api/households/${probe.householdId}/history`) ?? '';
    expect(supervisorHistory).toContain(maskIdNumber(probe.idNumber) as string);
    expect(supervisorHistory).toContain(maskPhone(probe.phone) as string);
    expect(supervisorHistory).toContain('members.');
  });

  it('the scanner finds what the audited reveal returns (it is not blind)', async () => {
    const res = await as('baojia_cadre').post(`/api/households/${probe.householdId}/reveal`, { field: 'bank_account' });
    const { text } = await responseText(res);
    const leaks: Leak[] = findPersonalData(text ?? '', { idNumbers: new Set(), phones: new Set(), bankAccounts: new Set([probe.bankAccount]) });
    expect(leaks).toEqual([{ kind: 'bankAccount', value: probe.bankAccount }]);
    expect(findPersonalData(`证件号码 ${probe.idNumber}，电话 ${probe.phone}`, { idNumbers: new Set(), phones: new Set(), bankAccounts: new Set() })).toEqual([
      { kind: 'idNumber', value: probe.idNumber },
      { kind: 'mobile', value: probe.phone },
    ]);
  });
});
