// e2e: 项目库 on a tablet — a village cadre drafts a road project and submits it, the township
// forwards it from its approval queue, the county approves it into the library (入库) and the
// notice starts; implementation is not offered before the 10 days are over, and an objection
// recorded during the notice shows as unanswered; once it is answered and the notice has run out
// (the server's clock moved 11 days on) the county starts implementation, money is disbursed, the
// township records progress with the contractor and has it accepted, and full reimbursement is
// refused before 验收 and taken after it; the inspector reads the ledger; the village supervisor
// reads the project without any action; the village's public page shows the money spent. Each role
// in its own browser context, as on its own tablet.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../api/test/db.ts';
import { LANDSCAPE, login, newTabletContext, openTablet, PORTRAIT, saveScreenshot, type Tablet } from './browser.ts';

describe('项目库 and 资金台账 (village cadre → township → county; inspector, supervisor)', () => {
  let tablet: Tablet;
  const name = unique('保家村通组公路');
  let projectUrl = '';

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE, { touch: true });
  });
  afterAll(() => tablet?.close());

  async function asRole(username: string, viewport = LANDSCAPE): Promise<Page> {
    const { context } = await newTabletContext(tablet.browser, tablet.server.url, viewport, { touch: true });
    const page = await context.newPage();
    await login(page, username);
    return page;
  }

  async function takeStep(page: Page, action: string, note?: string): Promise<void> {
    await page.getByTestId(`project-action-${action}`).click();
    const dialog = page.getByTestId('project-step-dialog');
    await dialog.waitFor();
    if (note) await page.getByTestId('project-step-note').fill(note);
    await page.getByTestId('project-step-confirm').click();
  }

  it('the village cadre drafts a project with a budget line in yuan and submits it', async () => {
    const page = tablet.page;
    await login(page, 'baojia_cadre');
    await page.getByTestId('nav-projects').click();
    await page.waitForURL('**/projects');
    await page.getByTestId('projects-new').click();
    await page.getByTestId('project-create').waitFor();
    await page.getByTestId('project-name').fill(name);
    await page.getByTestId('project-type').click();
    await page
      .locator('.el-select-dropdown__item:visible')
      .filter({ hasText: /^\s*农村道路\s*$/ })
      .first()
      .click();
    // The cadre's own village is chosen already (the lead village).
    expect(await page.getByTestId('project-villages').innerText()).toContain('保家村');
    await page.getByTestId('project-amount-0').fill('150000.505');
    await page.getByTestId('project-create-save').click();
    // More than two decimals: the server names the field, nothing is created.
    await expect.poll(() => page.getByTestId('project-create').innerText()).toContain('两位小数');
    await page.getByTestId('project-amount-0').fill('150000.50');
    await page.getByTestId('project-create-save').click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    projectUrl = new URL(page.url()).pathname;
    expect(await page.getByTestId('project-title').innerText()).toBe(name);
    expect(await page.getByTestId('project-state').innerText()).toBe('村申报');
    expect(await page.getByTestId('project-budget').innerText()).toContain('150,000.50');
    await takeStep(page, 'submit');
    await expect.poll(() => page.getByTestId('project-state').innerText()).toBe('乡镇审核');
    // Submitted: the village may still withdraw it, no longer submit it.
    expect(await page.getByTestId('project-action-submit').count()).toBe(0);
    await saveScreenshot(page, 'project-submitted-1280x800');
  });

  it('the township forwards it from its queue; a return needs a reason', async () => {
    const page = await asRole('shazi_township', PORTRAIT);
    // Portrait: the navigation is in the drawer.
    await page.getByTestId('nav-toggle').click();
    await page.getByTestId('nav-project-queue').click();
    await page.waitForURL('**/projects/queue');
    const row = page.getByTestId('project-queue').locator('.el-table__row', { hasText: name });
    await row.waitFor();
    await row.click();
    await page.waitForURL(`**${projectUrl}`);
    await page.getByTestId('project-action-return').click();
    await page.getByTestId('project-step-confirm').click();
    await expect.poll(() => page.locator('.el-message').innerText()).toContain('请填写说明');
    await page.getByTestId('project-step-dialog').locator('.el-dialog__headerbtn').click();
    await takeStep(page, 'approve', '符合乡镇产业规划，同意上报');
    await expect.poll(() => page.getByTestId('project-state').innerText()).toBe('县级审定');
    await saveScreenshot(page, 'project-township-800x1280');
    await page.context().close();
  });

  it('the county approves it into the library; implementation waits for the notice; an objection is recorded; money is allocated', async () => {
    const page = await asRole('qinglong_county');
    await page.goto(projectUrl);
    await takeStep(page, 'approve');
    await expect.poll(() => page.getByTestId('project-state').innerText()).toBe('公告公示');
    expect(await page.getByTestId('project-steps').innerText()).toContain('符合乡镇产业规划');
    // The notice runs 10 days: implementation is not offered yet; an objection is recorded.
    expect(await page.getByTestId('project-action-approve').count()).toBe(0);
    await takeStep(page, 'object', '村民反映：线路占用耕地');
    await expect.poll(() => page.locator('.el-alert--warning').innerText()).toContain('1 条异议尚未答复');
    expect(await page.getByTestId('project-state').innerText()).toBe('公告公示');
    await saveScreenshot(page, 'project-notice-1280x800');
    // The county allocates money to the project: a third decimal is refused, nothing is written.
    await page.getByTestId('project-new-entry').click();
    await page.getByTestId('entry-dialog').waitFor();
    await page.getByTestId('entry-amount').fill('1000.123');
    await page.getByTestId('entry-save').click();
    await expect.poll(() => page.getByTestId('entry-dialog').innerText()).toContain('两位小数');
    await page.getByTestId('entry-amount').fill('100000');
    await page.getByTestId('entry-save').click();
    await expect.poll(() => page.getByTestId('project-progress').innerText()).toContain('下达 100,000.00');
    await page.context().close();
  });

  async function postEntry(page: Page, kind: string, amount: string, voucher?: string): Promise<void> {
    await page.getByTestId('project-new-entry').click();
    await page.getByTestId('entry-dialog').waitFor();
    await page.getByTestId('entry-kind').click();
    await page
      .locator('.el-select-dropdown__item:visible')
      .filter({ hasText: new RegExp(`^\\s*${kind}\\s*$`) })
      .first()
      .click();
    await page.getByTestId('entry-amount').fill(amount);
    if (voucher) await page.getByTestId('entry-voucher').fill(voucher);
    await page.getByTestId('entry-save').click();
  }

  it('the objection answered and the notice run out, implementation starts; money is disbursed and fully reimbursed only after acceptance', async () => {
    const county = await asRole('qinglong_county');
    await county.goto(projectUrl);
    await takeStep(county, 'answer', '已与农户协商，线路改走村道边');
    await expect.poll(() => county.locator('.el-alert--warning').count()).toBe(0);
    // Day 1 of 10: still no implementation.
    expect(await county.getByTestId('project-action-approve').count()).toBe(0);
    tablet.server.advanceDays(11);
    await county.reload();
    await takeStep(county, 'approve', '公示期满无异议');
    await expect.poll(() => county.getByTestId('project-state').innerText()).toBe('实施');
    await postEntry(county, '拨付', '100000');
    await expect.poll(() => county.getByTestId('project-progress').innerText()).toContain('拨付 100,000.00');
    await county.context().close();

    const township = await asRole('shazi_township');
    await township.goto(projectUrl);
    await township.getByTestId('project-action-progress').click();
    await township.getByTestId('project-step-contractor').fill('晴隆县公路建设有限公司');
    await township.getByTestId('project-step-note').fill('路基完成 60%');
    await township.getByTestId('project-step-confirm').click();
    await expect.poll(() => township.getByTestId('project-steps').innerText()).toContain('路基完成 60%');
    await postEntry(township, '报账', '60000', 'PZ-2026-001');
    await expect.poll(() => township.getByTestId('project-progress').innerText()).toContain('已支出 60,000.00');
    // The rest would spend everything before 验收: refused, naming why; nothing written.
    await postEntry(township, '报账', '40000', 'PZ-2026-002');
    await expect.poll(() => township.getByTestId('entry-dialog').innerText()).toContain('项目未验收，不能全额报账');
    await township.getByTestId('entry-dialog').locator('.el-dialog__headerbtn').click();
    expect(await township.getByTestId('project-progress').innerText()).toContain('已支出 60,000.00');
    await takeStep(township, 'approve', '完工，申请验收');
    await expect.poll(() => township.getByTestId('project-state').innerText()).toBe('验收');
    await takeStep(township, 'approve', '验收合格');
    await expect.poll(() => township.getByTestId('project-state').innerText()).toBe('资产移交');
    await postEntry(township, '报账', '40000', 'PZ-2026-002');
    await expect.poll(() => township.getByTestId('project-progress').innerText()).toContain('已支出 100,000.00');
    await saveScreenshot(township, 'project-reimbursed-1280x800');
    await township.context().close();
  });

  it('the inspector reads the ledger by source and the project, and may take no step', async () => {
    const page = await asRole('qinglong_inspector');
    await page.getByTestId('nav-ledger').click();
    await page.waitForURL('**/funds');
    await page.getByTestId('ledger-balances').waitFor();
    expect(await page.getByTestId('ledger-total').innerText()).toMatch(/共 \d+ 笔/);
    await page.goto(projectUrl);
    await page.getByTestId('project-title').waitFor();
    expect(await page.getByTestId('project-actions').count()).toBe(0);
    expect(await page.getByTestId('project-new-entry').count()).toBe(0);
    await page.context().close();
  });

  it('the village supervisor reads the project of the village, without actions', async () => {
    const page = await asRole('baojia_supervisor');
    await page.goto(projectUrl);
    await page.getByTestId('project-title').waitFor();
    expect(await page.getByTestId('project-state').innerText()).toBe('资产移交');
    expect(await page.getByTestId('project-actions').count()).toBe(0);
    expect(await page.getByTestId('nav-project-queue').count()).toBe(0);
    await page.context().close();
  });

  it('the village public page (no login) lists the approved project with its allocation', async () => {
    const { context } = await newTabletContext(tablet.browser, tablet.server.url, PORTRAIT);
    const page = await context.newPage();
    await page.goto('/public/villages/522324101209');
    const text = await page.locator('body').innerText();
    expect(text).toContain('保家村');
    expect(text).toContain(name);
    expect(text).toContain('100,000.00');
    // Allocated and spent alike: the whole amount was reimbursed after acceptance.
    expect(text).toMatch(/100(\.0)?%|100,000\.00[\s\S]*100,000\.00/);
    await saveScreenshot(page, 'public-village-800x1280');
    await context.close();
  });
});
