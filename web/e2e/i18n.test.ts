// e2e: switching the UI to English changes the app's strings, Element Plus and the server's
// messages, and the choice survives a reload.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDSCAPE, login, openTablet, type Tablet, waitForMap } from './browser.ts';

describe('language switch', () => {
  let tablet: Tablet;
  let page: Page;

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
    ({ page } = tablet);
  });

  afterAll(() => tablet?.close());

  it('switches the shell to English', async () => {
    await login(page, 'qinglong_county');
    await page.getByTestId('nav-areas').click();
    await waitForMap(page, '522324');
    expect(await page.getByTestId('side-nav').innerText()).toContain('区划地图');
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('side-nav').innerText()).toContain('Area map');
    const nav = await page.getByTestId('side-nav').innerText();
    expect(nav).toContain('Households');
    expect(nav).toContain('Change password');
    expect(nav).not.toContain('区划地图');
    expect(await page.getByTestId('account-role').innerText()).toBe('County poverty office');
    expect(await page.getByTestId('logout').innerText()).toContain('Log out');
    expect(await page.getByTestId('map-legend').innerText()).toContain('Households');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // Names of places and people are data, not UI: they stay Chinese.
    expect(await page.getByTestId('account-area').innerText()).toBe('晴隆县');
  });

  it('keeps English after a reload and in Element Plus components', async () => {
    await page.reload();
    await expect.poll(() => page.getByTestId('side-nav').innerText()).toContain('Area map');
    await page.getByTestId('nav-households').click();
    await page.waitForURL('**/households');
    await page.getByTestId('household-table').locator('.el-table__row').first().waitFor();
    const head = await page.getByTestId('household-table').locator('thead').innerText();
    expect(head).toContain('Household no.');
    expect(head).toContain('Head');
    // Code-list values are translated for display.
    const body = await page.getByTestId('household-table').locator('tbody').innerText();
    expect(body).toMatch(/Lifted out of poverty|Under monitoring|Not yet lifted out of poverty/);
  });

  it('gets server messages in English too', async () => {
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    expect(await page.locator('main').innerText()).toContain('Username');
    await page.getByTestId('login-username').fill('qinglong_county');
    await page.getByTestId('login-password').fill('wrong-password-1');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').innerText()).toBe('Wrong username or password');
  });

  it('switches back to Chinese', async () => {
    await page.getByTestId('lang-zh-CN').click();
    await expect.poll(() => page.locator('main').innerText()).toContain('用户名');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });
});
