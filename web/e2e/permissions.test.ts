// e2e: the web shows what the permission table (api/shared/permissions.ts) allows the account's
// role, as /api/auth/me reports it — the admin, whom the server refuses, no longer sees 发起程序 on
// a card; the village cadre does. And the member form checks an ID number's GB 11643 checksum
// itself, with the server's words, before anything is sent.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHousehold } from '../../api/test/factories.ts';
import { startTestServer } from '../../api/test/server.ts';
import { LANDSCAPE, launchBrowser, login, newTabletContext } from './browser.ts';

const BAOJIA = '522324101209';
const NAV = ['nav-procedures', 'nav-registry-import', 'nav-crosscheck', 'nav-accounts'] as const;

describe('what each role is shown (permission table)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let household: { id: string };

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    household = await createHousehold({ village: BAOJIA, members: 2 }); // a 脱贫户 of 保家村
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Logs `username` in on a fresh tablet, opens the card; returns the page and the nav items shown. */
  async function openCard(username: string): Promise<{ page: Page; nav: string[]; close: () => Promise<void> }> {
    const { context } = await newTabletContext(browser, server.url, LANDSCAPE);
    const page = await context.newPage();
    await login(page, username);
    const nav: string[] = [];
    for (const id of NAV) if ((await page.getByTestId(id).count()) > 0) nav.push(id);
    await page.goto(`/households/${household.id}`);
    await page.getByTestId('card-title').waitFor();
    await page.getByTestId('card-status').waitFor();
    return { page, nav, close: () => context.close() };
  }

  it('the admin reads the card without 发起程序 (the server refuses it); the village cadre has it', async () => {
    const admin = await openCard('admin');
    try {
      expect(await admin.page.getByTestId('procedure-start').count()).toBe(0);
      expect(await admin.page.getByRole('button', { name: '发起程序' }).count()).toBe(0);
      // What the admin may do is still shown: it writes the card, imports, runs the check, manages accounts.
      expect(await admin.page.getByTestId('household-edit').count()).toBe(1);
      expect(admin.nav).toEqual(['nav-procedures', 'nav-registry-import', 'nav-crosscheck', 'nav-accounts']);
    } finally {
      await admin.close();
    }

    const cadre = await openCard('baojia_cadre');
    try {
      expect(await cadre.page.getByTestId('procedure-start').count()).toBe(1);
      expect(await cadre.page.getByTestId('procedure-start').innerText()).toContain('发起程序');
      expect(cadre.nav).toEqual(['nav-procedures', 'nav-crosscheck']);
    } finally {
      await cadre.close();
    }
  });

  it('read-only roles see neither 发起程序 nor the card’s edit buttons; the supervisor reads the procedures', async () => {
    for (const username of ['qinglong_inspector', 'baojia_supervisor']) {
      const ro = await openCard(username);
      try {
        expect(await ro.page.getByTestId('procedure-start').count(), username).toBe(0);
        expect(await ro.page.getByTestId('household-edit').count(), username).toBe(0);
        expect(ro.nav, username).toEqual(['nav-procedures', 'nav-crosscheck']);
      } finally {
        await ro.close();
      }
    }
  });

  it('the member form refuses an ID number with a wrong check digit before sending it', async () => {
    const cadre = await openCard('baojia_cadre');
    try {
      const { page } = cadre;
      const sent: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/members')) sent.push(r.url());
      });
      await page.getByRole('tab', { name: '家庭成员' }).click();
      await page.getByTestId('member-add').click();
      const dialog = page.getByTestId('member-dialog');
      await dialog.waitFor();
      await dialog.getByTestId('member-name').fill('校验测试');
      await dialog.getByTestId('member-id-number').fill('522324201003151234'); // its check digit is 7
      await dialog.getByTestId('member-save').click();
      const fieldError = dialog.locator('.el-form-item.is-error', { has: page.getByTestId('member-id-number') }).locator('.el-form-item__error');
      await fieldError.waitFor();
      expect(await fieldError.innerText()).toBe('身份证号码校验位错误');
      expect(sent).toEqual([]);
    } finally {
      await cadre.close();
    }
  });
});
