// e2e: the household list (农户档案) — the county sees its households, filters by area from the
// tree or a link from the map, and finds one household by its number.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDSCAPE, login, openTablet, saveScreenshot, type Tablet, waitForMap } from './browser.ts';

describe('household list (county official)', () => {
  let tablet: Tablet;
  let page: Page;

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
    ({ page } = tablet);
  });

  afterAll(() => tablet?.close());

  const table = () => page.getByTestId('household-table');
  const total = async () => Number((await page.getByTestId('household-total').innerText()).replace(/\D/g, ''));

  it('lists the county’s households with the API’s total', async () => {
    await login(page, 'qinglong_county');
    await page.getByTestId('nav-households').click();
    await page.waitForURL('**/households');
    await table().locator('.el-table__row').first().waitFor();
    const api = (await (await page.request.get('/api/households?pageSize=1&exactTotal=true')).json()) as { total: number };
    expect(api.total).toBeGreaterThan(0); // exact, also past the list's 1000 (other tests of the worker add households)
    await expect.poll(total).toBe(api.total);
    expect(await table().locator('.el-table__row').count()).toBe(Math.min(20, api.total));
    await saveScreenshot(page, 'households-1280x800');
  });

  it('opens filtered by township from the area map', async () => {
    await page.goto('/areas/522324101');
    await waitForMap(page, '522324101');
    const shown = Number((await page.getByTestId('area-total').innerText()).replace(/\D/g, ''));
    await page.getByTestId('view-households').click();
    await page.waitForURL((u) => u.pathname === '/households' && u.searchParams.get('area') === '522324101');
    await expect.poll(total).toBe(shown);
    expect(await page.getByTestId('household-area').innerText()).toContain('沙子镇');
  });

  it('filters by a village picked in the area tree', async () => {
    await page.getByTestId('household-area').locator('.el-select').click();
    const node = (name: string) => page.locator('.el-tree-node__content', { hasText: name }).first();
    // The tree opens at the account's area; expand 晴隆县 → 沙子镇, then pick 保家村.
    for (const name of ['晴隆县', '沙子镇']) {
      const row = node(name);
      await row.waitFor();
      if ((await row.locator('.el-tree-node__expand-icon.expanded').count()) === 0) await row.locator('.el-tree-node__expand-icon').click();
    }
    await node('保家村').click();
    // Picking applies the filter. Under load the tree may still be re-rendering its lazily loaded
    // children when the click lands: pick again while the list has not moved to the village.
    const area = () => new URL(page.url()).searchParams.get('area');
    await expect
      .poll(
        async () => {
          if (area() !== '522324101209' && (await node('保家村').isVisible()))
            await node('保家村')
              .click({ timeout: 2000 })
              .catch(() => {});
          return area();
        },
        { timeout: 30_000, interval: 1500 },
      )
      .toBe('522324101209');
    await page.getByTestId('household-search-submit').click();
    // The previous page's rows stay until the new page arrives: poll.
    const villages = async () => [...new Set((await table().locator('.el-table__row td:nth-child(3)').allInnerTexts()).map((v) => v.trim()))];
    await expect.poll(villages).toEqual(['保家村']);
  });

  it('finds one household by its number', async () => {
    await page.getByRole('button', { name: '重置' }).click();
    await page.waitForURL((u) => u.pathname === '/households' && u.search === '');
    await table().locator('.el-table__row').first().waitFor();
    const no = (await table().locator('.el-table__row').nth(3).locator('td').first().innerText()).trim();
    await page.getByTestId('household-search').fill(no);
    await page.getByTestId('household-search-submit').click();
    await page.waitForURL((u) => u.searchParams.get('q') === no);
    await expect.poll(total).toBe(1);
    expect((await table().locator('.el-table__row td').first().innerText()).trim()).toBe(no);
  });
});
