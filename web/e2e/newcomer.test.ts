// e2e: the rough edges a newcomer hit (issue 14 §3). Read-only roles and the admin are shown no action
// they cannot take (no 办理 in the procedure queue, no hint to press 发起程序); a wrong password says so
// once; toasts open below the header bar; in a sign-off the stage's approval is the one solid button
// and 退回 an outlined one; the income tab compares a year not yet entered with the county's lines of
// that year, and only the income tab calls its year 收入年度; on a portrait tablet every card tab is in
// view, ID numbers are whole, and a table wider than the screen shows that it scrolls.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDb } from '../../api/test/db.ts';
import { createHousehold, newProcedure } from '../../api/test/factories.ts';
import { startTestServer } from '../../api/test/server.ts';
import { DEMO_PASSWORD, LANDSCAPE, launchBrowser, login, newTabletContext, PORTRAIT, saveScreenshot } from './browser.ts';

const BAOJIA = '522324101209';

describe('a newcomer’s rough edges (issue 14 §3)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  /** A 脱贫户 of 保家村 with three members and no yearly record. */
  let household: { id: string; householdNo: string };
  /** A procedure of 保家村 waiting at 村级评议 (the village cadre's stage). */
  let procedure: { id: string; householdId: string };
  let procedureNo: string;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    household = await createHousehold({ village: BAOJIA, members: 3 });
    procedure = await newProcedure({ village: BAOJIA, atStage: '村级评议' });
    const { db } = await getTestDb();
    procedureNo = (await db.selectFrom('households').select('household_no').where('id', '=', procedure.householdId).executeTakeFirstOrThrow()).household_no;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function as(username: string, viewport = LANDSCAPE): Promise<{ page: Page; close: () => Promise<void> }> {
    const { context } = await newTabletContext(browser, server.url, viewport);
    const page = await context.newPage();
    await login(page, username);
    return { page, close: () => context.close() };
  }

  /** The queue's row of the 村级评议 procedure, all open procedures shown. */
  async function queueRow(page: Page) {
    await page.goto('/households/procedures?view=open');
    const row = page.getByTestId('queue-table').locator('.el-table__row', { hasText: procedureNo }).first();
    await row.waitFor();
    return row;
  }

  it('read-only roles and the admin see no 办理 in the procedure queue and no hint to press 发起程序', async () => {
    for (const username of ['qinglong_inspector', 'baojia_supervisor', 'admin']) {
      const { page, close } = await as(username);
      try {
        const row = await queueRow(page);
        expect(await row.getByTestId('queue-open').innerText(), username).toBe('查看');
        expect(await page.getByTestId('queue-table').getByRole('button', { name: '办理' }).count(), username).toBe(0);
        // No "waiting for me" list for a role that signs off no stage.
        expect(await page.getByTestId('queue-view').count(), username).toBe(0);
        if (username === 'qinglong_inspector') await saveScreenshot(page, 'newcomer-queue-inspector-1280x800');
        // 查看 still opens the procedure, with nothing to approve.
        await row.getByTestId('queue-open').click();
        const detail = page.getByTestId('procedure-detail');
        await detail.waitFor();
        expect(await detail.getByTestId('procedure-approve').count(), username).toBe(0);
        expect(await detail.getByTestId('procedure-reject').count(), username).toBe(0);

        await page.goto(`/households/${household.id}`);
        const hint = page.getByTestId('status-hint');
        await hint.waitFor();
        expect(await hint.innerText(), username).toContain('只能通过业务流程变更');
        expect(await page.getByTestId('household-card').innerText(), username).not.toContain('发起程序');
        if (username === 'admin') {
          // The admin edits the card but starts no procedure: the edit form does not point to 发起程序 either.
          await page.getByTestId('household-edit').click();
          const graded = page.getByTestId('status-graded-hint');
          await graded.waitFor();
          expect(await graded.innerText()).not.toContain('发起程序');
        }
        if (username === 'baojia_supervisor') await saveScreenshot(page, 'newcomer-card-supervisor-1280x800');
      } finally {
        await close();
      }
    }

    // The village cadre signs off 村级评议: 办理 on that row, and the hint names 发起程序, which it has.
    const { page, close } = await as('baojia_cadre');
    try {
      const row = await queueRow(page);
      expect(await row.getByTestId('queue-open').innerText()).toBe('办理');
      expect(await page.getByTestId('queue-view').count()).toBe(1);
      await page.goto(`/households/${household.id}`);
      await page.getByTestId('status-hint').waitFor();
      expect(await page.getByTestId('status-hint').innerText()).toContain('发起程序');
      expect(await page.getByTestId('procedure-start').count()).toBe(1);
    } finally {
      await close();
    }
  });

  it('a wrong password shows exactly one message', async () => {
    const { context } = await newTabletContext(browser, server.url, LANDSCAPE);
    const page = await context.newPage();
    try {
      await page.goto('/login');
      await page.getByTestId('login-username').fill('sanhe_cadre');
      await page.getByTestId('login-password').fill('not-the-password');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').waitFor();
      await page.waitForTimeout(300); // anything else the failure would show has rendered by now
      expect(await page.getByTestId('login-error').innerText()).toBe('用户名或密码错误');
      const messages = await page
        .locator('[role=alert], .el-message, .el-notification, .el-form-item__error')
        .evaluateAll((els) =>
          els.filter((e) => (e as HTMLElement).offsetParent !== null && (e.textContent ?? '').trim()).map((e) => (e.textContent ?? '').trim()),
        );
      expect(messages).toEqual(['用户名或密码错误']);
      await saveScreenshot(page, 'newcomer-login-wrong-password-1280x800');
      // The right password then logs in.
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('app-header').waitFor();
    } finally {
      await context.close();
    }
  });

  it('toasts open below the header bar', async () => {
    for (const viewport of [LANDSCAPE, PORTRAIT]) {
      const { page, close } = await as('baojia_cadre', viewport);
      try {
        await page.goto(`/households/${household.id}`);
        await page.getByTestId('household-edit').click();
        const dialog = page.getByTestId('household-edit-dialog');
        await dialog.waitFor();
        await dialog.getByTestId('household-save').click();
        const toast = page.locator('.el-message').first();
        await toast.waitFor();
        const header = await page.getByTestId('app-header').boundingBox();
        expect(header).not.toBeNull();
        const headerBottom = (header?.y ?? 0) + (header?.height ?? 0);
        // Once it has slid in, the toast's top edge is below the header's bottom edge.
        await expect.poll(async () => (await toast.boundingBox())?.y ?? 0, { timeout: 3000 }).toBeGreaterThanOrEqual(headerBottom);
        expect(await toast.innerText()).toContain('已保存');
      } finally {
        await close();
      }
    }
  });

  it('in a sign-off, the stage’s approval is the primary button and 退回 an outlined one', async () => {
    for (const viewport of [LANDSCAPE, PORTRAIT]) {
      const { page, close } = await as('baojia_cadre', viewport);
      try {
        const row = await queueRow(page);
        await row.getByTestId('queue-open').click();
        const detail = page.getByTestId('procedure-detail');
        await detail.waitFor();
        expect(await detail.getAttribute('data-stage')).toBe('村级评议');
        const approve = detail.getByTestId('procedure-approve');
        const reject = detail.getByTestId('procedure-reject');
        expect(await approve.innerText()).toContain('村级评议通过');
        expect(await reject.innerText()).toBe('退回');
        const look = (l: typeof approve) =>
          l.evaluate((e) => ({ classes: [...e.classList], background: getComputedStyle(e).backgroundColor, colour: getComputedStyle(e).color }));
        const a = await look(approve);
        const r = await look(reject);
        expect(a.classes).toContain('el-button--primary');
        expect(a.classes).not.toContain('is-plain');
        // 退回: an outline (plain, text or link), never a solid red button.
        expect(r.classes.some((c) => c === 'is-plain' || c === 'is-text' || c === 'is-link')).toBe(true);
        expect(r.classes).not.toContain('el-button--primary');
        const [rr, rg, rb] = (r.background.match(/\d+/g) ?? []).map(Number);
        expect(Math.min(rr ?? 0, rg ?? 0, rb ?? 0), `退回 background ${r.background}`).toBeGreaterThan(200); // a light fill
        await saveScreenshot(page, `newcomer-signoff-cadre-${viewport.width}x${viewport.height}`);
      } finally {
        await close();
      }
    }
  });

  it('the income tab shows the county’s lines for a year not yet entered; only it calls the year 收入年度', async () => {
    const { page, close } = await as('baojia_supervisor');
    try {
      await page.goto(`/households/${household.id}?tab=income`);
      const tab = page.getByTestId('income-tab');
      await tab.waitFor();
      expect(await tab.getByTestId('year-label').innerText()).toBe('收入年度');
      // 2024 has no record on this card; the county set its lines (the demo's 4,400 and 7,600 yuan).
      await tab.getByTestId('year-select').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: '2024 年' }).click();
      const perCapita = tab.getByTestId('per-capita');
      await expect.poll(() => perCapita.innerText()).toContain('2024 年贫困线：4,400.00 元');
      expect(await perCapita.innerText()).toContain('2024 年监测线：7,600.00 元');
      expect(await perCapita.innerText()).not.toContain('尚未设置');
      await saveScreenshot(page, 'newcomer-income-supervisor-1280x800');
      for (const other of ['conditions', 'guarantees']) {
        await page.goto(`/households/${household.id}?tab=${other}`);
        const label = page.getByTestId(`${other}-tab`).getByTestId('year-label');
        await label.waitFor();
        expect(await label.innerText(), other).toBe('年度');
      }
    } finally {
      await close();
    }
  });

  it('on a portrait tablet every card tab is in view, ID numbers are whole, and a wide table shows it scrolls', async () => {
    const { page, close } = await as('baojia_cadre', PORTRAIT);
    try {
      await page.goto(`/households/${household.id}?tab=members`);
      const table = page.getByTestId('member-table');
      await table.locator('.el-table__row').first().waitFor();

      // Every tab lies inside the tab bar's visible area (none hidden behind scroll arrows).
      const tabs = await page.getByTestId('card-tabs').evaluate((root) => {
        const bar = root.querySelector('.el-tabs__nav-wrap')?.getBoundingClientRect();
        return [...root.querySelectorAll('.el-tabs__item')].map((e) => {
          const r = e.getBoundingClientRect();
          return { text: e.textContent?.trim(), inside: !!bar && r.left >= bar.left - 0.5 && r.right <= bar.right + 0.5 && r.width > 0 };
        });
      });
      expect(tabs.length).toBe(10);
      expect(tabs.filter((x) => !x.inside)).toEqual([]);

      // ID numbers: 18 characters, on one line, whole inside their cell and clear of the fixed 操作 column.
      await expect.poll(() => table.getByTestId('masked-id_number').count()).toBe(3);
      const ids = await table.evaluate((root) => {
        const fixed = root.querySelector('.el-table__body-wrapper td.el-table-fixed-column--right')?.getBoundingClientRect();
        return [...root.querySelectorAll('.el-table__body-wrapper [data-testid="masked-id_number"] .masked__value')].map((v) => {
          const r = v.getBoundingClientRect();
          const cell = (v.closest('.cell') as HTMLElement).getBoundingClientRect();
          const lineHeight = parseFloat(getComputedStyle(v).lineHeight) || 24;
          return {
            text: v.textContent?.trim(),
            whole: r.left >= cell.left - 0.5 && r.right <= cell.right + 0.5,
            oneLine: r.height <= lineHeight * 1.5,
            clear: !fixed || r.right <= fixed.left + 0.5,
          };
        });
      });
      expect(ids).toHaveLength(3);
      for (const id of ids) expect(id, JSON.stringify(id)).toMatchObject({ whole: true, oneLine: true, clear: true });
      for (const id of ids) expect(id.text?.length).toBe(18);

      // The members table is wider than the screen: its scrollbar shows and the fixed column casts a shadow.
      const members = await scrollHint(page, 'member-table');
      expect(members.overflows).toBe(true);
      expect(members.scrollbarShown).toBe(true);
      expect(members.fixedShadow).not.toBe('none');
      await saveScreenshot(page, 'newcomer-card-members-cadre-800x1280');

      // The last tab (in view, as checked above) opens with one tap.
      await page.getByTestId('card-tabs').locator('.el-tabs__item').last().click();
      await page.getByTestId('history-tab').waitFor();

      // The household list, wider than the screen, without a fixed column: its edge fades.
      await page.goto('/households');
      await page.getByTestId('household-table').locator('.el-table__row').first().waitFor();
      await expect.poll(async () => (await scrollHint(page, 'household-table')).edge.opacity).toBe('1'); // after its fade-in
      const list = await scrollHint(page, 'household-table');
      expect(list.overflows).toBe(true);
      expect(list.scrollbarShown).toBe(true);
      expect(list.edge.background).toContain('gradient');
      await saveScreenshot(page, 'newcomer-households-cadre-800x1280');
    } finally {
      await close();
    }
  });
});

interface ScrollHint {
  overflows: boolean;
  scrollbarShown: boolean;
  fixedShadow: string;
  edge: { opacity: string; background: string };
}

/** How the table `testid` shows that it scrolls sideways: its scrollbar, a fixed column's shadow, the right edge's fade. */
async function scrollHint(page: Page, testid: string): Promise<ScrollHint> {
  const table = page.getByTestId(testid);
  // Element Plus sets is-scrolling-* after a frame.
  await expect.poll(() => table.evaluate((t) => [...t.classList].some((c) => c.startsWith('is-scrolling-')))).toBe(true);
  return await table.evaluate((t) => {
    const body = t.querySelector<HTMLElement>('.el-table__body-wrapper') ?? t;
    const wrap = body.querySelector<HTMLElement>('.el-scrollbar__wrap') ?? body;
    const bar = body.querySelector<HTMLElement>('.el-scrollbar__bar.is-horizontal');
    const fixed = body.querySelector('td.el-table-fixed-column--right.is-first-column');
    const after = getComputedStyle(body, '::after');
    return {
      overflows: wrap.scrollWidth > wrap.clientWidth + 1,
      scrollbarShown:
        !!bar && getComputedStyle(bar).display !== 'none' && Number(getComputedStyle(bar).opacity) > 0.5 && bar.getBoundingClientRect().height > 0,
      fixedShadow: fixed ? getComputedStyle(fixed, '::before').boxShadow : 'none',
      edge: { opacity: after.opacity, background: after.backgroundImage },
    };
  });
}
