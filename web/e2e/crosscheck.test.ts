// e2e: the county office uploads a department file (公安·户籍变动), watches the import progress,
// runs the cross-check, confirms a DECEASED finding, and the member is marked deceased on the card.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHousehold, makeIdNumber } from '../../api/test/factories.ts';
import { LANDSCAPE, login, openTablet, saveScreenshot, type Tablet } from './browser.ts';

describe('cross-check (county official)', () => {
  let tablet: Tablet;
  let page: Page;
  let household: Awaited<ReturnType<typeof createHousehold>>;

  beforeAll(async () => {
    household = await createHousehold({ village: '522324101209', members: 3 });
    tablet = await openTablet(LANDSCAPE);
    ({ page } = tablet);
  });

  afterAll(() => tablet?.close());

  it('uploads a department file with progress, runs the check and confirms a death onto the card', async () => {
    const dead = household.rows[2] as Record<string, string>;
    // A county-sized file: the death of one registry member among many events of other people.
    const lines = ['姓名,身份证号,事件类型,事件日期,迁往地区', `${dead['姓名']},${dead['证件号码']},死亡,2026-09-12,`];
    for (let i = 0; i < 20_000; i++) lines.push(`路人${i},${makeIdNumber('19900101', i % 2 ? '男' : '女')},出生,2026-01-0${(i % 9) + 1},`);

    await login(page, 'qinglong_county');
    await page.getByTestId('nav-crosscheck').click();
    await page.waitForURL('**/crosscheck');
    await page.getByTestId('cc-source').click();
    await page.getByRole('option', { name: '公安·户籍变动' }).click();
    await page.getByTestId('cc-file').setInputFiles({ name: '户籍变动.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
    await page.getByTestId('cc-upload').click();
    await page.getByTestId('cc-job').waitFor();
    await expect.poll(() => page.getByTestId('cc-progress').innerText(), { timeout: 60_000 }).toContain('导入完成');
    expect(await page.getByTestId('cc-progress').innerText()).toContain(`已读取 ${lines.length - 1} 行`);

    await page.getByTestId('cc-run').click();
    await page.getByTestId('cc-run-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('cc-run-result').innerText()).toContain('DECEASED');
    await saveScreenshot(page, 'crosscheck-run-1280x800');

    await page.getByRole('tab', { name: /疑点核查/ }).click();
    await page.getByTestId('cc-filter-rule').click();
    await page.getByRole('option', { name: /^DECEASED/ }).click();
    const row = page.getByTestId('cc-findings').locator('.el-table__row', { hasText: household.householdNo });
    await row.waitFor();
    await row.click();
    await page.getByTestId('cc-evidence').waitFor();
    expect(await page.getByTestId('cc-evidence').innerText()).toContain('2026-09-12');
    await page.getByTestId('cc-confirm').click();
    // Confirming writes the card, a procedure and the audit: give a busy machine time.
    await expect.poll(() => page.getByTestId('cc-status').innerText(), { timeout: 20_000 }).toBe('已确认');
    expect(await page.getByTestId('cc-consequence').innerText()).toContain('死亡');
    await saveScreenshot(page, 'crosscheck-confirmed-1280x800');

    // The card now shows the member as deceased.
    await page.getByTestId('cc-card-link').click();
    await page.waitForURL(`**/households/${household.id}`);
    const card = (await (await page.request.get(`/api/households/${household.id}`)).json()) as { members: { name: string; personStatus: string }[] };
    expect(card.members.find((m) => m.name === dead['姓名'])?.personStatus).toBe('死亡');
  });

  it('colours the map by open findings per subdivision', async () => {
    await page.goto('/areas/522324101');
    await page.getByTestId('map-legend').waitFor();
    await page.getByTestId('map-metric').click();
    await page.getByTestId('map-metric-findings').click();
    await expect.poll(() => page.getByTestId('map-legend').innerText()).toContain('待核实比对疑点');
  });
});
