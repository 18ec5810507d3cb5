// e2e: 在册状态 in the household list and on the card. A household that left the registry (清退,
// written by the procedure's county approval — set in the database here) carries a tag in the
// list, the 在册状态 filter finds it alone (and the Excel export link takes the same filter), and
// its card's header says so; a household still in the registry shows 在册.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDb } from '../../api/test/db.ts';
import { createHousehold, makeIdNumber } from '../../api/test/factories.ts';
import { LANDSCAPE, login, openTablet, saveScreenshot, type Tablet } from './browser.ts';

const BAOJIA = '522324101209';
/** An uncommon head name shared by both households, so a search shows just these two. */
const HEAD = '禄在册';

/** Picks an option of an Element Plus select (its dropdown is teleported to <body>). */
async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.locator('.el-select__wrapper').click();
  await page
    .locator('.el-select-dropdown__item:visible')
    .filter({ hasText: new RegExp(`^\\s*${option}\\s*$`) })
    .first()
    .click();
}

describe('在册状态 in the web list and card (village cadre)', () => {
  let tablet: Tablet;
  let page: Page;
  let kept: { id: string; householdNo: string };
  let removed: { id: string; householdNo: string };

  beforeAll(async () => {
    kept = await createHousehold({ village: BAOJIA, head: HEAD });
    removed = await createHousehold({ village: BAOJIA, head: HEAD });
    const { db } = await getTestDb();
    await db.updateTable('households').set({ registry_state: '清退', removed_on: '2026-03-01' }).where('id', '=', removed.id).execute();
    tablet = await openTablet(LANDSCAPE);
    ({ page } = tablet);
  });

  afterAll(() => tablet?.close());

  const rows = () => page.getByTestId('household-table').locator('.el-table__row');
  const total = async () => Number((await page.getByTestId('household-total').innerText()).replace(/\D/g, ''));

  it('tags the household that left the registry and filters by 在册状态', async () => {
    await login(page, 'baojia_cadre');
    await page.goto('/households');
    await page.getByTestId('household-search').fill(HEAD);
    await page.getByTestId('household-search-submit').click();
    await expect.poll(total).toBe(2);
    await expect.poll(() => rows().count()).toBe(2);
    const removedRow = rows().filter({ hasText: removed.householdNo });
    const keptRow = rows().filter({ hasText: kept.householdNo });
    expect((await removedRow.getByTestId('row-registry-state').innerText()).trim()).toBe('清退');
    expect(await keptRow.getByTestId('row-registry-state').count()).toBe(0);

    await choose(page, page.getByTestId('filter-registry-state'), '清退');
    await page.waitForURL((u) => u.searchParams.get('registryState') === '清退' && u.searchParams.get('q') === HEAD);
    await expect.poll(total).toBe(1);
    await expect.poll(async () => (await rows().first().innerText()).includes(removed.householdNo)).toBe(true);
    expect((await rows().first().getByTestId('row-registry-state').innerText()).trim()).toBe('清退');
    const href = (await page.getByTestId('household-export').getAttribute('href')) ?? '';
    expect(new URL(href, tablet.server.url).searchParams.get('registryState')).toBe('清退');
    await saveScreenshot(page, 'households-registry-state-1280x800');

    await choose(page, page.getByTestId('filter-registry-state'), '在册');
    await page.waitForURL((u) => u.searchParams.get('registryState') === '在册');
    await expect.poll(total).toBe(1);
    await expect.poll(async () => (await rows().first().innerText()).includes(kept.householdNo)).toBe(true);
  });

  it('registers a candidate household (待识别) from the list and opens its card, where 识别纳入 can start', async () => {
    await page.goto('/households');
    await page.getByTestId('candidate-new').click();
    const dialog = page.getByTestId('candidate-dialog');
    await dialog.waitFor();
    await page.getByTestId('candidate-head-name').fill('禄待识');
    // A wrong checksum first: the field says so and nothing is registered.
    const id = makeIdNumber('19750512', '男');
    const wrong = `${id.slice(0, 17)}${id.endsWith('0') ? '1' : '0'}`;
    await page.getByTestId('candidate-head-id').fill(wrong);
    await page.getByTestId('candidate-save').click();
    await expect.poll(() => dialog.locator('.el-form-item__error').count()).toBeGreaterThan(0);
    await page.getByTestId('candidate-head-id').fill(id);
    await page.getByTestId('candidate-phone').fill('13800138000');
    // Enter in a field submits, as in the other card dialogs (the save button was clicked above).
    await page.getByTestId('candidate-phone').press('Enter');
    await page.waitForURL(/\/households\/[0-9a-f-]{36}$/);
    await expect.poll(async () => (await page.getByTestId('card-registry-state').innerText()).trim()).toBe('待识别');
    const householdId = await page.getByTestId('household-card').getAttribute('data-household-id');
    const { db } = await getTestDb();
    const h = await db
      .selectFrom('households')
      .select(['registry_state', 'head_name', 'household_no'])
      .where('id', '=', householdId as string)
      .executeTakeFirstOrThrow();
    expect(h).toMatchObject({ registry_state: '待识别', head_name: '禄待识' });
    expect(h.household_no).toMatch(/^522324D\d{7}$/);
    await saveScreenshot(page, 'households-candidate-card-1280x800');
    await page.getByTestId('procedure-start').click();
    await page.getByTestId('procedure-start-dialog').waitFor();
    await page.getByTestId('procedure-type').locator('.el-select__wrapper').click();
    // The dropdown opens with a transition: poll until its items are shown.
    await expect
      .poll(async () => (await page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((x) => x.trim()))
      .toEqual(expect.arrayContaining(['识别纳入', '监测对象认定']));
    await page.keyboard.press('Escape');
  });

  it('shows 在册状态 on the card header', async () => {
    await page.goto(`/households/${removed.id}`);
    await page.getByTestId('card-registry-state').waitFor();
    expect((await page.getByTestId('card-registry-state').innerText()).trim()).toBe('清退');
    expect((await page.getByTestId('card-status').innerText()).trim()).toBe('脱贫户');
    await page.goto(`/households/${kept.id}`);
    await expect.poll(async () => (await page.getByTestId('card-registry-state').innerText()).trim()).toBe('在册');
  });
});
