// e2e: the area map's choropleths and the village panel (挂图作战 §2) in headless Chromium, on
// landscape and portrait tablets — the selector recolours the map (the canvas pixels change, the
// legend follows), a tap on a village opens its panel with the figures GET /api/stats/{code}/children
// gives, and the panel's links lead to the village's filtered lists (households, findings, projects,
// ledger).
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { postEntry } from '../../api/modules/funds/funds.ts';
import { createProject, ctxAs, SOURCE_A } from '../../api/modules/funds/test-projects.ts';
import { getTestDb, unique } from '../../api/test/db.ts';
import { LANDSCAPE, login, openTablet, PORTRAIT, saveScreenshot, type Tablet, waitForMap } from './browser.ts';

const SHAZI = '522324101';
const BAOJIA = '522324101209';

/**
 * Keeps the screenshot's pixels in the page under `name` (decoded there: no image library on the Node
 * side, and millions of numbers never cross the automation protocol).
 */
async function snapshot(page: Page, target: Locator, name: string): Promise<void> {
  const png = await target.screenshot();
  await page.evaluate(`(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png.toString('base64')}';
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    (window.__snaps ??= {})[${JSON.stringify(name)}] = ctx.getImageData(0, 0, c.width, c.height).data;
  })()`);
}

/** Pixels whose colour differs (by more than a small tolerance) between two snapshots. */
const changedPixels = (page: Page, a: string, b: string) =>
  page.evaluate<number>(`(() => {
    const x = window.__snaps[${JSON.stringify(a)}], y = window.__snaps[${JSON.stringify(b)}];
    let n = 0;
    for (let i = 0; i < x.length; i += 4) if (Math.abs(x[i] - y[i]) + Math.abs(x[i + 1] - y[i + 1]) + Math.abs(x[i + 2] - y[i + 2]) > 30) n++;
    return n;
  })()`);

interface Child {
  code: string;
  households: number;
  monitoringHouseholds: number;
  monitoringRate: number | null;
  openFindings: number;
  funds: { progress: number | null } | null;
}

/**
 * Taps 保家村 on the township's map at its label point, with the household points off first (a tap
 * within 8 px of a household cluster zooms into the cluster instead: the village seat is where the
 * demo households cluster).
 */
async function tapVillage(page: Page): Promise<void> {
  const households = page.getByTestId('map-households').locator('input');
  if (await households.isChecked()) {
    await page.getByTestId('map-households').click();
    await expect.poll(() => page.evaluate<number>('window.__driplineMap.clusterCount + window.__driplineMap.householdCount')).toBe(0);
  }
  const point = await page.evaluate<[number, number] | null>(`window.__driplineMap.pointOf('${BAOJIA}')`);
  expect(point).not.toBeNull();
  const [x, y] = point as [number, number];
  await page.mouse.click(x, y);
  await page.getByTestId('area-panel').waitFor();
}

async function chooseMetric(page: Page, key: string, legend: string): Promise<void> {
  await page.getByTestId('map-metric').click();
  await page.getByTestId(`map-metric-${key}`).click();
  await expect.poll(() => page.getByTestId('map-legend').innerText()).toContain(legend);
  await waitForMap(page, SHAZI);
}

/** Money and an open finding in 保家村 (this file's own project and finding), so that the panel and its lists have some. */
async function seedVillage(): Promise<void> {
  const { db } = await getTestDb();
  const project = await createProject(db, { villages: [BAOJIA], name: unique('地图面板项目') });
  const official = ctxAs(db, 'county_official', '522324');
  await postEntry(official, { projectId: project.id, kind: '下达', source: SOURCE_A, amountFen: 800_000, bookedOn: '2026-05-01' });
  await postEntry(official, { projectId: project.id, kind: '拨付', source: SOURCE_A, amountFen: 500_000, bookedOn: '2026-05-02' });
  await postEntry(ctxAs(db, 'township_officer', SHAZI), {
    projectId: project.id,
    kind: '报账',
    source: SOURCE_A,
    amountFen: 200_000,
    bookedOn: '2026-05-03',
    voucherNo: unique('图面板-'),
  });
  const key = unique('map-panel-');
  await sql`insert into findings (county_code, rule, household_no, id_number, village_code, severity, evidence, evidence_text, evidence_hash, status, present)
    values ('522324', 'DECEASED', ${key}, '', ${BAOJIA}, 'exclude', '{}'::jsonb, '地图面板测试', ${key}, 'open', true)`.execute(db);
}

for (const viewport of [LANDSCAPE, PORTRAIT]) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`choropleths and the village panel (${size})`, () => {
    let tablet: Tablet;
    let page: Page;
    let figures: Child[];

    beforeAll(async () => {
      tablet = await openTablet(viewport);
      page = tablet.page;
      await seedVillage();
      await login(page, 'qinglong_county');
      figures = ((await (await page.request.get(`/api/stats/${SHAZI}/children`)).json()) as { items: Child[] }).items;
    });
    afterAll(() => tablet?.close());

    it('recolours the map when another figure is chosen, with its legend', async () => {
      await page.goto(`/areas/${SHAZI}`);
      await waitForMap(page, SHAZI);
      // The household points are another layer: off, so that only the areas' colours can change.
      await page.getByTestId('map-households').click();
      await expect.poll(() => page.evaluate<number>('window.__driplineMap.clusterCount + window.__driplineMap.householdCount')).toBe(0);
      await expect.poll(() => page.getByTestId('map-legend').innerText()).toContain('农户数');
      const map = page.getByTestId('area-map');
      await snapshot(page, map, 'households');

      await chooseMetric(page, 'monitoringRate', '监测户占在册户比例');
      const legend = await page.getByTestId('map-legend').innerText();
      expect(legend).toMatch(/\d+%/);
      // The list beside the map shows the same figure.
      const rateOf = figures.find((c) => c.code === BAOJIA)?.monitoringRate ?? null;
      expect(await page.locator(`[data-testid="area-child"][data-code="${BAOJIA}"] [data-testid="area-child-figure"]`).innerText()).toBe(
        rateOf === null ? '—' : `${Math.round(rateOf * 100)}%`,
      );
      await snapshot(page, map, 'rate');
      // Real recolouring: thousands of the canvas's pixels changed colour (the villages' fills).
      expect(await changedPixels(page, 'households', 'rate')).toBeGreaterThan(2_000);
      await saveScreenshot(page, `map-choropleth-rate-${size}`);

      await chooseMetric(page, 'progress', '资金支出进度');
      await snapshot(page, map, 'progress');
      expect(await changedPixels(page, 'rate', 'progress')).toBeGreaterThan(2_000);
      // Villages without money are in the legend's neutral class.
      if (figures.some((c) => c.funds?.progress == null)) expect(await page.getByTestId('map-legend').innerText()).toContain('未下达资金');

      // Back to households: the first colours again.
      await chooseMetric(page, 'households', '农户数');
      await snapshot(page, map, 'households-again');
      expect(await changedPixels(page, 'households', 'households-again')).toBeLessThan(500);
    });

    it('opens the panel of a village tapped on the map, with its figures', async () => {
      await tapVillage(page);
      const panel = page.getByTestId('area-panel');
      // A tap shows the panel; it does not leave the township's map.
      expect(new URL(page.url()).pathname).toBe(`/areas/${SHAZI}`);
      expect(await panel.getAttribute('data-code')).toBe(BAOJIA);
      expect(await page.getByTestId('area-panel-name').innerText()).toBe('保家村');
      const baojia = figures.find((c) => c.code === BAOJIA) as Child;
      expect(await page.getByTestId('panel-households').innerText()).toBe(baojia.households.toLocaleString('zh-CN'));
      expect(await page.getByTestId('panel-monitoring').innerText()).toContain(String(baojia.monitoringHouseholds));
      expect(baojia.openFindings).toBeGreaterThan(0);
      expect(await page.getByTestId('panel-findings').innerText()).toContain(String(baojia.openFindings));
      expect(await page.getByTestId('panel-findings').innerText()).toContain('应清退');
      // 资金支出进度 = spent ÷ allocated, as the ledger gives it.
      expect(baojia.funds?.progress).toBeGreaterThan(0);
      expect(await page.getByTestId('panel-progress').innerText()).toBe(`${((baojia.funds?.progress ?? 0) * 100).toFixed(1)}%`);
      await panel.scrollIntoViewIfNeeded();
      await saveScreenshot(page, `map-village-panel-${size}`);
    });

    it('leads from the panel to the village’s households, in the registry', async () => {
      await page.getByTestId('panel-link-households').click();
      await page.waitForURL('**/households?**');
      const url = new URL(page.url());
      expect(url.searchParams.get('area')).toBe(BAOJIA);
      expect(url.searchParams.get('registryState')).toBe('在册');
      const baojia = figures.find((c) => c.code === BAOJIA) as Child;
      await expect.poll(() => page.getByTestId('household-total').innerText()).toContain(baojia.households.toLocaleString());
      await saveScreenshot(page, `map-panel-households-${size}`);
    });

    it('leads to the village’s open findings, its projects and its ledger', async () => {
      const open = async () => {
        await page.goto(`/areas/${SHAZI}`);
        await waitForMap(page, SHAZI);
        await tapVillage(page);
      };
      await open();
      await page.getByTestId('panel-link-findings').click();
      await page.waitForURL('**/crosscheck?**');
      expect(new URL(page.url()).searchParams.get('area')).toBe(BAOJIA);
      await expect.poll(() => page.getByTestId('cc-filter-area').innerText()).toContain('保家村');
      const baojia = figures.find((c) => c.code === BAOJIA) as Child;
      await expect.poll(() => page.getByRole('tab', { name: /疑点核查/ }).innerText()).toContain(String(baojia.openFindings));

      await open();
      await page.getByTestId('panel-link-projects').click();
      await page.waitForURL('**/projects?**');
      await expect.poll(() => page.getByTestId('projects-village').innerText()).toContain('保家村');
      const api = (await (await page.request.get(`/api/projects?village=${BAOJIA}&limit=1`)).json()) as { total: number };
      expect(api.total).toBeGreaterThanOrEqual(1);
      await expect.poll(() => page.getByTestId('projects-total').innerText()).toContain(String(api.total));

      await open();
      await page.getByTestId('panel-link-ledger').click();
      await page.waitForURL('**/funds?**');
      await expect.poll(() => page.getByTestId('ledger-village').innerText()).toContain('保家村');
      const entries = (await (await page.request.get(`/api/funds/entries?village=${BAOJIA}&pageSize=1`)).json()) as { total: number };
      expect(entries.total).toBeGreaterThanOrEqual(3);
      await expect.poll(() => page.getByTestId('ledger-total').innerText()).toContain(String(entries.total));
      await saveScreenshot(page, `map-panel-ledger-${size}`);
    });

    it('opens a village’s own map from its panel', async () => {
      await page.goto(`/areas/${SHAZI}`);
      await waitForMap(page, SHAZI);
      await tapVillage(page);
      await page.getByTestId('panel-open-area').click();
      await page.waitForURL(`**/areas/${BAOJIA}`);
      expect((await waitForMap(page, BAOJIA)).renderedCount).toBe(1);
    });
  });
}
