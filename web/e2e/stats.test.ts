// e2e: 统计监测 — the county official opens the dashboard from the menu (1280×800) and directly
// (800×1280): the headline figures are the API's, each chart draws on its canvas (pixel check), the
// townships' table links to a township's dashboard and to its map; the village cadre's dashboard
// is its village's only, and a township's is refused.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEntry } from '../../api/modules/funds/funds.ts';
import { createProject, ctxAs, SOURCE_A, SOURCE_B } from '../../api/modules/funds/test-projects.ts';
import { RULES } from '../../api/modules/crosscheck/rules/index.ts';
import { getTestDb } from '../../api/test/db.ts';
import { LANDSCAPE, login, openTablet, pixelStats, PORTRAIT, saveScreenshot, type Tablet } from './browser.ts';

const QINGLONG = '522324';
const SHAZI = '522324101';
const BAOJIA = '522324101209';
const SANHE = '522324101002';
const OTHER = '522324106204';
const WHITE: [number, number, number] = [255, 255, 255];
const CHARTS = ['chart-status', 'chart-causes', 'chart-findings', 'chart-funds'];

let n = 0;
beforeAll(async () => {
  const { db } = await getTestDb();
  // Findings of several rules and statuses, money of two sources in two townships.
  const codes = RULES.map((r) => r.code);
  const rows: [string, string, string][] = [
    [BAOJIA, codes[0] as string, 'open'],
    [BAOJIA, codes[1] as string, 'needs_visit'],
    [SANHE, codes[1] as string, 'confirmed'],
    [SANHE, codes[2] as string, 'open'],
    [OTHER, codes[3] as string, 'dismissed'],
    [OTHER, codes[0] as string, 'open'],
  ];
  for (const [village, rule, status] of rows) {
    n++;
    await sql`insert into findings (county_code, rule, household_no, id_number, village_code, severity, evidence, evidence_text, evidence_hash, status)
      values (${QINGLONG}, ${rule}, ${`e2e统计${process.pid}-${n}`}, '', ${village}, 'review', '{}'::jsonb, '统计页测试', ${`e${n}`}, ${status})`.execute(db);
  }
  const county = ctxAs(db, 'county_official', QINGLONG);
  const township = ctxAs(db, 'township_officer', SHAZI);
  const baojia = await createProject(db, { villages: [BAOJIA], name: `统计页保家村项目${process.pid}` });
  const other = await createProject(db, { villages: [OTHER], name: `统计页外乡镇项目${process.pid}` });
  const post = (ctx: typeof county, projectId: string, kind: '下达' | '拨付' | '报账', source: string, amountFen: number) =>
    postEntry(ctx, { projectId, kind, source, amountFen, bookedOn: '2026-05-01', ...(kind === '报账' ? { voucherNo: `e2e-${n++}` } : {}) });
  await post(county, baojia.id, '下达', SOURCE_A, 2_000_000);
  await post(county, baojia.id, '拨付', SOURCE_A, 1_500_000);
  await post(township, baojia.id, '报账', SOURCE_A, 900_000);
  await post(county, baojia.id, '下达', SOURCE_B, 800_000);
  await post(county, baojia.id, '拨付', SOURCE_B, 800_000);
  await post(township, baojia.id, '报账', SOURCE_B, 200_000);
  await post(county, other.id, '下达', SOURCE_A, 1_000_000);
});

/** Waits until every chart's canvas holds a drawing (bars grow in with an animation). */
async function expectChartsDrawn(page: Page) {
  for (const id of CHARTS) {
    const canvas = page.getByTestId(id).locator('canvas').first();
    await canvas.waitFor();
    await expect
      .poll(async () => (await pixelStats(page, canvas, WHITE)).nonBackgroundShare, { timeout: 10_000, message: `${id} draws` })
      .toBeGreaterThan(0.02);
    const stats = await pixelStats(page, canvas, WHITE);
    expect(stats.width, id).toBeGreaterThan(250);
    expect(stats.distinctColours, id).toBeGreaterThan(6);
  }
}

/** Back to the top of the page (a canvas screenshot scrolls it) for a screenshot a person looks at. */
const toTop = (page: Page) => page.getByTestId('stats-title').evaluate((el) => el.scrollIntoView());

async function kpi(page: Page, key: string) {
  return (await page.getByTestId(`kpi-${key}`).locator('.stats__kpi-value').innerText()).replace(/,/g, '');
}

describe('统计监测 (county official, 1280×800)', () => {
  let tablet: Tablet;
  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
  });
  afterAll(() => tablet?.close());

  it('shows the county’s figures and charts, and its townships link to their dashboards and maps', async () => {
    const { page } = tablet;
    await login(page, 'qinglong_county');
    await page.getByTestId('nav-stats').click();
    await page.waitForURL('**/stats');
    await expect.poll(() => page.getByTestId('stats-title').innerText()).toContain('晴隆县');
    const api = (await (await page.request.get(`/api/stats/${QINGLONG}`)).json()) as {
      registry: { inRegistry: { households: number; people: number } };
      findings: { byStatus: { open: number } };
      children: { code: string }[];
    };
    expect(await kpi(page, 'households')).toBe(String(api.registry.inRegistry.households));
    expect(await kpi(page, 'people')).toBe(String(api.registry.inRegistry.people));
    expect(await kpi(page, 'findings')).toBe(String(api.findings.byStatus.open));
    expect(await page.getByTestId('kpi-progress').innerText()).toMatch(/\d+\.\d%/);
    await expectChartsDrawn(page);
    expect(await page.getByTestId('stats-child').count()).toBe(api.children.length);
    expect(await page.getByTestId('stats-guarantees').innerText()).toContain('饮水安全有保障');
    // When the figures were computed (kept until the data changes).
    expect(await page.getByTestId('stats-as-of').innerText()).toMatch(/^数据截至 \d{4}/);
    await expect.poll(() => page.locator('.el-loading-mask').count()).toBe(0);
    await toTop(page);
    await saveScreenshot(page, 'stats-county-1280x800');
    await page.getByTestId('stats-children').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'stats-county-children-1280x800');

    // the township's map, then its dashboard
    const row = page.getByTestId('stats-children').locator('tr', { has: page.locator(`[data-testid="stats-child"][data-code="${SHAZI}"]`) });
    expect(await row.getByTestId('stats-child-map').getAttribute('href')).toBe(`/areas/${SHAZI}`);
    await row.getByTestId('stats-child').click();
    await page.waitForURL(`**/stats/${SHAZI}`);
    await expect.poll(() => page.getByTestId('stats-title').innerText()).toContain('沙子镇');
    expect(await page.getByTestId('stats-crumbs').innerText()).toMatch(/晴隆县[\s\S]*沙子镇/);
    expect(await page.getByTestId('stats-children').innerText()).toContain('保家村');
    await expectChartsDrawn(page);
    expect(await page.getByTestId('stats-export').getAttribute('href')).toBe(`/api/stats/${SHAZI}/export.xlsx`);
    const xlsx = await page.request.get(`/api/stats/${SHAZI}/export.xlsx`);
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
    await toTop(page);
    await saveScreenshot(page, 'stats-township-1280x800');
    // back to the county through the breadcrumbs
    await page.getByTestId('stats-crumbs').locator('a', { hasText: '晴隆县' }).click();
    await page.waitForURL(`**/stats/${QINGLONG}`);
    expect(tablet.external).toEqual([]);
  });
});

describe('统计监测 (county official, 800×1280)', () => {
  let tablet: Tablet;
  beforeAll(async () => {
    tablet = await openTablet(PORTRAIT);
  });
  afterAll(() => tablet?.close());

  it('draws the charts one under another in portrait', async () => {
    const { page } = tablet;
    await login(page, 'qinglong_county');
    await page.goto('/stats');
    await expect.poll(() => page.getByTestId('stats-title').innerText()).toContain('晴隆县');
    await expectChartsDrawn(page);
    // one column: the charts stack
    const boxes = await Promise.all(CHARTS.map((id) => page.getByTestId(id).boundingBox()));
    for (const b of boxes) expect(b?.width ?? 0).toBeGreaterThan(600);
    await expect.poll(() => page.locator('.el-loading-mask').count()).toBe(0);
    await toTop(page);
    await saveScreenshot(page, 'stats-county-800x1280');
    await page.getByTestId('chart-funds').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'stats-county-funds-800x1280');
    // in English: the page's words change, the data (names, fund sources in the ledger) stays
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('stats-title').innerText()).toContain('Statistics');
    expect(await page.getByTestId('kpi-households').innerText()).toContain('Households in the registry');
    expect(await page.getByTestId('stats-as-of').innerText()).toContain('Figures as of');
    expect(await page.getByTestId('chart-findings').innerText()).toContain('Cross-check findings by rule');
    await expectChartsDrawn(page);
    await toTop(page);
    await saveScreenshot(page, 'stats-county-en-800x1280');
  });
});

describe('统计监测 (village cadre)', () => {
  let tablet: Tablet;
  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
  });
  afterAll(() => tablet?.close());

  it('shows only the village’s figures, and refuses the township', async () => {
    const { page } = tablet;
    await login(page, 'baojia_cadre');
    await page.getByTestId('nav-stats').click();
    await page.waitForURL('**/stats');
    await expect.poll(() => page.getByTestId('stats-title').innerText()).toContain('保家村');
    const api = (await (await page.request.get(`/api/stats/${BAOJIA}`)).json()) as { registry: { inRegistry: { households: number } } };
    expect(await kpi(page, 'households')).toBe(String(api.registry.inRegistry.households));
    expect(await page.getByTestId('stats-children').count()).toBe(0);
    await expectChartsDrawn(page);
    // the breadcrumbs name the township and county, but do not link them
    expect(await page.getByTestId('stats-crumbs').locator('a').count()).toBe(0);
    await expect.poll(() => page.locator('.el-loading-mask').count()).toBe(0);
    await toTop(page);
    await saveScreenshot(page, 'stats-village-1280x800');

    await page.goto(`/stats/${SHAZI}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByTestId('stats-kpis').count()).toBe(0);
    expect((await page.request.get(`/api/stats/${SHAZI}`)).status()).toBe(403);
  });
});
