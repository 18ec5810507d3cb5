// e2e: the county office uploads a department file (公安·户籍变动), watches the import progress,
// runs the cross-check, confirms a DECEASED finding, and the member is marked deceased on the card;
// the rules and sources are named in Chinese, the queue pages 50 at a time, 疑似漏评 rows name the
// person on the department roll, and the filtered queue downloads as an Excel workbook.
import ExcelJS from 'exceljs';
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
    expect(await page.getByTestId('cc-filename').innerText()).toBe('未选择文件');
    await page.getByTestId('cc-file').setInputFiles({ name: '户籍变动.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
    expect(await page.getByTestId('cc-filename').innerText()).toBe('户籍变动.csv');
    await page.getByTestId('cc-upload').click();
    await page.getByTestId('cc-job').waitFor();
    await expect.poll(() => page.getByTestId('cc-progress').innerText(), { timeout: 60_000 }).toContain('导入完成');
    expect(await page.getByTestId('cc-progress').innerText()).toContain(`已读取 ${lines.length - 1} 行`);

    await page.getByTestId('cc-run').click();
    await page.getByTestId('cc-run-result').waitFor({ timeout: 60_000 });
    const summary = await page.getByTestId('cc-run-result').innerText();
    expect(summary).toContain('公安户籍显示已死亡，档案仍为正常人员');
    // Rules and sources in Chinese: no code such as DECEASED or subsidy_payments in the summary.
    expect(summary).not.toMatch(/[A-Z]{3,}_?[A-Z]*|[a-z]+_[a-z]+/);
    // The county's imports and runs, with who did them: the file just imported, and this run.
    const imported = page.getByTestId('cc-versions').locator('.el-table__row', { hasText: '户籍变动.csv' });
    await expect.poll(() => imported.count()).toBeGreaterThan(0);
    const importedText = await imported.first().innerText();
    expect(importedText).toContain('公安·户籍变动');
    expect(importedText).toContain('王主任');
    expect(importedText).toContain(String(lines.length - 1));
    const asOfShown = await page.getByLabel('比对基准日').inputValue();
    await expect
      .poll(() => page.getByTestId('cc-runs').locator('.el-table__row', { hasText: asOfShown }).filter({ hasText: '王主任' }).count())
      .toBeGreaterThan(0);
    await saveScreenshot(page, 'crosscheck-run-1280x800');

    await page.getByRole('tab', { name: /疑点核查/ }).click();
    await page.getByTestId('cc-filter-rule').click();
    await page.getByRole('option', { name: /公安户籍显示已死亡/ }).click();
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

  it('names the person of a 疑似漏评 finding, pages the queue 50 at a time and exports it to Excel', async () => {
    // 60 people on the 低保 roll of 保家村 who are in no registry household: 60 疑似漏评 findings.
    const names = Array.from({ length: 60 }, (_, i) => `漏评${String.fromCharCode(0x4e00 + i)}${i}`);
    const roll = ['姓名,身份证号,区划代码,救助类型,保障人数,月保障金额,起始年月,状态,停保日期'];
    for (const [i, name] of names.entries()) roll.push(`${name},${makeIdNumber('19550101', i % 2 ? '男' : '女')},522324101209,农村低保,1,500,2024-01,在保,`);
    await page.goto('/crosscheck');
    await page.getByTestId('cc-source').click();
    await page.getByRole('option', { name: '民政·低保特困' }).click();
    await page.getByTestId('cc-file').setInputFiles({ name: '低保.csv', mimeType: 'text/csv', buffer: Buffer.from(`${roll.join('\n')}\n`) });
    await page.getByTestId('cc-upload').click();
    await expect.poll(() => page.getByTestId('cc-progress').innerText(), { timeout: 60_000 }).toContain('导入完成');
    await page.getByTestId('cc-run').click();
    await page.getByTestId('cc-run-result').waitFor({ timeout: 60_000 });

    await page.goto('/crosscheck?rule=MISSED_ASSISTANCE&area=522324101209');
    await page.getByTestId('cc-findings').locator('.el-table__row').first().waitFor();
    const total = Number((await page.getByTestId('cc-total').innerText()).replace(/\D/g, ''));
    expect(total).toBeGreaterThanOrEqual(60);
    expect(await page.getByTestId('cc-findings').locator('.el-table__row').count()).toBe(50);
    const firstPage = await page.getByTestId('cc-person').allInnerTexts();
    expect(firstPage.every((n) => n && n !== '—')).toBe(true);
    await page
      .getByTestId('cc-pages')
      .getByRole('button', { name: /下一页|next/i })
      .or(page.locator('.cc__pages .btn-next'))
      .first()
      .click();
    await expect.poll(() => page.getByTestId('cc-findings').locator('.el-table__row').count()).toBe(Math.min(50, total - 50));
    const people = [...firstPage, ...(await page.getByTestId('cc-person').allInnerTexts())];
    for (const name of names) expect(people).toContain(name);
    expect(await page.getByTestId('cc-findings').innerText()).toContain('民政在保但未纳入（疑似漏评）');
    await saveScreenshot(page, 'crosscheck-missed-1280x800');

    // The export holds the filtered queue: every finding, not the page.
    const href = await page.getByTestId('cc-export').getAttribute('href');
    expect(href).toBe('/api/crosscheck/findings.xlsx?rule=MISSED_ASSISTANCE&status=open&area=522324101209');
    const res = await page.request.get(href ?? '');
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.body()) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('比对疑点')?.rowCount).toBe(total + 1);
  });

  it('colours the map by open findings per subdivision', async () => {
    await page.goto('/areas/522324101');
    await page.getByTestId('map-legend').waitFor();
    await page.getByTestId('map-metric').click();
    await page.getByTestId('map-metric-findings').click();
    await expect.poll(() => page.getByTestId('map-legend').innerText()).toContain('待核实比对疑点');
  });
});
