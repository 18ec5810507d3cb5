// Browser helpers for the e2e tests: Debian's Chromium driven by playwright-core (never a
// downloaded browser), login, and reading pixels of a screenshot. Run under Vitest, where
// functions passed to page.evaluate survive transpilation; strings are used where it matters.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { startTestServer } from '../../api/test/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export const DEMO_PASSWORD = 'Dripline2026';

export const LANDSCAPE = { width: 1280, height: 800 };
export const PORTRAIT = { width: 800, height: 1280 };

/**
 * A tablet-like context. Requests leaving the test server are refused and recorded, so a test
 * can assert that the app fetched nothing from outside (no tiles, fonts, CDNs).
 */
export async function newTabletContext(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number },
  opts: { locale?: string; touch?: boolean } = {},
): Promise<{ context: BrowserContext; external: string[] }> {
  const context = await browser.newContext({
    baseURL,
    viewport,
    deviceScaleFactor: 1,
    hasTouch: opts.touch ?? false,
    locale: opts.locale ?? 'zh-CN',
  });
  const external: string[] = [];
  const origin = new URL(baseURL).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  return { context, external };
}

export interface Tablet {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  /** Requests to anything but the test server (refused). */
  external: string[];
  page: Page;
  close(): Promise<void>;
}

/** A test server and a browser with one tablet page on it (each e2e file opens one). */
export async function openTablet(
  viewport: { width: number; height: number },
  opts: { locale?: string; touch?: boolean; config?: Parameters<typeof startTestServer>[0] } = {},
): Promise<Tablet> {
  const server = await startTestServer(opts.config);
  const browser = await launchBrowser();
  const { context, external } = await newTabletContext(browser, server.url, viewport, opts);
  const page = await context.newPage();
  return {
    server,
    browser,
    context,
    external,
    page,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Logs in through the form and waits for the app shell. */
export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('app-header').waitFor();
}

export interface MapState {
  loaded: boolean;
  areaCode: string | null;
  featureCount: number;
  renderedCount: number;
}

/**
 * Waits until the map has drawn `areaCode` and returns its state. Polled with page.evaluate (run by
 * the browser's automation protocol): waitForFunction evaluates its predicate with eval inside the
 * page, which the app's Content-Security-Policy refuses.
 */
export async function waitForMap(page: Page, areaCode: string, timeout = 20_000): Promise<MapState> {
  const script = `(() => { const m = window.__driplineMap; return m ? { loaded: m.loaded, areaCode: m.areaCode, featureCount: m.featureCount, renderedCount: m.renderedCount } : null; })()`;
  const deadline = Date.now() + timeout;
  let last: MapState | null = null;
  while (Date.now() < deadline) {
    last = await page.evaluate<MapState | null>(script);
    if (last?.loaded && last.areaCode === areaCode) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the map did not draw ${areaCode} within ${timeout} ms (last state: ${JSON.stringify(last)})`);
}

export interface PixelStats {
  width: number;
  height: number;
  /** Distinct colours after quantising each channel to 16 levels. */
  distinctColours: number;
  /** Share of pixels that differ from `background` by more than a small tolerance. */
  nonBackgroundShare: number;
}

/**
 * Screenshots `target` and counts its colours. The PNG is decoded by the page itself (an <img>
 * drawn on a 2D canvas) so no image library is needed on the Node side.
 */
export async function pixelStats(page: Page, target: Locator, background: [number, number, number]): Promise<PixelStats> {
  const png = await target.screenshot();
  const script = `(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png.toString('base64')}';
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const bg = ${JSON.stringify(background)};
    const colours = new Set();
    let other = 0;
    for (let i = 0; i < d.length; i += 4) {
      colours.add(((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4));
      if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 24) other++;
    }
    return { width: c.width, height: c.height, distinctColours: colours.size, nonBackgroundShare: other / (d.length / 4) };
  })()`;
  return await page.evaluate<PixelStats>(script);
}

/** Elements in `root` matching `selector` that are visible and shorter than `min` CSS px. */
export async function smallTargets(page: Page, selector: string, min = 44): Promise<string[]> {
  const script = `(() => {
    const out = [];
    for (const el of document.querySelectorAll(${JSON.stringify(selector)})) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      if (r.height < ${min} - 0.5) {
        const label = (el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 40);
        out.push(label + ' (' + Math.round(r.width) + '×' + Math.round(r.height) + ')');
      }
    }
    return out;
  })()`;
  return await page.evaluate<string[]>(script);
}

/** Saves a screenshot under .vitest-tmp/screenshots/ for a human to look at; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.vitest-tmp/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
