// e2e: ★ 标准线测算 in headless Chromium — the county official opens it from the yearly standards,
// moves the poverty line up and sees the village's count change and the household that would fall
// under it, with a link to its card; on a portrait tablet too. Nothing is saved.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOwnerDb } from '../../api/test/db.ts';
import { newHousehold } from '../../api/test/factories.ts';
import { LANDSCAPE, login, openTablet, PORTRAIT, saveScreenshot, type Tablet } from './browser.ts';

const YEAR = 2017;
let target = '';

beforeAll(async () => {
  const owner = await getOwnerDb();
  const h = await newHousehold({ village: '522324101209', head: '测算页面户', members: 1 });
  target = h.id;
  await sql`insert into household_years (household_id, county_code, year, household_size, wage_income) values (${h.id}, '522324', ${YEAR}, 1, 320000)`.execute(
    owner,
  );
  await sql`
    insert into county_year_settings (county_code, year, poverty_line, monitoring_line) values ('522324', ${YEAR}, 300000, 450000)
    on conflict (county_code, year) do update set poverty_line = 300000, monitoring_line = 450000`.execute(owner);
});

for (const viewport of [LANDSCAPE, PORTRAIT]) {
  describe(`标准线测算 (${viewport.width}×${viewport.height})`, () => {
    let tablet: Tablet;
    let page: Page;
    beforeAll(async () => {
      tablet = await openTablet(viewport);
      page = tablet.page;
    });
    afterAll(() => tablet?.close());

    it('moves the poverty line up: the village gains one household under it, and the list links to its card', async () => {
      await login(page, 'qinglong_county');
      await page.goto('/settings/county');
      await page.getByTestId(`settings-what-if-${YEAR}`).click();
      await page.waitForURL(`**/settings/county/what-if?year=${YEAR}`);
      await expect.poll(() => page.getByTestId('what-if-summary').innerText()).toContain('3,000');
      const poverty = page.getByTestId('what-if-poverty').locator('input');
      await poverty.fill('3300');
      await page.getByTestId('what-if-run').click();
      await expect.poll(() => page.getByTestId('what-if-summary').innerText()).toContain('3,300');
      const row = page.getByTestId('what-if-villages').locator('tr', { hasText: '保家村' });
      expect(await row.innerText()).toMatch(/0\s*→\s*1/);
      const crossing = page.getByTestId('what-if-crossing');
      expect(await crossing.innerText()).toContain('落到线下');
      await saveScreenshot(page, `what-if-${viewport.width}x${viewport.height}`);
      await crossing.locator('a').first().click();
      await page.waitForURL(`**/households/${target}`);
      // Nothing was saved.
      const owner = await getOwnerDb();
      const { rows } = await sql<{
        p: number;
      }>`select poverty_line::int as p from county_year_settings where county_code = '522324' and year = ${YEAR}`.execute(owner);
      expect(rows[0]?.p).toBe(300000);
    });
  });
}
