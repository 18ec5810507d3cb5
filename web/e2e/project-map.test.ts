// e2e: a project's location on the map. A village cadre opens a draft road project (made through
// the API), draws a line by clicking points on the map inside the village (real mouse clicks on
// the canvas, Terra Draw), saves it, and the stored geometry is a LineString inside the village; a
// GeoJSON file outside the village is refused with the server's field error shown and nothing
// written; a file with two features is explained; the project shows on the area map's 项目 layer
// and a tap opens its tip; the county official reads the location without editing it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointInPolygon, type MultiPolygon, type Polygon } from '../../gis/geojson.ts';
import { unique } from '../../api/test/db.ts';
import { LANDSCAPE, login, newTabletContext, openTablet, PORTRAIT, saveScreenshot, type Tablet } from './browser.ts';

const BAOJIA = '522324101209'; // 沙子镇保家村, baojia_cadre's village

interface Outline {
  geometry: Polygon | MultiPolygon;
  properties: { labelLon: number; labelLat: number };
}

async function outlineOf(page: Page, code: string): Promise<Outline> {
  const fc = (await (await page.request.get(`/api/areas/${code}/boundaries?self=1`)).json()) as { features: Outline[] };
  const f = fc.features[0];
  if (!f) throw new Error(`no outline for ${code}`);
  return f;
}

async function csrfOf(page: Page): Promise<string> {
  const c = (await page.context().cookies()).find((x) => x.name === 'dl_csrf');
  if (!c) throw new Error('no CSRF cookie');
  return decodeURIComponent(c.value);
}

/** Polls a script in the page (waitForFunction would eval inside the page, which the CSP refuses). */
async function until<T>(page: Page, script: string, ok: (v: T) => boolean, what: string, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await page.evaluate<T>(script);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} within ${timeout} ms (last: ${JSON.stringify(last)})`);
}

const editorPixel = (page: Page, [lon, lat]: [number, number]) => page.evaluate<[number, number]>(`window.__driplineGeometryEditor.pixelOf(${lon}, ${lat})`);

describe('project location on the map (village cadre draws a road; county official reads it)', () => {
  let tablet: Tablet;
  let page: Page;
  let village: Outline;
  let projectId = '';
  const name = unique('保家村组组通公路');
  let drawn: [number, number][] = [];

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
    page = tablet.page;
  });
  afterAll(() => tablet?.close());

  it('the cadre draws a line by clicking the map inside the village and saves it', async () => {
    await login(page, 'baojia_cadre');
    village = await outlineOf(page, BAOJIA);
    const created = await page.request.post('/api/projects', {
      headers: { 'x-csrf-token': await csrfOf(page) },
      data: { name, type: '农村道路', planYear: 2026, villages: [BAOJIA], budget: [{ source: '中央财政衔接推进乡村振兴补助资金', amountYuan: '80000' }] },
    });
    expect(created.status()).toBe(201);
    projectId = ((await created.json()) as { id: string }).id;

    await page.goto(`/projects/${projectId}`);
    // The page's other sections (money, media) load too: draw once the layout has settled.
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('geometry-none').innerText()).toBe('尚未标注位置');
    await page.getByTestId('geometry-edit').click();
    await until<boolean>(page, 'window.__driplineGeometryEditor?.ready === true && window.__driplineGeometryEditor.editing', (v) => v, 'the editor is ready');
    // A road: the line tool is chosen already.
    expect(await page.getByTestId('geometry-hint').innerText()).toContain('沿道路依次点击');

    // Three points of a road near the village's label point, each inside the village.
    const { labelLon: x, labelLat: y } = village.properties;
    let d = 0.008;
    const inside = (p: [number, number]) => pointInPolygon(p[0], p[1], village.geometry);
    const road = (s: number): [number, number][] => [
      [x - s, y - s / 2],
      [x, y],
      [x + s, y + s / 3],
    ];
    while (!road(d).every(inside) && d > 0.0005) d /= 2;
    const planned = road(d);
    expect(planned.every(inside)).toBe(true);
    // The whole map in the viewport (the editor scrolls it there), and the map at its drawing size.
    await page.getByTestId('geometry-map').scrollIntoViewIfNeeded();
    await page.waitForTimeout(800);
    // Zoom in once with the map's + button, as a finger-drawing user would.
    await page.getByTestId('project-geometry').locator('.maplibregl-ctrl-zoom-in').click();
    await page.waitForTimeout(800);
    // Taps far enough apart that none lands on the previous point (which would end the line).
    const [ax, ay] = await editorPixel(page, planned[0] as [number, number]);
    const [bx, by] = await editorPixel(page, planned[1] as [number, number]);
    expect(Math.hypot(bx - ax, by - ay)).toBeGreaterThan(60);
    for (const p of planned) {
      const [px, py] = await editorPixel(page, p);
      await page.mouse.move(px, py, { steps: 4 });
      await page.mouse.click(px, py);
      // Terra Draw adds the point when the click is handled; the next one is a separate tap.
      await until<number>(
        page,
        `(window.__driplineGeometryEditor.drawState().features.find((f) => f.properties.mode === 'linestring')?.geometry.coordinates.length ?? 0)`,
        (n) => n >= planned.indexOf(p) + 2,
        `point ${planned.indexOf(p) + 1} is drawn`,
        5000,
      );
    }
    await page.getByTestId('geometry-finish').click();
    await expect.poll(() => page.getByTestId('geometry-save').isEnabled()).toBe(true);
    await saveScreenshot(page, 'project-map-cadre-drawn-1280x800');
    await page.getByTestId('geometry-save').click();
    await page.getByTestId('geometry-edit').waitFor();

    // Read back through the API: a LineString of the three clicked points, inside the village.
    const stored = (await (await page.request.get(`/api/projects/${projectId}`)).json()) as { geometry: { type: string; coordinates: [number, number][] } };
    expect(stored.geometry.type).toBe('LineString');
    expect(stored.geometry.coordinates.length).toBe(3);
    drawn = stored.geometry.coordinates;
    expect(drawn.every(inside)).toBe(true);
    // Where the clicks were, to a few metres (a pixel at this zoom).
    drawn.forEach((c, i) => {
      expect(Math.abs(c[0] - (planned[i] as [number, number])[0])).toBeLessThan(0.0005);
      expect(Math.abs(c[1] - (planned[i] as [number, number])[1])).toBeLessThan(0.0005);
    });
    expect(await page.getByTestId('geometry-none').count()).toBe(0);
    await saveScreenshot(page, 'project-map-cadre-saved-1280x800');
  });

  it('a GeoJSON file outside the village is refused naming the location, a file of two features is explained, nothing is written', async () => {
    // Well east of the village (about 10 km): outside it.
    const far = { labelLon: village.properties.labelLon + 0.1, labelLat: village.properties.labelLat };
    const outside = {
      type: 'Feature',
      properties: { name: '外村道路' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [far.labelLon, far.labelLat],
          [far.labelLon + 0.002, far.labelLat + 0.001],
        ],
      },
    };
    await page.getByTestId('geometry-edit').click();
    await page
      .getByTestId('geometry-file')
      .setInputFiles({ name: '外村道路.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(outside)) });
    await page.getByTestId('geometry-save').click();
    const error = page.getByTestId('geometry-error');
    await expect.poll(() => error.innerText()).toContain('超出');
    await saveScreenshot(page, 'project-map-cadre-refused-1280x800');

    const two = { type: 'FeatureCollection', features: [outside, outside] };
    await page.getByTestId('geometry-file').setInputFiles({ name: '两条.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(two)) });
    await expect.poll(() => error.innerText()).toContain('有 2 个要素');
    await page.getByTestId('geometry-cancel').click();

    const stored = (await (await page.request.get(`/api/projects/${projectId}`)).json()) as { geometry: { coordinates: unknown } };
    expect(stored.geometry.coordinates).toEqual(drawn);
  });

  it('the project shows on the area map’s 项目 layer; a tap shows its name and state and opens it', async () => {
    await page.goto(`/areas/${BAOJIA}`);
    await until<boolean>(page, `window.__driplineMap?.loaded === true && window.__driplineMap.areaCode === '${BAOJIA}'`, (v) => v, 'the area map is drawn');
    await page.getByTestId('map-projects').click();
    await until<number>(page, 'window.__driplineMap.projectCount', (n) => n > 0, 'the project layer is drawn');
    expect(await page.getByTestId('project-legend').innerText()).toContain('村申报');
    const middle = drawn[1] as [number, number];
    const [px, py] = await page.evaluate<[number, number]>(`window.__driplineMap.pixelOf(${middle[0]}, ${middle[1]})`);
    await page.mouse.click(px, py);
    const tip = page.getByTestId('project-tip');
    await expect.poll(() => tip.innerText()).toContain(name);
    expect(await tip.innerText()).toContain('村申报');
    // The village was not opened instead (the tap was the project's).
    expect(new URL(page.url()).pathname).toBe(`/areas/${BAOJIA}`);
    await saveScreenshot(page, 'project-map-layer-cadre-1280x800');
    await page.getByTestId('project-tip-open').click();
    await page.waitForURL(`**/projects/${projectId}`);
  });

  it('portrait: the cadre’s project page; the county official reads the location and the layer without editing', async () => {
    const cadre = await newTabletContext(tablet.browser, tablet.server.url, PORTRAIT);
    const cadrePage = await cadre.context.newPage();
    await login(cadrePage, 'baojia_cadre');
    await cadrePage.goto(`/projects/${projectId}`);
    await until<boolean>(cadrePage, 'window.__driplineGeometryEditor?.ready === true', (v) => v, 'the location map is drawn');
    await cadrePage.getByTestId('project-geometry').scrollIntoViewIfNeeded();
    await saveScreenshot(cadrePage, 'project-map-cadre-800x1280');
    await cadre.context.close();

    for (const viewport of [LANDSCAPE, PORTRAIT]) {
      const { context } = await newTabletContext(tablet.browser, tablet.server.url, viewport);
      const county = await context.newPage();
      await login(county, 'qinglong_county');
      await county.goto(`/projects/${projectId}`);
      await until<boolean>(county, 'window.__driplineGeometryEditor?.ready === true', (v) => v, 'the location map is drawn');
      expect(await county.getByTestId('geometry-edit').count()).toBe(0);
      expect(await county.getByTestId('geometry-map').isVisible()).toBe(true);
      await county.getByTestId('project-geometry').scrollIntoViewIfNeeded();
      await saveScreenshot(county, `project-map-county-${viewport.width}x${viewport.height}`);

      await county.goto('/areas/522324101');
      await until<boolean>(county, `window.__driplineMap?.loaded === true && window.__driplineMap.areaCode === '522324101'`, (v) => v, 'the township map');
      await county.getByTestId('map-projects').click();
      await until<number>(county, 'window.__driplineMap.projectCount', (n) => n > 0, 'the project layer is drawn');
      await saveScreenshot(county, `project-map-layer-county-${viewport.width}x${viewport.height}`);
      await context.close();
    }
  });
});
