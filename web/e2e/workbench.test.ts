// e2e: the workbench (工作台) is every role's home page, on a tablet in both orientations
// (1280×800, 800×1280). The village cadre lands on its to-dos (遍访, 村级评议, 公示, findings,
// incomplete cards, 风险消除) and one tap on an item opens the list where it is handled; the
// township officer sees the procedure waiting for its sign-off with its days and opens its card;
// the county official's open findings lead to the findings queue filtered by the rule; the
// inspector's workbench is read-only (changes, findings, refusals, no work items); the map stays one
// tap away. The county's command view (指挥调度, 1920×1080 and 1280×800) draws the map, the key
// figures and the live to-dos side by side. Every tappable row is ≥ 44 px.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../api/modules/crosscheck/rules/index.ts';
import { getTestDb } from '../../api/test/db.ts';
import { newProcedure } from '../../api/test/factories.ts';
import { LANDSCAPE, login, openTablet, pixelStats, PORTRAIT, saveScreenshot, smallTargets, type Tablet, waitForMap } from './browser.ts';

const QINGLONG = '522324';
const BAOJIA = '522324101209';
const SANHE = '522324101002';
const RULE = RULES[1]?.code as string;
const MAP_BACKGROUND: [number, number, number] = [0xee, 0xf1, 0xec];

let review: { householdId: string };
let signoff: { householdId: string };

beforeAll(async () => {
  const { db } = await getTestDb();
  review = await newProcedure({ village: BAOJIA, atStage: '村级评议' });
  signoff = await newProcedure({ village: SANHE, atStage: '乡镇审核', at: new Date(Date.now() - 40 * 24 * 60 * 60 * 1000) });
  // An open finding of one rule in 保家村 (the county's queue shows it under that rule).
  await sql`insert into findings (county_code, rule, household_no, id_number, village_code, severity, evidence, evidence_text, evidence_hash, status)
    values (${QINGLONG}, ${RULE}, ${`e2e工作台${process.pid}`}, '', ${BAOJIA}, 'review', '{}'::jsonb, '工作台测试', ${`wb${process.pid}`}, 'open')`.execute(db);
});

const item = (page: Page, key: string) => page.getByTestId(`wb-item-${key}`);
const countOf = async (page: Page, key: string) => Number((await item(page, key).getByTestId('wb-item-count').innerText()).replace(/[,+]/g, ''));

async function expectTouchSized(page: Page) {
  expect(
    await smallTargets(page, '[data-testid="wb-item-link"], [data-testid="wb-entry"], [data-testid="workbench-map"], [data-testid="workbench-refresh"]'),
  ).toEqual([]);
}

for (const [name, viewport] of [
  ['1280x800', LANDSCAPE],
  ['800x1280', PORTRAIT],
] as const) {
  describe(`workbench (${name})`, () => {
    let tablet: Tablet;
    let page: Page;
    beforeAll(async () => {
      tablet = await openTablet(viewport);
      page = tablet.page;
    });
    afterAll(() => tablet?.close());

    it('the village cadre lands on its to-dos; an item opens the list where it is handled', async () => {
      await login(page, 'baojia_cadre');
      expect(new URL(page.url()).pathname).toBe('/');
      await page.getByTestId('workbench-items').waitFor();
      for (const key of ['visitOverdue', 'villageReview', 'noticesToPost', 'findingsToVerify', 'incomplete', 'riskEliminationDue']) {
        expect(await item(page, key).count(), key).toBe(1);
      }
      expect(await page.getByTestId('workbench-area').innerText()).toContain('保家村');
      // What the server counts is what the page shows.
      const api = (await (await page.request.get('/api/workbench')).json()) as { items: { key: string; count: number }[] };
      const overdue = api.items.find((i) => i.key === 'visitOverdue')?.count ?? 0;
      expect(overdue).toBeGreaterThan(0);
      expect(await countOf(page, 'visitOverdue')).toBe(overdue);
      expect(await item(page, 'visitOverdue').innerText()).toContain('超期未走访');
      expect(await countOf(page, 'villageReview')).toBeGreaterThan(0);
      await expectTouchSized(page);
      await saveScreenshot(page, `workbench-cadre-${name}`);

      // 超期未走访 → the household list filtered by the to-do, with the same total.
      await item(page, 'visitOverdue').getByTestId('wb-item-link').click();
      await page.waitForURL((u) => u.pathname === '/households' && u.searchParams.get('todo') === 'visitOverdue');
      expect(await page.getByTestId('household-todo').innerText()).toContain('超期未走访');
      await expect.poll(() => page.getByTestId('household-table').locator('tbody tr').count()).toBeGreaterThan(0);
      await saveScreenshot(page, `workbench-cadre-list-${name}`);

      // Back home; the procedure at 村级评议 opens its household's card.
      await page.goto('/');
      const entry = item(page, 'villageReview').locator(`a[href="/households/${review.householdId}"]`);
      if ((await entry.count()) === 0) {
        // More than five wait: the item itself opens the queue.
        await item(page, 'villageReview').getByTestId('wb-item-link').click();
        await page.waitForURL('**/households/procedures');
      } else {
        await entry.click();
        await page.waitForURL(`**/households/${review.householdId}`);
      }
      // The map is one tap away.
      await page.goto('/');
      await page.getByTestId('workbench-map').click();
      await page.waitForURL('**/areas');
      await waitForMap(page, BAOJIA);
    });

    it('the township officer sees the procedure waiting for its sign-off, the longest-waiting first, and opens it', async () => {
      await page.context().clearCookies();
      await login(page, 'shazi_township');
      await item(page, 'signoff').waitFor();
      const first = item(page, 'signoff').getByTestId('wb-entry').first();
      expect(await first.innerText()).toMatch(/已等 \d+ 天/);
      const entry = item(page, 'signoff').locator(`a[href="/households/${signoff.householdId}"]`);
      await expect.poll(() => entry.count()).toBe(1);
      expect(await entry.innerText()).toMatch(/已等 (3\d|4\d) 天/);
      await saveScreenshot(page, `workbench-township-${name}`);
      await entry.click();
      await page.waitForURL(`**/households/${signoff.householdId}`);
    });

    it('the county official’s open findings lead to the queue filtered by the rule', async () => {
      await page.context().clearCookies();
      await login(page, 'qinglong_county');
      for (const key of ['signoff', 'noticeEnding', 'openFindings', 'registryImports', 'crosscheckRuns', 'projectQueue']) {
        await item(page, key).waitFor();
      }
      const rule = item(page, 'openFindings').locator(`a[href*="rule=${RULE}"]`);
      await rule.click();
      await page.waitForURL((u) => u.pathname === '/crosscheck' && u.searchParams.get('rule') === RULE);
      // The review tab, filtered by the rule: every row is of that rule, ours among them.
      await expect.poll(() => page.getByTestId('cc-findings').innerText()).toContain(`e2e工作台${process.pid}`);
      const rows = await page.getByTestId('cc-findings').locator('tbody tr').allInnerTexts();
      for (const r of rows) expect(r).toContain(RULE);
      await saveScreenshot(page, `workbench-county-findings-${name}`);
    });

    it('the inspector’s workbench is read-only: what changed, findings, refusals — no work', async () => {
      await page.context().clearCookies();
      await login(page, 'qinglong_inspector');
      await page.getByTestId('workbench-readonly').waitFor();
      for (const key of ['recentChanges', 'findingsOpened', 'findingsClosed', 'accessDenied']) expect(await item(page, key).count(), key).toBe(1);
      for (const key of ['signoff', 'visitOverdue', 'projectQueue']) expect(await item(page, key).count(), key).toBe(0);
      expect(await countOf(page, 'recentChanges')).toBeGreaterThan(0);
      await expectTouchSized(page);
      await saveScreenshot(page, `workbench-inspector-${name}`);
    });
  });
}

describe('command view (指挥调度)', () => {
  for (const [name, viewport] of [
    ['1920x1080', { width: 1920, height: 1080 }],
    ['1280x800', LANDSCAPE],
  ] as const) {
    it(`draws the map, the key figures and the live to-dos side by side (${name})`, async () => {
      const tablet = await openTablet(viewport);
      try {
        const { page } = tablet;
        await login(page, 'qinglong_county');
        await page.getByTestId('workbench-command').click();
        await page.waitForURL('**/command');
        const state = await waitForMap(page, QINGLONG);
        expect(state.renderedCount).toBeGreaterThan(0);
        const stats = (await (await page.request.get(`/api/stats/${QINGLONG}`)).json()) as { registry: { inRegistry: { households: number } } };
        await expect.poll(() => page.getByTestId('command-kpi-households').innerText()).toContain(stats.registry.inRegistry.households.toLocaleString('zh-CN'));
        await page.getByTestId('command-todos').getByTestId('wb-item-openFindings').waitFor();
        // Side by side: the three panels share the screen's height band.
        const boxes = await Promise.all(['command-map', 'command-figures', 'command-todos'].map(async (id) => (await page.getByTestId(id).boundingBox())!));
        const [map, figures, todos] = boxes as [NonNullable<(typeof boxes)[0]>, NonNullable<(typeof boxes)[0]>, NonNullable<(typeof boxes)[0]>];
        expect(figures.x).toBeGreaterThan(map.x + map.width - 1);
        expect(todos.x).toBeGreaterThanOrEqual(figures.x);
        expect(map.y + map.height).toBeLessThanOrEqual(viewport.height + 1);
        expect(todos.y).toBeLessThan(viewport.height);
        // The map drew: colours beyond its background.
        const pixels = await pixelStats(page, page.getByTestId('area-map'), MAP_BACKGROUND);
        expect(pixels.distinctColours).toBeGreaterThan(6);
        // Another figure colours the map: the legend says which.
        await page.getByTestId('command-metric-monitoringHouseholds').click();
        await expect.poll(() => page.getByTestId('map-legend').innerText()).toContain('监测户');
        await saveScreenshot(page, `command-view-${name}`);
      } finally {
        await tablet.close();
      }
    });
  }
});
