// The village's public page without a login (both backends): what it shows (approved projects and
// any with money, amounts and 资金支出进度, masked beneficiaries with their mechanism and payments,
// notices with their dates), that it carries no personal data, escapes every text, keeps the CSP,
// answers 404 to unknown and malformed codes, caches briefly and is rate limited per client address.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { getTestDb, unique } from '../../test/db.ts';
import { createHousehold } from '../../test/factories.ts';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { Agent, anonymous, bodyOf, testConfig } from '../../test/http.ts';
import { findPersonalData, type Known } from '../../test/personal-data-scan.ts';
import { postEntry, reverseEntry } from '../funds/funds.ts';
import { BAOJIA, createProject, ctxAs, SANHE, SOURCE_A } from '../funds/test-projects.ts';

let db: Db;
let visitor: Agent;
const known: Known = { idNumbers: new Set(), phones: new Set(), bankAccounts: new Set() };
const secrets: string[] = [];
let draftName = '';
const EVIL = '保家村<script>alert(1)</script>茶叶基地';

beforeAll(async () => {
  db = (await getTestDb()).db;
  visitor = await anonymous({ ip: '10.16.0.1' });
  const h1 = await createHousehold({ village: BAOJIA, head: '张小三', members: 2 });
  const h2 = await createHousehold({ village: BAOJIA, head: '李四' });
  const h3 = await createHousehold({ village: SANHE, head: '王五六' });
  for (const h of [h1, h2, h3]) {
    secrets.push(h.id, h.householdNo);
    for (const r of h.rows) {
      known.idNumbers = new Set([...known.idNumbers, r['证件号码'] as string]);
      if (r['联系电话']) known.phones = new Set([...known.phones, r['联系电话']]);
      secrets.push(r['证件号码'] as string);
    }
  }
  // A bank account on the card must not reach the page either.
  await db.updateTable('households').set({ bank_account: '6228480012345678901', phone: '13912345678' }).where('id', '=', h1.id).execute();
  known.bankAccounts = new Set(['6228480012345678901']);
  known.phones = new Set([...known.phones, '13912345678']);

  const county = ctxAs(db, 'county_official', '522324');
  const township = ctxAs(db, 'township_officer', '522324101');
  const tea = await createProject(db, {
    name: EVIL,
    type: '种植业',
    state: '实施',
    planYear: 2026,
    beneficiaries: [
      { householdId: h1.id, mechanism: '产业奖补' },
      { householdId: h1.id, mechanism: '务工' },
      { householdId: h2.id, mechanism: '分红' },
    ],
  });
  await postEntry(county, { projectId: tea.id, kind: '下达', source: SOURCE_A, amountYuan: '1000', bookedOn: '2026-02-01' });
  await postEntry(county, { projectId: tea.id, kind: '拨付', source: SOURCE_A, amountYuan: '600', bookedOn: '2026-03-01' });
  await postEntry(township, { projectId: tea.id, kind: '到户', source: SOURCE_A, amountYuan: '150', bookedOn: '2026-04-01', householdId: h1.id });
  const wrong = await postEntry(township, { projectId: tea.id, kind: '到户', source: SOURCE_A, amountYuan: '20', bookedOn: '2026-04-02', householdId: h2.id });
  await reverseEntry(township, { entryId: wrong.id, reason: '重复', bookedOn: '2026-04-03' });
  // A road over two villages, in its notice period since 2026-05-10 (Beijing time).
  const road = await createProject(db, {
    name: '三合至保家通组公路',
    villages: [SANHE, BAOJIA],
    type: '农村道路',
    state: '公告公示',
    planYear: 2026,
    beneficiaries: [{ householdId: h3.id, mechanism: '务工' }],
  });
  await db
    .insertInto('project_steps')
    .values({
      project_id: road.id,
      county_code: '522324',
      seq: 1,
      action: 'approve',
      from_state: '县级审定',
      to_state: '公告公示',
      actor_name: '测试',
      actor_role: 'county_official',
      at: new Date('2026-05-09T17:30:00Z'),
    })
    .execute();
  draftName = unique('保家村草案');
  await createProject(db, { name: draftName, state: '村申报' });
  const early = await createProject(db, { name: '保家村未批先拨', state: '乡镇审核' });
  await postEntry(county, { projectId: early.id, kind: '下达', source: SOURCE_A, amountYuan: '50', bookedOn: '2026-05-01' });
});

describe('GET /api/public/villages/{code}', () => {
  it("shows the village's approved projects and those with money, amounts and progress, masked beneficiaries and notices", async () => {
    const res = await visitor.api.public.villages[':code'].$get({ param: { code: BAOJIA }, query: {} });
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('set-cookie')).toBeNull();
    const v = await bodyOf(res, 200);
    expect(v.village).toEqual({ code: BAOJIA, name: expect.stringContaining('保家'), fullName: expect.stringMatching(/^晴隆县沙子镇保家/) });
    const tea = v.projects.find((p) => p.name === EVIL);
    expect(tea).toMatchObject({
      type: '种植业',
      category: '产业发展',
      state: '实施',
      planYear: 2026,
      shared: false,
      allocatedFen: 100_000,
      disbursedFen: 60_000,
      spentFen: 15_000,
      householdPaidFen: 15_000,
      progress: 0.15,
      beneficiaryCount: 2,
    });
    expect([...(tea?.beneficiaries ?? [])].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [
        { name: '张*三', mechanisms: ['务工', '产业奖补'], paidFen: 15_000 },
        { name: '李*', mechanisms: ['分红'], paidFen: 0 },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
    // The shared road: listed with the whole project's figures; its beneficiary lives in 三合, not here.
    const road = v.projects.find((p) => p.name === '三合至保家通组公路');
    expect(road).toMatchObject({ shared: true, state: '公告公示', allocatedFen: 0, progress: null, beneficiaryCount: 1, beneficiaries: [] });
    expect(v.projects.some((p) => p.name === '保家村未批先拨')).toBe(true);
    expect(v.projects.some((p) => p.name === draftName)).toBe(false);
    // The notice: from the county's approval (Beijing date) for 10 days.
    expect(v.notices).toContainEqual({ projectName: '三合至保家通组公路', startsOn: '2026-05-10', endsOn: '2026-05-20' });
    expect(v.households.paidFen).toBeGreaterThanOrEqual(15_000);
    expect(v.totals.allocatedFen).toBe(v.projects.reduce((s, p) => s + p.allocatedFen, 0));
    // A year narrows the money, not the list of approved projects.
    const before = await bodyOf(await visitor.api.public.villages[':code'].$get({ param: { code: BAOJIA }, query: { year: '2025' } }), 200);
    expect(before.period).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(before.projects.find((p) => p.name === EVIL)).toMatchObject({ allocatedFen: 0, beneficiaries: [{ paidFen: 0 }, { paidFen: 0 }] });
    // 三合's page lists the road with its own beneficiary, masked.
    const sanhe = await bodyOf(await visitor.api.public.villages[':code'].$get({ param: { code: SANHE }, query: {} }), 200);
    expect(sanhe.projects.find((p) => p.name === '三合至保家通组公路')?.beneficiaries).toEqual([{ name: '王*六', mechanisms: ['务工'], paidFen: 0 }]);
  });

  it('answers 404 to an unknown village and to a code that is not 12 digits, saying what a village code is', async () => {
    const unknown = await visitor.get('/api/public/villages/522324101999');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    for (const bad of ['522324101', '52232410120x', 'abc', '5223241012091']) {
      const res = await visitor.get(`/api/public/villages/${bad}`);
      expect(res.status, bad).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('12 位数字');
    }
    // A township's code is 12 digits short of a village: not a village, 404.
    expect((await visitor.get('/api/public/villages/522324101000')).status).toBe(404);
    expect((await visitor.get(`/api/public/villages/${BAOJIA}?year=1900`)).status).toBe(400);
  });
});

describe('GET /public/villages/{code} (HTML)', () => {
  it('renders the page in zh-CN, escaped, printable, with its static stylesheet and the CSP kept', async () => {
    const res = await visitor.get(`/public/villages/${BAOJIA}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>\s*<html lang="zh-CN">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<link rel="stylesheet" href="/public/village.css">');
    expect(html).toContain('晴隆县沙子镇保家');
    expect(html).toContain('保家村&lt;script&gt;alert(1)&lt;/script&gt;茶叶基地');
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('张*三');
    expect(html).toContain('务工、产业奖补');
    expect(html).toContain('1,000.00'); // allocated, in yuan
    expect(html).toContain('15.00%'); // 资金支出进度
    expect(html).toContain('跨村项目');
    expect(html).toContain('2026-05-10');
    expect(html).toContain('2026-05-20');
    expect(html).not.toContain(draftName);

    const css = await visitor.get('/public/village.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const text = await css.text();
    expect(text).toContain('@media print');
    expect(text).toContain('@page');
    expect(text).toContain('max-width:480px');
  });

  it('answers unknown and malformed codes with a 404 page, escaping what was typed', async () => {
    const unknown = await visitor.get('/public/villages/522324101999');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('找不到村（社区）522324101999');
    const bad = await visitor.get(`/public/villages/${encodeURIComponent('<b>x</b>')}`);
    expect(bad.status).toBe(404);
    const html = await bad.text();
    expect(html).toContain('12 位数字');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<b>x');
    expect((await visitor.get(`/public/villages/${BAOJIA}?year=abc`)).status).toBe(400);
  });
});

describe('personal data', () => {
  it('never carries an ID number, a phone, a bank account, a 户编号, an internal id or a full name', async () => {
    const bodies = [
      await (await visitor.get(`/api/public/villages/${BAOJIA}`)).text(),
      await (await visitor.get(`/public/villages/${BAOJIA}`)).text(),
      await (await visitor.get(`/api/public/villages/${SANHE}`)).text(),
      await (await visitor.get(`/public/villages/${SANHE}`)).text(),
    ];
    // Not vacuous: the database holds them, and the pages do show the households (masked).
    expect(known.idNumbers.size).toBeGreaterThanOrEqual(4);
    expect(bodies[0]).toContain('张*三');
    for (const text of bodies) {
      expect(findPersonalData(text, known)).toEqual([]);
      expect(text).not.toMatch(/\d{17}[\dXx]/); // an 18-digit ID number
      expect(text).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/); // an 11-digit mobile
      expect(text.match(/.{0,40}\d{13,}.{0,40}/)?.[0]).toBeUndefined(); // any long digit run (bank account, 户编号), shown in context
      for (const s of secrets) expect(text).not.toContain(s);
      for (const name of ['张小三', '李四', '王五六']) expect(text).not.toContain(name);
    }
  });
});

describe('rate limit per client address', () => {
  it('refuses the 61st request in a minute with 429 and Retry-After (JSON and HTML share the bucket); other addresses go on', async () => {
    const greedy = await anonymous({ ip: '10.16.9.9' });
    for (let i = 0; i < 60; i++) {
      const r = await greedy.get('/api/public/villages/x');
      expect(r.status, `request ${i + 1}`).toBe(404);
    }
    const refused = await greedy.get(`/api/public/villages/${BAOJIA}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    const page = await greedy.get(`/public/villages/${BAOJIA}`);
    expect(page.status).toBe(429);
    expect(Number(page.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await page.text()).toContain('访问过于频繁');
    // A header the client sends does not make it someone else (no proxy is trusted by default).
    expect((await greedy.get(`/api/public/villages/${BAOJIA}`, { 'x-forwarded-for': '10.77.0.1' })).status).toBe(429);
    // Another address is not held back; the stylesheet is not counted.
    expect((await (await anonymous({ ip: '10.16.9.10' })).get(`/api/public/villages/${BAOJIA}`)).status).toBe(200);
    expect((await greedy.get('/public/village.css')).status).toBe(200);
  });

  it('behind a trusted proxy, goes by the address the proxy added (the last X-Forwarded-For entry)', async () => {
    const previous = process.env.DRIPLINE_TRUST_PROXY;
    process.env.DRIPLINE_TRUST_PROXY = '1';
    try {
      const proxy = await anonymous({ ip: '10.16.8.1' });
      for (let i = 0; i < 60; i++) expect((await proxy.get('/api/public/villages/x', { 'x-forwarded-for': `1.2.3.${i}, 10.16.8.50` })).status).toBe(404);
      // The client's own entries (before the proxy's) change nothing: still 10.16.8.50.
      expect((await proxy.get('/api/public/villages/x', { 'x-forwarded-for': '9.9.9.9, 10.16.8.50' })).status).toBe(429);
      // Another client behind the same proxy goes on.
      expect((await proxy.get('/api/public/villages/x', { 'x-forwarded-for': '10.16.8.51' })).status).toBe(404);
    } finally {
      if (previous === undefined) delete process.env.DRIPLINE_TRUST_PROXY;
      else process.env.DRIPLINE_TRUST_PROXY = previous;
    }
  });
});

describe('the server keeps a made page for its max-age (DRIPLINE_PUBLIC_CACHE_SECONDS)', () => {
  it('serves the same page to the next visitor until it expires on the clock; keeps no 404; JSON and HTML apart', async () => {
    const { handle } = await getTestDb();
    let now = Date.parse('2026-06-01T02:00:00Z');
    const app = createApp({ db, bulk: handle.bulk, config: { ...testConfig(), publicCacheSeconds: 60 }, clock: () => new Date(now) });
    const one = new Agent(app, { ip: '10.16.7.1' });
    const other = new Agent(app, { ip: '10.16.7.2' });
    const name = unique('保家村新建蓄水池');

    const first = await one.get(`/api/public/villages/${BAOJIA}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBeNull();
    const firstBody = await first.text();
    const page = await one.get(`/public/villages/${BAOJIA}`);
    expect(page.headers.get('x-cache')).toBeNull();
    const pageBody = await page.text();

    // New money in the village: within the minute every visitor still gets the page made before it.
    const pool = await createProject(db, { name, type: '饮水工程', state: '实施', planYear: 2026 });
    await postEntry(ctxAs(db, 'county_official', '522324'), { projectId: pool.id, kind: '下达', source: SOURCE_A, amountYuan: '4321', bookedOn: '2026-05-20' });
    now += 59_000;
    const cached = await other.get(`/api/public/villages/${BAOJIA}`);
    expect(cached.headers.get('x-cache')).toBe('hit');
    expect(cached.headers.get('content-type')).toContain('application/json');
    expect(cached.headers.get('cache-control')).toBe('public, max-age=60');
    expect(await cached.text()).toBe(firstBody);
    const cachedPage = await other.get(`/public/villages/${BAOJIA}`);
    expect(cachedPage.headers.get('x-cache')).toBe('hit');
    expect(cachedPage.headers.get('content-type')).toContain('text/html');
    expect(await cachedPage.text()).toBe(pageBody);
    // Another year is another page.
    expect((await other.get(`/api/public/villages/${BAOJIA}?year=2025`)).headers.get('x-cache')).toBeNull();

    // A minute on, the page is made again and shows the project.
    now += 2_000;
    const fresh = await other.get(`/api/public/villages/${BAOJIA}`);
    expect(fresh.headers.get('x-cache')).toBeNull();
    expect(await fresh.text()).toContain(name);
    expect(await (await other.get(`/public/villages/${BAOJIA}`)).text()).toContain(name);

    // The setting: seconds from 0 (off) to 3600, 60 by default; anything else stops the start.
    expect(loadConfig({}).publicCacheSeconds).toBe(60);
    expect(loadConfig({ DRIPLINE_PUBLIC_CACHE_SECONDS: '0' }).publicCacheSeconds).toBe(0);
    expect(() => loadConfig({ DRIPLINE_PUBLIC_CACHE_SECONDS: '1.5' })).toThrow(/DRIPLINE_PUBLIC_CACHE_SECONDS/);
    expect(() => loadConfig({ DRIPLINE_PUBLIC_CACHE_SECONDS: '86400' })).toThrow(/0 to 3600/);

    // An unknown village is looked up every time (nothing kept for it).
    for (let i = 0; i < 2; i++) {
      const missing = await one.get('/api/public/villages/522324101999');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-cache')).toBeNull();
    }
  });
});
