// e2e: 账号管理 on a tablet — the county official creates a village cadre's account and reads its
// one-time password once; the cadre is held on the password page until it is changed; the county
// official resets the password (the cadre's session ends), disables the account, lifts a login
// limit; the admin's page in portrait, in English. Other roles have no such page.
import { systemCtx } from '../../api/context.ts';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDb, unique } from '../../api/test/db.ts';
import { createAccount } from '../../api/modules/auth/auth.ts';
import { LANDSCAPE, login, newTabletContext, openTablet, PORTRAIT, saveScreenshot, smallTargets, type Tablet } from './browser.ts';

const TARGETS = ['.dl-page button', '.dl-page .el-input__wrapper', '.dl-page .el-select__wrapper', '.app-nav .el-menu-item'].join(', ');

async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.locator('.el-select__wrapper').click();
  await page
    .locator('.el-select-dropdown__item:visible')
    .filter({ hasText: new RegExp(`^\\s*${option}\\s*$`) })
    .first()
    .click();
}

/** Picks an area in the lazy tree: expands each name of `path`, then clicks the last. */
async function pickArea(page: Page, select: Locator, path: string[]): Promise<void> {
  await select.locator('.el-select__wrapper').click();
  const node = (name: string) => page.locator('.el-tree-node__content:visible', { hasText: name }).first();
  for (const name of path.slice(0, -1)) {
    const row = node(name);
    await row.waitFor();
    if ((await row.locator('.el-tree-node__expand-icon.expanded').count()) === 0) await row.locator('.el-tree-node__expand-icon').click();
  }
  const last = path.at(-1) as string;
  // A click landing while the lazily loaded children re-render is lost under load: pick again until taken.
  await expect
    .poll(
      async () => {
        const text = await select
          .locator('.el-select__selected-item')
          .allInnerTexts()
          .catch(() => []);
        if (!text.join('').includes(last) && (await node(last).isVisible()))
          await node(last)
            .click({ timeout: 2000 })
            .catch(() => {});
        return (await select.locator('.el-select__selected-item').allInnerTexts()).join('');
      },
      { timeout: 30_000, interval: 1500 },
    )
    .toContain(last);
}

async function confirmBox(page: Page): Promise<void> {
  const box = page.locator('.el-message-box:visible');
  await box.waitFor();
  await box.locator('.el-button--primary').click();
  await box.waitFor({ state: 'hidden' });
}

async function readOtp(page: Page): Promise<string> {
  const dialog = page.getByTestId('otp-dialog');
  await dialog.waitFor();
  await page.getByTestId('otp-value').waitFor();
  const otp = (await page.getByTestId('otp-value').innerText()).trim();
  await page.getByTestId('otp-done').click();
  await dialog.waitFor({ state: 'hidden' });
  return otp;
}

describe('账号管理 (county official, admin)', () => {
  let tablet: Tablet;
  let page: Page;
  const username = unique('e2ecadre');
  let otp = '';

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE, { touch: true });
    ({ page } = tablet);
  });
  afterAll(() => tablet?.close());

  const row = (name: string) => page.getByTestId('accounts-table').locator('.el-table__row', { has: page.getByTestId(`account-${name}`) });

  it('lists the county’s township, village and supervisor accounts for the county official', async () => {
    await login(page, 'qinglong_county');
    await page.getByTestId('nav-accounts').click();
    await page.waitForURL('**/settings/accounts');
    await row('baojia_cadre').waitFor();
    const text = await page.getByTestId('accounts-table').innerText();
    for (const name of ['shazi_township', 'baojia_supervisor', 'sanhe_cadre']) expect(text).toContain(name);
    for (const name of ['qinglong_inspector', 'admin\n']) expect(text).not.toContain(name);
    expect(await page.locator('h1').innerText()).toBe('账号管理');
    expect(await smallTargets(page, TARGETS)).toEqual([]);
  });

  it('creates a village cadre and shows the one-time password once', async () => {
    await page.getByTestId('accounts-create').click();
    const dialog = page.getByTestId('new-account-dialog');
    await dialog.waitFor();
    await page.getByTestId('new-account-username').fill(username);
    await page.getByTestId('new-account-name').fill('保家村 新队员');
    await choose(page, page.getByTestId('new-account-role'), '村干部/驻村队员');
    // A township is not a village: the server names the field.
    await pickArea(page, page.getByTestId('new-account-area'), ['晴隆县', '沙子镇']);
    await page.getByTestId('new-account-save').click();
    await expect.poll(() => dialog.innerText()).toContain('“村干部/驻村队员”账号的区划应为村级');
    await pickArea(page, page.getByTestId('new-account-area'), ['晴隆县', '沙子镇', '保家村']);
    await page.getByTestId('new-account-save').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('otp-dialog').innerText()).toContain(`账号 ${username} 已创建`);
    otp = await readOtp(page);
    expect(otp).toMatch(/^[A-Za-z2-9]{12}$/);
    // Found by its name however many accounts the county has.
    await page.getByTestId('accounts-search').fill(username);
    await page.getByTestId('accounts-search-submit').click();
    await expect.poll(() => page.getByTestId('accounts-total').innerText()).toBe('共 1 个账号');
    await expect.poll(() => page.getByTestId(`account-state-${username}`).innerText()).toContain('待改初始密码');
    await saveScreenshot(page, 'accounts-1280x800');
  });

  it('holds the new cadre on the password page until the one-time password is changed', async () => {
    const { context } = await newTabletContext(tablet.browser, tablet.server.url, LANDSCAPE);
    const cadre = await context.newPage();
    try {
      await cadre.goto('/login');
      await cadre.getByTestId('login-username').fill(username);
      await cadre.getByTestId('login-password').fill(otp);
      await cadre.getByTestId('login-submit').click();
      await cadre.waitForURL('**/account/password**');
      await cadre.getByTestId('must-change').waitFor();
      // The server refuses everything else, whatever the page does.
      const api = await cadre.request.get('/api/households');
      expect(api.status()).toBe(403);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe('PASSWORD_CHANGE_REQUIRED');
      await cadre.goto('/households');
      await cadre.waitForURL('**/account/password**');
      await cadre.getByTestId('password-current').fill(otp);
      await cadre.getByTestId('password-new').fill('Baojia2026new');
      await cadre.getByTestId('password-confirm').fill('Baojia2026new');
      await cadre.getByTestId('password-submit').click();
      await cadre.waitForURL((u) => u.pathname === '/households');
      expect((await cadre.request.get('/api/households')).status()).toBe(200);

      // The county official resets the password: the cadre's session ends.
      await row(username).getByTestId(`account-reset-${username}`).click();
      await confirmBox(page);
      await expect.poll(() => page.getByTestId('otp-dialog').innerText()).toContain(`${username} 的密码已重置`);
      const second = await readOtp(page);
      expect(second).not.toBe(otp);
      otp = second;
      expect((await cadre.request.get('/api/auth/me')).status()).toBe(401);
      await cadre.reload();
      await cadre.waitForURL('**/login**');
    } finally {
      await context.close();
    }
  });

  it('disables the account: its login fails like a wrong password', async () => {
    await row(username).getByTestId(`account-disable-${username}`).click();
    await confirmBox(page);
    await expect.poll(() => page.getByTestId(`account-state-${username}`).innerText()).toContain('已停用');
    await row(username).getByTestId(`account-enable-${username}`).waitFor();
    const res = await fetch(`${tablet.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: otp }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('用户名或密码错误');
  });

  it('lifts the login limit of an account kept waiting by wrong passwords', async () => {
    const { db } = await getTestDb();
    const limited = unique('e2elimit');
    await createAccount(systemCtx(db), {
      username: limited,
      displayName: '受限测试',
      role: 'village_cadre',
      areaCode: '522324101002',
      password: 'Limited2026pw',
    });
    for (let i = 0; i < 5; i++) {
      await fetch(`${tablet.server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: limited, password: 'wrong-pass-1' }),
      });
    }
    await page.getByTestId('accounts-search').fill(limited);
    await page.getByTestId('accounts-search-submit').click();
    await expect.poll(() => page.getByTestId(`account-state-${limited}`).innerText()).toMatch(/登录受限至 \d\d:\d\d/);
    await page.getByTestId(`account-unlock-${limited}`).click();
    await expect.poll(() => page.getByTestId(`account-state-${limited}`).innerText()).not.toMatch(/登录受限/);
    expect(await page.getByTestId(`account-unlock-${limited}`).count()).toBe(0);
    const res = await fetch(`${tablet.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: limited, password: 'Limited2026pw' }),
    });
    expect(res.status).toBe(200);
  });

  it('gives the admin every account on a portrait tablet, in English', async () => {
    const { context } = await newTabletContext(tablet.browser, tablet.server.url, PORTRAIT, { locale: 'en', touch: true });
    // The language chosen earlier on this tablet (the switch stores it).
    await context.addInitScript("localStorage.setItem('dripline.locale', 'en')");
    const admin = await context.newPage();
    try {
      await login(admin, 'admin');
      await admin.goto('/settings/accounts');
      const table = admin.getByTestId('accounts-table');
      await table.locator('.el-table__row', { hasText: 'qinglong_inspector' }).waitFor();
      expect(await admin.locator('h1').innerText()).toBe('Accounts');
      expect(await table.innerText()).toContain('Discipline inspector');
      // The admin's own row has no buttons.
      expect(
        await table
          .locator('.el-table__row', { has: admin.getByTestId('account-admin') })
          .locator('button')
          .count(),
      ).toBe(0);
      const overflow = await admin.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await smallTargets(admin, TARGETS.replace(', .app-nav .el-menu-item', ''))).toEqual([]);
      await saveScreenshot(admin, 'accounts-800x1280-en');
    } finally {
      await context.close();
    }
  });

  it('sends a page already open to the password page when the server holds the session to a password change', async () => {
    const { db } = await getTestDb();
    const name = unique('e2ehold');
    await createAccount(systemCtx(db), { username: name, displayName: '改密测试', role: 'village_cadre', areaCode: '522324101209', password: 'Holding2026pw' });
    const { context } = await newTabletContext(tablet.browser, tablet.server.url, LANDSCAPE);
    const cadre = await context.newPage();
    try {
      await login(cadre, name, 'Holding2026pw');
      await cadre.getByTestId('nav-households').click();
      await cadre.waitForURL((u) => u.pathname === '/households');
      // Set underneath the open page (no session ended): the next request answers 403 PASSWORD_CHANGE_REQUIRED.
      await db.updateTable('accounts').set({ must_change_password: true }).where('username', '=', name).execute();
      await cadre.getByTestId('nav-areas').click();
      await cadre.waitForURL('**/account/password**');
      await cadre.getByTestId('must-change').waitFor();
    } finally {
      await context.close();
    }
  });

  it('has no 账号管理 for other roles', async () => {
    const { context } = await newTabletContext(tablet.browser, tablet.server.url, LANDSCAPE);
    const township = await context.newPage();
    try {
      await login(township, 'shazi_township');
      await township.getByTestId('nav-households').waitFor();
      expect(await township.getByTestId('nav-accounts').count()).toBe(0);
      expect((await township.request.get('/api/accounts')).status()).toBe(403);
    } finally {
      await context.close();
    }
  });
});
