// e2e: 县级年度标准 — the county official adds a year's standards (entered in 元, kept in 分) and
// changes the months before 风险消除; a village cadre of the county reads them without the buttons.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDb } from '../../api/test/db.ts';
import { LANDSCAPE, login, newTabletContext, openTablet, saveScreenshot, smallTargets, type Tablet } from './browser.ts';

/** A year no other test sets. */
const YEAR = 2099;
const TARGETS = '[data-testid="settings-add"], [data-testid^="settings-edit-"], .app-nav .el-menu-item';

async function setNumber(page: Page, testid: string, value: string): Promise<void> {
  const input = page.getByTestId(testid).locator('input');
  await input.fill(value);
  await input.blur();
}

describe('县级年度标准 (county official, village cadre)', () => {
  let tablet: Tablet;
  let page: Page;

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE, { touch: true });
    ({ page } = tablet);
  });
  afterAll(() => tablet?.close());

  const row = (year: number) =>
    page
      .getByTestId('settings-table')
      .locator('.el-table__row', { hasText: String(year) })
      .first();

  it('adds a year in 元 (kept in 分) and changes its months before 风险消除', async () => {
    await login(page, 'qinglong_county');
    await page.getByTestId('nav-county-settings').click();
    await page.waitForURL('**/settings/county');
    await row(2026).waitFor();
    expect(await row(2023).innerText()).toContain('7,300.00');
    expect(await smallTargets(page, TARGETS)).toEqual([]);

    await page.getByTestId('settings-add').click();
    const dialog = page.getByTestId('settings-dialog');
    await dialog.waitFor();
    await setNumber(page, 'settings-year', String(YEAR));
    await setNumber(page, 'settings-poverty', '4800');
    await setNumber(page, 'settings-monitoring', '8800.5');
    await setNumber(page, 'settings-medical', '12000');
    // The form starts from the latest year's values, which other tests of the worker may have set.
    await setNumber(page, 'settings-months', '6');
    await page.getByTestId('settings-save').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => row(YEAR).innerText()).toContain('8,800.50');
    expect(await row(YEAR).innerText()).toContain('6 个月');

    const { db } = await getTestDb();
    const saved = await db
      .selectFrom('county_year_settings')
      .selectAll()
      .where('county_code', '=', '522324')
      .where('year', '=', YEAR)
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ poverty_line: 480000, monitoring_line: 880050, medical_self_pay_threshold: 1200000, risk_elimination_months: 6, version: 1 });

    await page.getByTestId(`settings-edit-${YEAR}`).click();
    await dialog.waitFor();
    expect(await page.getByTestId('settings-year').locator('input').isDisabled()).toBe(true);
    await setNumber(page, 'settings-months', '9');
    await page.getByTestId('settings-save').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => row(YEAR).innerText()).toContain('9 个月');
    await saveScreenshot(page, 'county-settings-1280x800');
    const changed = await db
      .selectFrom('county_year_settings')
      .select(['risk_elimination_months', 'version'])
      .where('county_code', '=', '522324')
      .where('year', '=', YEAR)
      .executeTakeFirstOrThrow();
    expect(changed).toEqual({ risk_elimination_months: 9, version: 2 });
  });

  it('shows a village cadre the county’s standards, without add or edit', async () => {
    const { context } = await newTabletContext(tablet.browser, tablet.server.url, LANDSCAPE);
    const cadre = await context.newPage();
    try {
      await login(cadre, 'baojia_cadre');
      await cadre.goto('/settings/county');
      const table = cadre.getByTestId('settings-table');
      await table.locator('.el-table__row', { hasText: '2026' }).first().waitFor();
      expect(await cadre.getByTestId('settings-add').count()).toBe(0);
      expect(await table.locator('[data-testid^="settings-edit-"]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
