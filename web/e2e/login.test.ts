// e2e: the login page — the generic error on bad credentials, the way back to the page asked
// for, logout, and unknown addresses.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, LANDSCAPE, openTablet, type Tablet } from './browser.ts';

describe('login', () => {
  let tablet: Tablet;
  let page: Page;

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
    ({ page } = tablet);
  });

  afterAll(() => tablet?.close());

  async function submit(username: string, password: string): Promise<void> {
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
  }

  it('shows the Chinese form', async () => {
    await page.goto('/login');
    const text = await page.locator('main').innerText();
    for (const label of ['用户名', '密码', '登录']) expect(text).toContain(label);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('shows the generic error for a wrong password and stays on /login', async () => {
    await submit('qinglong_county', 'not-the-password-1');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect((await error.innerText()).trim()).toBe('用户名或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
    // The password field is cleared; the username kept.
    expect(await page.getByTestId('login-password').inputValue()).toBe('');
    expect(await page.getByTestId('login-username').inputValue()).toBe('qinglong_county');
  });

  it('gives the same message for an unknown user (no account enumeration)', async () => {
    await submit('no_such_user', 'whatever-123');
    await expect.poll(() => page.getByTestId('login-error').innerText()).toBe('用户名或密码错误');
  });

  it('asks for empty fields without calling the server', async () => {
    await page.goto('/login');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.locator('main').innerText()).toContain('请输入用户名');
    expect(await page.locator('main').innerText()).toContain('请输入密码');
  });

  it('sends a visitor to login and back to the page they asked for', async () => {
    await page.goto('/households?q=abc');
    await page.waitForURL((u) => u.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/households?q=abc');
    await submit('shazi_township', DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/households' && u.search === '?q=abc');
    expect(await page.getByTestId('account-area').innerText()).toBe('沙子镇');
  });

  it('checks the password form locally and shows the server’s field message', async () => {
    await page.goto('/account/password');
    await page.getByTestId('password-new').fill('short1');
    await page.getByTestId('password-confirm').fill('other');
    await page.getByTestId('password-submit').click();
    await expect.poll(() => page.locator('form').innerText()).toContain('请输入当前密码');
    let text = await page.locator('form').innerText();
    expect(text).toContain('新密码至少 10 位');
    expect(text).toContain('两次输入的新密码不一致');
    // A wrong current password is only known to the server; nothing changes.
    await page.getByTestId('password-current').fill('not-my-password-1');
    await page.getByTestId('password-new').fill('NewPassword2026');
    await page.getByTestId('password-confirm').fill('NewPassword2026');
    await page.getByTestId('password-submit').click();
    await expect.poll(() => page.locator('form').innerText()).toContain('当前密码不正确');
    text = await page.locator('form').innerText();
    expect(text).not.toContain('两次输入的新密码不一致');
  });

  it('logs out back to the login page, and the session is gone', async () => {
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    const me = await page.request.get('/api/auth/me');
    expect(me.status()).toBe(401);
    await page.goto('/');
    await page.waitForURL('**/login');
  });

  it('shows a 404 page for an unknown address', async () => {
    await page.goto('/no/such/page');
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByTestId('not-found').innerText()).toContain('页面不存在');
  });
});
