// e2e: the registry import page (导入建档立卡数据). The county office uploads a registry export,
// watches the job's progress and gets the counts; the households are then in the list. A second
// file (sent over a slow link: the page says it is uploading) updates some of them in place and
// adds others. A bad file changes nothing: the page lists each refused row (row, column, reason)
// and the Excel error report downloads.
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText, household as registryHousehold, type Row } from '../../api/modules/registry/test-files.ts';
import { getTestDb } from '../../api/test/db.ts';
import { makeIdNumber } from '../../api/test/factories.ts';
import { LANDSCAPE, login, openTablet, saveScreenshot, smallTargets, type Tablet } from './browser.ts';

const BAOJIA = '522324101209'; // 沙子镇保家村
const SANHE = '522324101002'; // 沙子镇三合社区
/**
 * Enough rows that the job is still reading when the page first polls it (progress every 5,000
 * rows). They are spread over the county's villages outside 沙子镇, where other tests sharing this
 * worker's database count households (the list counts exactly only up to 1,000).
 */
const HOUSEHOLDS = 2000;
const SIZE = 4;

/** Birth dates by relation (test-files' own ID numbers walk forward in time and run out after a few thousand). */
const BIRTH: Record<string, string> = { 户主: '19680312', 配偶: '19700815', 之子: '19940203', 之女: '19960611' };

/** A registry household (docs/data-formats.md §1 columns) with ID numbers unique in this process. */
function household(village: string, size: number): Row[] {
  return registryHousehold(village, size).map((r) => ({
    ...r,
    证件号码: makeIdNumber(BIRTH[r['与户主关系'] as string] ?? '19990101', r['性别'] as '男' | '女'),
  }));
}

const csvFile = (name: string, rows: Row[]) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(`\ufeff${csvText(rows)}`) });
const householdNos = (rows: Row[]) => [...new Set(rows.map((r) => r['户编号'] as string))];

/**
 * Records, in order, every text the progress line shows (it may be on screen for less than a
 * second) and when the outcome appears: 'succeeded' / 'failed'.
 */
const WATCH_JOB = `(() => {
  const log = (window.__registryJob = []);
  const seen = () => {
    const el = document.querySelector('[data-testid="registry-progress"]');
    const text = el && el.textContent.trim();
    if (text && log[log.length - 1] !== text) log.push(text);
    const job = document.querySelector('[data-testid="registry-job"]');
    const status = job && job.getAttribute('data-status');
    if ((status === 'succeeded' || status === 'failed') && log[log.length - 1] !== status) log.push(status);
  };
  new MutationObserver(seen).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
})()`;

describe('registry import page (county official)', () => {
  let tablet: Tablet;
  let page: Page;
  const first: Row[] = [];
  let firstNos: string[] = [];
  const villageNames = new Map<string, string>();

  beforeAll(async () => {
    const { db } = await getTestDb();
    const villages = await db
      .selectFrom('areas')
      .select(['code', 'name'])
      .where('level', '=', 'village')
      .where('code', 'like', '522324%')
      .where('code', 'not like', '522324101%')
      .orderBy('code')
      .execute();
    expect(villages.length).toBeGreaterThan(50);
    for (const v of villages) villageNames.set(v.code, v.name);
    for (let i = 0; i < HOUSEHOLDS; i++) first.push(...household((villages[i % villages.length] as { code: string }).code, SIZE));
    firstNos = householdNos(first);
    tablet = await openTablet(LANDSCAPE);
    ({ page } = tablet);
  });

  afterAll(() => tablet?.close());

  const job = () => page.getByTestId('registry-job');
  /** The job's status once it is over (polls while it is queued or running). */
  async function outcome(timeout = 120_000): Promise<string> {
    await expect.poll(async () => (await job().getAttribute('data-status')) ?? '', { timeout }).toMatch(/^(succeeded|failed)$/);
    return (await job().getAttribute('data-status')) as string;
  }
  const count = async (key: string) =>
    Number(
      (
        await page.getByTestId('registry-counts').locator('.el-descriptions__cell', { hasText: key }).locator('xpath=following-sibling::*[1]').innerText()
      ).trim(),
    );

  it('uploads a valid file: progress while it runs, then the counts; the households are in the list', async () => {
    await login(page, 'qinglong_county');
    await page.getByTestId('nav-registry-import').click();
    await page.waitForURL('**/registry/import');
    await page.getByTestId('registry-import').waitFor();
    expect(await page.getByTestId('registry-start').isDisabled()).toBe(true);
    // A tablet page: the file chooser and the buttons are full touch targets.
    expect(await smallTargets(page, '[data-testid="registry-import"] button, [data-testid="registry-file"]')).toEqual([]);

    await page.evaluate(WATCH_JOB);
    await page.getByTestId('registry-file').setInputFiles(csvFile('贫困人口明细.csv', first));
    expect(await page.getByTestId('registry-import').innerText()).toMatch(/贫困人口明细\.csv · [\d.]+ MB/);
    await page.getByTestId('registry-start').click();
    await job().waitFor();
    expect(await outcome()).toBe('succeeded');

    // While it ran, the page showed the phase and the rows read so far; then the outcome.
    const log = await page.evaluate<string[]>('window.__registryJob');
    expect(log.at(-1)).toBe('succeeded');
    const progress = log.slice(0, -1);
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) expect(p).toMatch(/^(排队中|正在读取并校验|正在写入数据库) · 已读取 \d+ 行$/);
    expect(await page.getByTestId('registry-progress').count()).toBe(0);

    // Then the summary: every row, every household, all of them new.
    expect(await job().innerText()).toContain(`导入成功：${first.length} 行，${HOUSEHOLDS} 户`);
    expect(await count('新增户')).toBe(HOUSEHOLDS);
    expect(await count('新增人员')).toBe(first.length);
    expect(await count('更新户')).toBe(0);
    expect(await page.getByTestId('registry-errors').count()).toBe(0);
    await saveScreenshot(page, 'registry-import-succeeded-1280x800');

    // They are in the database and in the list.
    const { db } = await getTestDb();
    const stored = await db
      .selectFrom('households')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('household_no', 'in', firstNos)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(HOUSEHOLDS);
    const probe = first.find((r) => r['户编号'] === firstNos[7]) as Row;
    await page.getByTestId('nav-households').click();
    await page.waitForURL('**/households');
    await page.getByTestId('household-search').fill(probe['户编号'] as string);
    await page.getByTestId('household-search-submit').click();
    await expect.poll(async () => Number((await page.getByTestId('household-total').innerText()).replace(/\D/g, ''))).toBe(1);
    const row = page.getByTestId('household-table').locator('.el-table__row').first();
    expect(await row.innerText()).toContain(probe['户编号']);
    expect(await row.innerText()).toContain(probe['户主姓名']);
    expect(await row.innerText()).toContain(villageNames.get(probe['区划代码'] as string));
  });

  it('a second file updates households in place and adds new ones', async () => {
    // Two households change (户类型), one is sent again as it was, three are new.
    const changed = first.filter((r) => r['户编号'] === firstNos[0] || r['户编号'] === firstNos[1]).map((r) => ({ ...r, 户类型: '低保户' }));
    const same = first.filter((r) => r['户编号'] === firstNos[2]);
    const added = [...household(BAOJIA, 3), ...household(BAOJIA, 2), ...household(SANHE, 5)];
    await page.getByTestId('nav-registry-import').click();
    await page.waitForURL('**/registry/import');
    await page.getByTestId('registry-file').setInputFiles(csvFile('贫困人口明细-更新.csv', [...changed, ...same, ...added]));
    // A slow link: the upload is held for a moment, and the page says what it is doing meanwhile.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/registry/imports', async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await page.getByTestId('registry-start').click();
    await page.getByTestId('registry-uploading').waitFor();
    expect(await page.getByTestId('registry-uploading').innerText()).toContain('正在上传 贫困人口明细-更新.csv');
    expect(await page.getByTestId('registry-start').isDisabled()).toBe(true);
    release();
    await job().waitFor();
    expect(await outcome(60_000)).toBe('succeeded');
    expect(await page.getByTestId('registry-uploading').count()).toBe(0);
    await page.unroute('**/api/registry/imports');
    expect(await count('新增户')).toBe(3);
    expect(await count('更新户')).toBe(2);
    expect(await count('未变化户')).toBe(1);
    expect(await count('新增人员')).toBe(10);

    const { db } = await getTestDb();
    const types = await db
      .selectFrom('households')
      .select(['household_no', 'household_type'])
      .where('household_no', 'in', firstNos.slice(0, 3))
      .orderBy('household_no')
      .execute();
    expect(Object.fromEntries(types.map((t) => [t.household_no, t.household_type]))).toEqual({
      [firstNos[0] as string]: '低保户',
      [firstNos[1] as string]: '低保户',
      [firstNos[2] as string]: '一般户',
    });

    // Both jobs are in the recent list.
    await expect.poll(() => page.getByTestId('registry-recent').innerText()).toContain('贫困人口明细-更新.csv');
    expect(await page.getByTestId('registry-recent').innerText()).toContain('贫困人口明细.csv');
  });

  it('a bad file is refused whole: the rows with errors are listed and the Excel report downloads', async () => {
    const { db } = await getTestDb();
    const elsewhere = await db
      .selectFrom('areas')
      .select('code')
      .where('level', '=', 'village')
      .where('code', 'not like', '522324%')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const good = household(BAOJIA, 2);
    (good[1] as Row)['民族'] = '火星族'; // row 3
    const outside = household(elsewhere.code, 2); // rows 4 and 5: another county
    await page.getByRole('button', { name: '导入另一个文件' }).click();
    expect(await job().count()).toBe(0);
    await page.getByTestId('registry-file').setInputFiles(csvFile('有错误的明细.csv', [...good, ...outside]));
    await page.getByTestId('registry-start').click();
    await job().waitFor();
    expect(await outcome(60_000)).toBe('failed');

    expect(await page.getByTestId('registry-failed').innerText()).toContain('导入失败：3 处错误');
    expect(await page.getByTestId('registry-failed').innerText()).toContain('文件中的数据均未导入');
    const rows = await page.getByTestId('registry-errors').locator('.el-table__body .el-table__row').all();
    const cells = await Promise.all(rows.map(async (r) => (await r.locator('td').allInnerTexts()).map((c) => c.trim())));
    expect(cells.map((c) => [c[0], c[1], c[3]])).toEqual([
      ['3', '民族', '错误'],
      ['4', '区划代码', '错误'],
      ['5', '区划代码', '错误'],
    ]);
    expect(cells[0]?.[2]).toContain('火星族');
    expect(cells[1]?.[2]).toContain(elsewhere.code);
    await saveScreenshot(page, 'registry-import-failed-1280x800');

    // Nothing of the file was kept.
    const kept = await db
      .selectFrom('households')
      .select('id')
      .where('household_no', 'in', householdNos([...good, ...outside]))
      .execute();
    expect(kept).toEqual([]);

    // The report link downloads the xlsx: 行号, 列, 原因, 级别 for every refused row.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('registry-report').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync(file) as never);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['行号', '列', '原因', '级别']);
    const lines: unknown[][] = [];
    ws.eachRow((r, n) => {
      if (n > 1) lines.push((r.values as unknown[]).slice(1));
    });
    expect(lines.map((l) => [l[0], l[1], l[3]])).toEqual([
      [3, '民族', '错误'],
      [4, '区划代码', '错误'],
      [5, '区划代码', '错误'],
    ]);
    expect(String(lines[0]?.[2])).toContain('火星族');
  });

  it('opens an earlier import from the recent list; a job the server could not finish says so', async () => {
    const recentRow = (name: string) => page.getByTestId('registry-recent').locator('.el-table__row', { hasText: name });
    await recentRow('贫困人口明细-更新.csv').click();
    await expect.poll(() => job().getAttribute('data-status')).toBe('succeeded');
    expect(await count('新增户')).toBe(3);
    await recentRow('有错误的明细.csv').click();
    await expect.poll(() => job().getAttribute('data-status')).toBe('failed');
    expect(await page.getByTestId('registry-errors').locator('.el-table__body .el-table__row').count()).toBe(3);

    // When the import throws (a database failure), import.ts marks the job failed with neither a
    // file error nor a row error. A browser cannot provoke that, so the job's answer is rewritten
    // here the way the server stores such a job: the page must not report "0 errors" and ask for fixes.
    await page.route('**/api/registry/imports/*', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as Record<string, unknown>;
      const counts = { householdsCreated: 0, householdsUpdated: 0, householdsUnchanged: 0, membersCreated: 0, membersUpdated: 0, membersRemoved: 0 };
      await route.fulfill({
        response: res,
        json: { ...body, status: 'failed', phase: 'done', counts, fileError: null, errorCount: 0, warningCount: 0, errors: [], errorReport: null },
      });
    });
    await recentRow('贫困人口明细.csv').click();
    await expect.poll(() => page.getByTestId('registry-failed').innerText()).toContain('导入未能完成');
    expect(await page.getByTestId('registry-failed').innerText()).not.toContain('0 处错误');
    expect(await page.getByTestId('registry-errors').count()).toBe(0);
    await page.unroute('**/api/registry/imports/*');
  });
});
