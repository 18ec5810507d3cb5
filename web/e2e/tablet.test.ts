// e2e: a village cadre on a portrait tablet (800×1280, touch). The login page and the shell
// keep every control at least 44 px high; the navigation sits behind a menu button; the cadre
// sees their own village only.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openTablet, PORTRAIT, saveScreenshot, smallTargets, type Tablet, waitForMap } from './browser.ts';

/** Every kind of control a finger has to hit. */
const TARGETS = [
  'button',
  '.el-input__wrapper',
  '.el-select__wrapper',
  '.el-radio-button__inner',
  '.el-menu-item',
  '.el-pager li',
  '[data-testid="area-child"]',
  '.el-breadcrumb__inner.is-link',
].join(', ');

describe('portrait tablet (village cadre, 800×1280)', () => {
  let tablet: Tablet;
  let external: string[];
  let page: Page;

  beforeAll(async () => {
    tablet = await openTablet(PORTRAIT, { touch: true });
    ({ page, external } = tablet);
  });

  afterAll(() => tablet?.close());

  it('has touch-sized controls on the login page', async () => {
    await page.goto('/login');
    await page.getByTestId('login-submit').waitFor();
    expect(await page.locator(TARGETS).count()).toBeGreaterThanOrEqual(5);
    expect(await smallTargets(page, TARGETS)).toEqual([]);
    await saveScreenshot(page, 'login-800x1280');
  });

  it('logs in to a shell with a menu button instead of the side menu', async () => {
    await login(page, 'baojia_cadre');
    expect(await page.getByTestId('account-area').innerText()).toBe('保家村');
    expect(await page.getByTestId('account-role').innerText()).toBe('村干部/驻村队员');
    expect(await page.getByTestId('side-nav').count()).toBe(0);
    expect(await page.getByTestId('nav-toggle').isVisible()).toBe(true);
  });

  it('shows only the cadre’s village on the map (one tap from the workbench)', async () => {
    await page.getByTestId('workbench-map').click();
    const state = await waitForMap(page, '522324101209');
    expect(state.renderedCount).toBe(1);
    expect(await page.getByTestId('area-title').innerText()).toBe('保家村');
    // Areas above the village are shown as context but are not links (they would be refused).
    const crumbs = page.getByTestId('breadcrumbs');
    expect(await crumbs.innerText()).toMatch(/晴隆县[\s\S]*沙子镇[\s\S]*保家村/);
    expect(await crumbs.locator('a, .is-link').count()).toBe(0);
    expect(await smallTargets(page, TARGETS)).toEqual([]);
    await saveScreenshot(page, 'area-map-village-800x1280');
  });

  it('navigates through the drawer, with touch-sized menu items', async () => {
    await page.getByTestId('nav-toggle').click();
    const drawer = page.locator('.el-drawer');
    await drawer.waitFor();
    await page.waitForTimeout(400); // drawer slide-in animation
    expect(await smallTargets(page, '.el-drawer .el-menu-item, .el-drawer button')).toEqual([]);
    await saveScreenshot(page, 'nav-drawer-800x1280');
    await drawer.getByTestId('nav-households').click();
    await page.waitForURL('**/households');
    await drawer.waitFor({ state: 'hidden' });
    await page.getByTestId('household-table').locator('.el-table__row').first().waitFor();
    const villages = await page.getByTestId('household-table').locator('.el-table__row td:nth-child(3)').allInnerTexts();
    expect(villages.length).toBeGreaterThan(0);
    expect(new Set(villages.map((v) => v.trim()))).toEqual(new Set(['保家村']));
    expect(await smallTargets(page, TARGETS)).toEqual([]);
  });

  it('refuses an area outside the village with the server’s message', async () => {
    await page.goto('/areas/522324101');
    const error = page.getByTestId('area-error');
    await error.waitFor();
    expect((await error.innerText()).length).toBeGreaterThan(2);
    expect(await page.getByTestId('area-browser').getAttribute('data-area-code')).toBeNull();
  });

  it('fetched nothing from outside the server', () => {
    expect(external).toEqual([]);
  });
});
