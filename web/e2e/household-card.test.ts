// e2e: the household card (一户一卡) on a tablet. A village cadre of 保家村 finds a household by the
// pinyin initials of its head, opens its card, reveals an ID number (audited), adds a member,
// records a visit with the tablet's GPS, and starts a 监测对象认定 procedure; it goes through
// 村级评议 and (after the 7-day notice, moved back in the database here) 村内公示; the township
// officer of 沙子镇 then finds it in the review queue and approves 乡镇审核. The 明白卡 PDF is produced.
import { sql } from 'kysely';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../api/modules/procedures/state-machine.ts';
import { nameInitials } from '../../api/shared/pinyin.ts';
import { getTestDb } from '../../api/test/db.ts';
import { createHousehold, makeIdNumber } from '../../api/test/factories.ts';
import { startTestServer } from '../../api/test/server.ts';
import { LANDSCAPE, launchBrowser, login, newTabletContext, PORTRAIT, saveScreenshot, smallTargets } from './browser.ts';

const BAOJIA = '522324101209';
/** An uncommon name, so its initials pick out few households. */
const HEAD = '蒲晓岚';
const GPS = { latitude: 25.83412, longitude: 105.21877, accuracy: 8 };

/** Every kind of control a finger has to hit on the card. */
const TARGETS = ['button', '.el-input__wrapper', '.el-select__wrapper', '.el-radio-button__inner', '.el-tabs__item', '.el-checkbox.is-bordered'].join(', ');

/** Picks an option of an Element Plus select (its dropdown is teleported to <body>). */
async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.locator('.el-select__wrapper').click();
  const item = page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^\\s*${option}\\s*$`) });
  await item.first().click();
}

describe('household card on a tablet (village cadre → township officer)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let household: { id: string; householdNo: string };
  let procedureId: string;
  const newMember = { name: '蒲小雨', idNumber: makeIdNumber('20100315', '女') };

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    ({ context } = await newTabletContext(browser, server.url, LANDSCAPE, { touch: true }));
    await context.grantPermissions(['geolocation'], { origin: server.url });
    await context.setGeolocation(GPS);
    page = await context.newPage();
    household = await createHousehold({ village: BAOJIA, head: HEAD, members: 2 }); // a 脱贫户 of 保家村
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('finds the household by the pinyin initials of its head', async () => {
    await login(page, 'baojia_cadre');
    await page.goto('/households');
    const initials = nameInitials(HEAD);
    expect(initials).toBe('pxl');
    await page.getByTestId('household-search').fill(initials);
    await page.getByTestId('household-search-submit').click();
    await page.waitForURL((u) => u.searchParams.get('q') === initials);
    const row = page.getByTestId('household-table').locator('.el-table__row', { hasText: household.householdNo });
    await row.waitFor();
    expect(await row.innerText()).toContain(HEAD);
    await saveScreenshot(page, 'household-search-1280x800');
    await row.getByRole('link', { name: household.householdNo }).click();
    await page.waitForURL(`**/households/${household.id}`);
    await expect.poll(() => page.getByTestId('card-title').innerText()).toContain(HEAD);
    expect(await page.getByTestId('card-status').innerText()).toBe('脱贫户');
    expect(await smallTargets(page, TARGETS)).toEqual([]);
  });

  it('shows the members with masked ID numbers and reveals one on request', async () => {
    await page.getByRole('tab', { name: '家庭成员' }).click();
    const table = page.getByTestId('member-table');
    const headRow = table.locator('.el-table__row', { hasText: HEAD }).first();
    await headRow.waitFor();
    const masked = headRow.getByTestId('masked-id_number');
    expect(await masked.innerText()).toMatch(/5223\*+\d{3}[\dX]/);
    await masked.getByTestId('reveal').click();
    await expect.poll(() => masked.innerText()).toMatch(/^5223\d{13}[\dX]/);
  });

  it('adds a member (birth date and sex come from the ID number)', async () => {
    await page.getByTestId('member-add').click();
    const dialog = page.getByTestId('member-dialog');
    await dialog.waitFor();
    await page.waitForTimeout(300); // dialog open animation
    expect(
      await smallTargets(page, '.el-dialog button, .el-dialog .el-input__wrapper, .el-dialog .el-select__wrapper, .el-dialog .el-checkbox.is-bordered'),
    ).toEqual([]);
    await dialog.getByTestId('member-name').fill(newMember.name);
    await dialog.getByTestId('member-id-number').fill(newMember.idNumber);
    await choose(page, dialog.getByTestId('member-relation'), '之孙女');
    await saveScreenshot(page, 'member-dialog-1280x800');
    await dialog.getByTestId('member-save').click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('member-table').locator('.el-table__row', { hasText: newMember.name }).first();
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('2010-03-15');
    expect(text).toContain('女');
    expect(text).toContain('之孙女');
  });

  it('shows a field error from the server on the field', async () => {
    await page.getByTestId('member-add').click();
    const dialog = page.getByTestId('member-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('member-name').fill('校验测试');
    await dialog.getByTestId('member-id-number').fill('522324201003151234'); // bad checksum
    await choose(page, dialog.getByTestId('member-relation'), '之孙子');
    await dialog.getByTestId('member-save').click();
    const fieldError = dialog.locator('.el-form-item.is-error', { has: page.getByTestId('member-id-number') }).locator('.el-form-item__error');
    await fieldError.waitFor();
    expect((await fieldError.innerText()).length).toBeGreaterThan(2);
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('offers a reload when someone else changed the card meanwhile (409)', async () => {
    await page.getByRole('tab', { name: '基本信息' }).click();
    await page.getByTestId('household-edit').click();
    const dialog = page.getByTestId('household-edit-dialog');
    await dialog.waitFor();
    // Another device saves the household while this form is open.
    const { db } = await getTestDb();
    await sql`update households set version = version + 1 where id = ${household.id}`.execute(db);
    await dialog.getByTestId('household-save').click();
    const box = page.locator('.dl-conflict-box');
    await box.waitFor();
    await box.getByRole('button', { name: '重新加载' }).click();
    await box.waitFor({ state: 'hidden' });
    await dialog.waitFor({ state: 'hidden' });
    // The reloaded card carries the new version: a second edit saves.
    await page.getByTestId('household-edit').click();
    await dialog.waitFor();
    await dialog.getByTestId('household-save').click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('enters a year’s income; the per-capita figure comes from the server', async () => {
    await page.getByRole('tab', { name: '收入', exact: true }).click();
    const tab = page.getByTestId('income-tab');
    await tab.getByTestId('income-edit').click();
    await tab.getByTestId('income-wage').locator('input').fill('12000');
    await tab.getByTestId('income-businessExpense').locator('input').fill('600');
    await tab.getByTestId('income-save').click();
    await tab.getByTestId('income-save').waitFor({ state: 'hidden' });
    const { db } = await getTestDb();
    const y = await sql<{ per_capita_income: number | string; household_size: number }>`
      select per_capita_income, household_size from household_years where household_id = ${household.id}`.execute(db);
    expect(y.rows).toHaveLength(1);
    const perCapita = Number(y.rows[0]?.per_capita_income) / 100;
    expect(perCapita).toBeCloseTo((12000 - 600) / Number(y.rows[0]?.household_size), 0);
    const shown = perCapita.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    await expect.poll(() => tab.getByTestId('per-capita').innerText()).toContain(shown);
    await saveScreenshot(page, 'income-1280x800');
  });

  it('records a visit with the tablet’s GPS position', async () => {
    await page.getByRole('tab', { name: '走访记录' }).click();
    await page.getByTestId('visit-add').click();
    const dialog = page.getByTestId('visit-dialog');
    await dialog.waitFor();
    // The position is captured as the form opens.
    await expect.poll(() => dialog.getByTestId('visit-location').innerText()).toContain('105.218770, 25.834120');
    await dialog.getByTestId('visit-purpose').fill('月度遍访');
    await dialog.getByTestId('visit-problems').fill('户主腿伤，近三个月无法务工，医疗自付费用较高');
    await dialog.getByTestId('visit-save').click();
    await dialog.waitFor({ state: 'hidden' });
    const visit = page.getByTestId('visit').filter({ hasText: '月度遍访' }).first();
    await visit.waitFor();
    expect(await visit.getByTestId('visit-gps').innerText()).toContain('105.21877, 25.83412');
    const { db } = await getTestDb();
    const stored = await sql<{ lon: number; lat: number; acc: number }>`
      select st_x(location) as lon, st_y(location) as lat, location_accuracy_m as acc from visits
      where household_id = ${household.id} and purpose = '月度遍访'`.execute(db);
    expect(stored.rows).toHaveLength(1);
    expect(Number(stored.rows[0]?.lon)).toBeCloseTo(GPS.longitude, 5);
    expect(Number(stored.rows[0]?.lat)).toBeCloseTo(GPS.latitude, 5);
    expect(Number(stored.rows[0]?.acc)).toBe(8);
  });

  it('starts a 监测对象认定 procedure and signs off 村级评议', async () => {
    await page.getByTestId('procedure-start').click();
    const dialog = page.getByTestId('procedure-start-dialog');
    await dialog.waitFor();
    await choose(page, dialog.getByTestId('procedure-type'), '监测对象认定');
    await choose(page, dialog.getByTestId('procedure-category'), '突发严重困难户');
    await dialog.getByTestId('procedure-risks').locator('.el-select__wrapper').click();
    await page
      .locator('.el-select-dropdown__item:visible')
      .filter({ hasText: /^\s*因意外事故\s*$/ })
      .click();
    await page.keyboard.press('Escape');
    await choose(page, dialog.getByTestId('procedure-origin'), '干部走访');
    await dialog.getByTestId('procedure-reason').fill('户主意外受伤，收入骤降');
    await dialog.getByTestId('procedure-evidence').fill('走访核实：户主腿伤，医院诊断书，近三个月无务工收入');
    await saveScreenshot(page, 'procedure-start-1280x800');
    await dialog.getByTestId('procedure-submit').click();
    await dialog.waitFor({ state: 'hidden' });

    // The new procedure opens with its chain, waiting for 村级评议 by the cadre.
    const detail = page.getByTestId('procedure-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-stage')).toBe('村级评议');
    const chain = await detail.getByTestId('procedure-chain').innerText();
    expect(chain).toMatch(/村级评议[\s\S]*村内公示[\s\S]*乡镇审核[\s\S]*县级审定/);
    await detail.getByTestId('procedure-note').fill('村民代表会议评议通过（到会 23 人，同意 23 人）');
    await detail.getByTestId('procedure-approve').click();
    await expect.poll(() => detail.getAttribute('data-stage')).toBe('村内公示');
    // The notice runs 7 days: the cadre cannot approve it yet.
    expect(await detail.getByTestId('procedure-approve').count()).toBe(0);
    await saveScreenshot(page, 'procedure-chain-1280x800');
    // The notice sheet for the village board: a PDF naming the household's head.
    const notice = detail.getByTestId('publicity-notice');
    expect(await notice.innerText()).toBe('打印公示表');
    const res = await page.request.get((await notice.getAttribute('href')) as string);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/pdf');
    expect((await res.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.keyboard.press('Escape');

    const { db } = await getTestDb();
    const p = await sql<{ id: string }>`select id from procedures where household_id = ${household.id} and status = 'open'`.execute(db);
    expect(p.rows).toHaveLength(1);
    procedureId = p.rows[0]?.id as string;
  });

  it('closes 村内公示 after the 7-day notice', async () => {
    // Seven days pass (moved back in the database: the notice is measured from its start).
    const { db } = await getTestDb();
    await sql`update procedures set publicity_started_at = now() - interval '8 days' where id = ${procedureId}`.execute(db);
    await page.reload();
    const banner = page.getByTestId('procedure-open');
    await banner.waitFor();
    expect(await banner.innerText()).toContain('村内公示');
    await banner.getByTestId('procedure-view').click();
    const detail = page.getByTestId('procedure-detail');
    await detail.waitFor();
    await detail.getByTestId('procedure-note').fill('公示期满无异议');
    await detail.getByTestId('procedure-approve').click();
    await expect.poll(() => detail.getAttribute('data-stage')).toBe('乡镇审核');
    expect(await detail.getByTestId('procedure-waiting').innerText()).toContain('乡镇审核');
    await page.keyboard.press('Escape');
  });

  it('exports the filtered list to Excel', async () => {
    await page.goto(`/households?q=${nameInitials(HEAD)}&status=${encodeURIComponent('脱贫户')}`);
    const link = page.getByTestId('household-export');
    const href = await link.getAttribute('href');
    expect(href).toContain('/api/print/households.xlsx?');
    expect(new URL(href as string, server.url).searchParams.get('q')).toBe(nameInitials(HEAD));
    const res = await page.request.get(href as string);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('spreadsheetml');
    await page.goto(`/households/${household.id}`);
    await page.getByTestId('card-title').waitFor();
  });

  it('produces the 明白卡 PDF', async () => {
    const href = await page.getByTestId('mingbai-card').getAttribute('href');
    expect(href).toBe(`/api/print/households/${household.id}/mingbai-card.pdf`);
    const res = await page.request.get(href as string);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/pdf');
    const body = await res.body();
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(body.length).toBeGreaterThan(1000);
  });

  it('lets the township officer review and approve 乡镇审核 on a portrait tablet', async () => {
    const { context: township } = await newTabletContext(browser, server.url, PORTRAIT, { touch: true });
    const officer = await township.newPage();
    try {
      await login(officer, 'shazi_township');
      await officer.goto('/households');
      await officer.getByTestId('procedure-queue-link').click();
      await officer.waitForURL('**/households/procedures');
      const row = officer.getByTestId('queue-table').locator('.el-table__row', { hasText: household.householdNo }).first();
      await row.waitFor();
      expect(await row.innerText()).toContain('监测对象认定');
      expect(await row.innerText()).toContain('乡镇审核');
      expect(await smallTargets(officer, TARGETS)).toEqual([]);
      // The township's 公告 is a link away (nothing approved yet in its last 30 days here: the server says so).
      const announcement = await officer.getByTestId('queue-announcement').getAttribute('href');
      expect(announcement).toBe('/api/print/areas/522324101/announcement.pdf');
      const printed = await officer.request.get(announcement as string);
      if (printed.status() === 200) expect((await printed.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      else expect(((await printed.json()) as { error: { message: string } }).error.message).toMatch(/^沙子镇在 .* 期间没有经县级审定的流程$/);
      await row.getByTestId('queue-open').click();
      const detail = officer.getByTestId('procedure-detail');
      await detail.waitFor();
      expect(await detail.getAttribute('data-stage')).toBe('乡镇审核');
      // The chain shows who signed the earlier stages.
      expect(await detail.getByTestId('chain-村级评议').innerText()).toContain('村民代表会议评议通过');
      await saveScreenshot(officer, 'procedure-review-800x1280');
      await detail.getByTestId('procedure-note').fill('材料齐全，同意认定');
      await detail.getByTestId('procedure-approve').click();
      await expect.poll(() => detail.getAttribute('data-stage')).toBe('县级审定');
      const { db } = await getTestDb();
      const p = await sql<{ stage: string }>`select stage from procedures where id = ${procedureId}`.execute(db);
      expect(p.rows[0]?.stage).toBe('县级审定');
    } finally {
      await township.close();
    }
  });

  it('shows the procedure and the card changes in the history tab', async () => {
    await page.goto(`/households/${household.id}?tab=history`);
    const history = page.getByTestId('history-tab');
    await history.getByTestId('history-entry').first().waitFor();
    const text = await history.innerText();
    expect(text).toContain('家庭成员'); // the member added above
    expect(text).toContain('走访记录');
    expect(text).toContain('业务流程');
  });
  it('shows the card in English on a portrait tablet, code values translated', async () => {
    await page.setViewportSize(PORTRAIT);
    await page.goto(`/households/${household.id}?tab=members`);
    await page.getByTestId('member-table').waitFor();
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('card-tabs').innerText()).toContain('Members');
    expect(await page.getByTestId('card-status').innerText()).toBe('Lifted out of poverty');
    expect(await page.getByTestId('member-table').innerText()).toContain('Granddaughter');
    expect(await page.getByTestId('procedure-open').innerText()).toContain('County approval');
    expect(await smallTargets(page, TARGETS)).toEqual([]);
    await saveScreenshot(page, 'household-card-en-800x1280');
    await page.getByTestId('lang-zh-CN').click();
    await page.setViewportSize(LANDSCAPE);
  });

  it('after the county approves, the card says since when the household is monitored and when 风险消除 may be marked', async () => {
    const { context: countyContext } = await newTabletContext(browser, server.url, LANDSCAPE);
    const county = await countyContext.newPage();
    try {
      await login(county, 'qinglong_county');
      await county.goto('/households/procedures');
      const row = county.getByTestId('queue-table').locator('.el-table__row', { hasText: household.householdNo }).first();
      await row.waitFor();
      await row.getByTestId('queue-open').click();
      const detail = county.getByTestId('procedure-detail');
      await detail.waitFor();
      expect(await detail.getAttribute('data-stage')).toBe('县级审定');
      await detail.getByTestId('procedure-note').fill('县级审定通过');
      await detail.getByTestId('procedure-approve').click();
      await expect.poll(() => detail.getAttribute('data-status')).toBe('completed');
    } finally {
      await countyContext.close();
    }
    const { db } = await getTestDb();
    const p = await sql<{ closed_at: Date }>`select closed_at from procedures where id = ${procedureId}`.execute(db);
    const since = new Date(p.rows[0]?.closed_at as Date);
    const day = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const from = addMonths(since, 6);
    await page.goto(`/households/${household.id}`);
    const monitoring = page.getByTestId('card-monitoring-period');
    await monitoring.waitFor();
    expect(await page.getByTestId('card-status').innerText()).toBe('监测户');
    expect(await monitoring.innerText()).toContain(`${day(since)} 经县级审定纳入；${day(from)} 起可标注风险消除`);
  });
});
