// e2e: the web app under its Content-Security-Policy (no inline script, no eval, nothing from
// another origin). Every main page is opened in Chromium — the map (MapLibre's blob: worker and
// canvas), the household card with a photo uploaded through the streaming upload, the upload
// pages, settings — and any CSP violation (the securitypolicyviolation event or Chromium's console
// report) fails the test. A deliberately inline script shows the listener and the policy work.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDSCAPE, login, openTablet, type Tablet, waitForMap } from './browser.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('the web app under its Content-Security-Policy', () => {
  let tablet: Tablet;
  let page: Page;
  const violations: string[] = [];

  const recorded = async () => [...violations, ...(await page.evaluate<string[]>('window.__cspViolations || []'))];

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
    ({ page } = tablet);
    // Recorded in every document before its own scripts run (not itself an inline script:
    // injected by the browser's automation protocol).
    await tablet.context.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
      });`);
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
  });

  afterAll(() => tablet?.close());

  it('the document carries the policy and the other security headers', async () => {
    const res = await page.goto('/login');
    const h = res?.headers() ?? {};
    expect(h['content-security-policy']).toContain("script-src 'self'");
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['referrer-policy']).toBe('same-origin');
    const asset = await page.evaluate(`fetch([...document.scripts].find((s) => s.src).src).then((r) => r.headers.get('x-content-type-options'))`);
    expect(asset).toBe('nosniff');
  });

  it('an inline script is refused and reported (the listener and the policy work)', async () => {
    await page.goto('/login');
    await page.getByTestId('login-username').waitFor();
    await page.evaluate(`(() => { const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.body.appendChild(s); })()`);
    await expect.poll(async () => (await recorded()).length).toBeGreaterThan(0);
    expect(await page.evaluate('window.__inlineRan === true')).toBe(false);
    expect((await recorded()).join('\n')).toMatch(/script-src/);
    violations.length = 0;
  });

  it('every main page works with no violation', async () => {
    await login(page, 'qinglong_county');
    const seen: string[] = [];
    const check = async (where: string) => {
      const v = await recorded();
      if (v.length) seen.push(`${where}: ${v.join(' | ')}`);
    };

    // The map: MapLibre's worker from a blob: URL, canvas, labels.
    await page.goto('/areas/522324');
    expect((await waitForMap(page, '522324')).renderedCount).toBeGreaterThan(0);
    await check('/areas/522324');

    await page.goto('/households');
    await page.getByTestId('household-table').locator('.el-table__row').first().waitFor();
    await check('/households');

    // A household of 保家村 with a photo uploaded the way the app uploads (multipart, streamed).
    const id = await page.evaluate<string>(`fetch('/api/households?area=522324101209&pageSize=1').then((r) => r.json()).then((b) => b.items[0].id)`);
    const uploaded = await page.evaluate<number>(`(async () => {
      const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('dl_csrf=')).slice(8));
      const bytes = Uint8Array.from(atob('${PNG}'), (c) => c.charCodeAt(0));
      const form = new FormData();
      form.append('kind', '住房');
      form.append('file', new File([bytes], '住房.png', { type: 'image/png' }));
      const r = await fetch(${JSON.stringify(`/api/households/${id}/photos`)}, { method: 'POST', body: form, headers: { 'x-csrf-token': csrf } });
      return r.status;
    })()`);
    expect(uploaded).toBe(201);
    await page.goto(`/households/${id}`);
    await page.getByTestId('household-card').waitFor();
    await page.getByRole('tab', { name: '照片' }).click();
    await page.getByTestId('photo').first().locator('img').waitFor();
    await expect
      .poll(() =>
        page
          .getByTestId('photo')
          .first()
          .locator('img')
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBe(1);
    await check(`/households/${id} (photos)`);

    for (const [path, testId] of [
      ['/households/procedures', undefined],
      ['/registry/import', undefined],
      ['/crosscheck', 'crosscheck-page'],
      ['/settings/county', undefined],
      ['/account/password', undefined],
    ] as const) {
      await page.goto(path);
      await page.getByTestId('app-header').waitFor();
      if (testId) await page.getByTestId(testId).waitFor();
      await page.waitForLoadState('networkidle');
      await check(path);
    }
    expect(seen).toEqual([]);
    expect(tablet.external).toEqual([]);
  });
});
