// e2e: the area map's tiled layers (issue 16) in headless Chromium — households from the server's
// vector tiles, clustered at county zoom and one point each in a village, coloured by status, a tap
// on a point opening the card; the findings and the projects layers switch on and off. Checked by
// what MapLibre drew and by the canvas pixels, on landscape and portrait tablets.
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDSCAPE, login, openTablet, PORTRAIT, saveScreenshot, type Tablet, waitForMap } from './browser.ts';

async function until<T>(page: Page, script: string, ok: (v: T) => boolean, what: string, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await page.evaluate<T>(script);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${timeout} ms (last: ${JSON.stringify(last)})`);
}

/** RGBA of the screenshot's pixels, decoded by the page (no image library on the Node side). */
async function pixels(page: Page, target: Locator): Promise<{ width: number; height: number; data: number[] }> {
  const png = await target.screenshot();
  return page.evaluate(`(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png.toString('base64')}';
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return { width: c.width, height: c.height, data: Array.from(ctx.getImageData(0, 0, c.width, c.height).data) };
  })()`);
}

const changedPixels = (a: { data: number[] }, b: { data: number[] }) => {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (
      Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0)) +
        Math.abs((a.data[i + 1] ?? 0) - (b.data[i + 1] ?? 0)) +
        Math.abs((a.data[i + 2] ?? 0) - (b.data[i + 2] ?? 0)) >
      30
    )
      n++;
  }
  return n;
};

const STATUS_RGB: Record<string, [number, number, number]> = {
  未脱贫户: [0xd4, 0x38, 0x0d],
  监测户: [0xe6, 0xa2, 0x3c],
  脱贫户: [0x2f, 0x9e, 0x44],
  已消除风险: [0x1d, 0x6f, 0xd1],
};

for (const viewport of [LANDSCAPE, PORTRAIT]) {
  describe(`tiled map layers (${viewport.width}×${viewport.height})`, () => {
    let tablet: Tablet;
    let page: Page;

    beforeAll(async () => {
      tablet = await openTablet(viewport);
      page = tablet.page;
    });
    afterAll(() => tablet?.close());

    it('county official: households drawn as clusters from the tiles; switching the layer off takes them away', async () => {
      await login(page, 'qinglong_county');
      await page.goto('/areas/522324');
      await waitForMap(page, '522324');
      const clusters = await until<number>(page, 'window.__driplineMap.clusterCount', (n) => n > 0, 'household clusters drawn');
      expect(clusters).toBeGreaterThan(3);
      expect(await page.getByTestId('household-legend').innerText()).toContain('监测户');
      const map = page.getByTestId('area-map');
      const on = await pixels(page, map);
      await saveScreenshot(page, `map-tiles-county-${viewport.width}x${viewport.height}`);
      await page.getByTestId('map-households').click();
      await until<number>(page, 'window.__driplineMap.clusterCount', (n) => n === 0, 'household clusters gone');
      const off = await pixels(page, map);
      // The clusters were real drawing on the canvas: hundreds of pixels change without them.
      expect(changedPixels(on, off)).toBeGreaterThan(300);
      await page.getByTestId('map-households').click();
      await until<number>(page, 'window.__driplineMap.clusterCount', (n) => n > 0, 'household clusters back');

      // 导出图片: the map as drawn, with the area's name as its title, as a PNG of the canvas's size.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('map-png').click()]);
      expect(download.suggestedFilename()).toBe('晴隆县-区划地图.png');
      const png = fs.readFileSync(await download.path());
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const canvas = await page.evaluate<[number, number]>(
        `(() => { const c = document.querySelector('[data-testid="area-map"] canvas'); return [c.width, c.height]; })()`,
      );
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual(canvas);
      expect(png.byteLength).toBeGreaterThan(20_000);

      // The projects layer comes from the projects tiles and goes with its switch.
      await page.getByTestId('map-projects').click();
      expect(await page.getByTestId('project-legend').innerText()).toContain('村申报');
      await page.getByTestId('map-projects').click();
      await until<number>(page, 'window.__driplineMap.projectCount', (n) => n === 0, 'projects hidden');
    });

    it('village cadre: one point per household in the village, coloured by status; a tap opens the card', async () => {
      await page.context().clearCookies();
      await login(page, 'baojia_cadre');
      await page.goto('/areas/522324101209');
      await waitForMap(page, '522324101209');
      // Single households from zoom 14: centre on one of the village's households at 16.
      const list = (await (await page.request.get('/api/households?area=522324101209&limit=20')).json()) as { items: { location: [number, number] | null }[] };
      const located = list.items.find((h) => h.location)?.location;
      expect(located).toBeTruthy();
      const [lon, lat] = located as [number, number];
      await page.evaluate(`window.__driplineMap.jumpTo(${lon}, ${lat}, 16)`);
      const point = await until<{ id: string; status: string; lon: number; lat: number } | null>(
        page,
        'window.__driplineMap.someHousehold',
        (v) => v !== null,
        'a household point drawn',
      );
      expect(point).not.toBeNull();
      const p = point as { id: string; status: string; lon: number; lat: number };
      expect(Object.keys(STATUS_RGB)).toContain(p.status);
      expect(await page.evaluate<number>('window.__driplineMap.householdCount')).toBeGreaterThan(0);
      // The pixel at the point has the status colour.
      const [x, y] = await page.evaluate<[number, number]>(`window.__driplineMap.pixelOf(${p.lon}, ${p.lat})`);
      const box = (await page.getByTestId('area-map').boundingBox()) as { x: number; y: number };
      const shot = await pixels(page, page.getByTestId('area-map'));
      const scale = shot.width / ((await page.getByTestId('area-map').boundingBox())?.width ?? shot.width);
      const i = (Math.round((y - box.y) * scale) * shot.width + Math.round((x - box.x) * scale)) * 4;
      const [r, g, b] = [shot.data[i] ?? 0, shot.data[i + 1] ?? 0, shot.data[i + 2] ?? 0];
      const want = STATUS_RGB[p.status] as [number, number, number];
      expect(Math.abs(r - want[0]) + Math.abs(g - want[1]) + Math.abs(b - want[2]), `pixel ${r},${g},${b} vs ${want.join(',')}`).toBeLessThan(60);
      await saveScreenshot(page, `map-tiles-village-${viewport.width}x${viewport.height}`);
      await page.mouse.click(x, y);
      await page.waitForURL(`**/households/${p.id}`);
      expect(new URL(page.url()).pathname).toBe(`/households/${p.id}`);
    });
  });
}
