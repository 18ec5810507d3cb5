// e2e: 天地图 basemaps (issue 16 §3). With DRIPLINE_TIANDITU_KEY the area map offers 天地图 and
// 卫星遥感 under its layers, fetched from 天地图's WMTS with the key and credited; without a key the
// map is drawn from our own data and asks nothing outside. The machine has no internet: the browser
// answers 天地图's tile requests with a tile of one known colour, and the test finds that colour on
// the canvas where the basemap shows through.
import zlib from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDSCAPE, login, openTablet, pixelStats, type Tablet, saveScreenshot, waitForMap } from './browser.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const TILE_RGB: [number, number, number] = [0x20, 0x40, 0xc0];

/** A 256×256 PNG of one colour (RGB, no filter), made with zlib. */
function solidPng([r, g, b]: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(256, 0);
  ihdr.writeUInt32BE(256, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: 256 }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: 256 }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

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

describe('天地图 basemaps with a key (county official, 1280×800)', () => {
  let tablet: Tablet;
  let page: Page;
  const asked: string[] = [];

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE, { config: { tiandituKey: KEY } });
    page = tablet.page;
    const png = solidPng(TILE_RGB);
    await tablet.context.route(/^https:\/\/t[0-7]\.tianditu\.gov\.cn\//, (route) => {
      asked.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'image/png', body: png });
    });
  });
  afterAll(() => tablet?.close());

  it('offers 天地图 and 卫星遥感; the imagery is drawn under the areas from 天地图 with the key, and credited', async () => {
    await login(page, 'qinglong_county');
    await page.goto('/areas/522324');
    await waitForMap(page, '522324');
    const selector = page.getByTestId('map-basemap');
    expect(await selector.innerText()).toMatch(/本地底图[\s\S]*天地图[\s\S]*卫星遥感/);
    expect(asked).toEqual([]);
    await page.getByTestId('map-basemap-tianditu-imagery').click();
    await until<string | null>(page, 'window.__driplineMap.basemap', (b) => b === 'tianditu-imagery', 'the imagery basemap');
    await expect.poll(() => asked.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(asked.every((u) => u.includes(`tk=${KEY}`))).toBe(true);
    expect(asked.some((u) => u.includes('LAYER=img'))).toBe(true);
    expect(asked.some((u) => u.includes('LAYER=cia'))).toBe(true);
    await page.waitForTimeout(500);
    // The tile's colour shows where no area covers it (outside the county) and through the areas.
    const map = page.getByTestId('area-map');
    const stats = await pixelStats(page, map, TILE_RGB);
    expect(stats.nonBackgroundShare, 'share of pixels that are not the basemap tile colour').toBeLessThan(0.85);
    expect(await page.locator('.maplibregl-ctrl-attrib').innerText()).toContain('天地图');
    await saveScreenshot(page, 'basemap-imagery-1280x800');
    // Back to our own data: the raster layers go.
    await page.getByText('本地底图').click();
    await until<string | null>(page, 'window.__driplineMap.basemap', (b) => b === null, 'own basemap');
    const own = await pixelStats(page, map, TILE_RGB);
    expect(own.nonBackgroundShare).toBeGreaterThan(0.99);
  });
});

describe('no 天地图 key: our own basemap, nothing asked outside', () => {
  let tablet: Tablet;
  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
  });
  afterAll(() => tablet?.close());

  it('shows no basemap choice and requests nothing from another origin', async () => {
    const { page, external } = tablet;
    await login(page, 'qinglong_county');
    await page.goto('/areas/522324');
    await waitForMap(page, '522324');
    expect(await page.getByTestId('map-basemap').count()).toBe(0);
    expect(external).toEqual([]);
  });
});
