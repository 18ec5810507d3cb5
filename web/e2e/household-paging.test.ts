// e2e: the household list pages through a county of more than 1,000 households (issue 14 §3). The
// list counts at most 1,000 to answer fast ("1,000+"), then asks the exact count and shows it, so
// the last page — past the 1,000th household — is reachable and holds the last households. A county
// of its own (贞丰县, 522325) with 1,030 households, read by its own county account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRegistryRows } from '../../api/modules/households/registry.ts';
import { getTestDb } from '../../api/test/db.ts';
import { newAccount, registryRows } from '../../api/test/factories.ts';
import { LANDSCAPE, login, openTablet, saveScreenshot, type Tablet } from './browser.ts';

const COUNTY = '522325';
const HOUSEHOLDS = 1_030;
const PAGE_SIZE = 20; // HouseholdListView's

describe('household list past 1,000 (1280×800)', () => {
  let tablet: Tablet;
  let account: Awaited<ReturnType<typeof newAccount>>;

  beforeAll(async () => {
    const { db } = await getTestDb();
    const village = await db
      .selectFrom('areas')
      .select('code')
      .where('county_code', '=', COUNTY)
      .where('level', '=', 'village')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const existing = Number(
      (
        await db
          .selectFrom('households')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('county_code', '=', COUNTY)
          .executeTakeFirstOrThrow()
      ).n,
    );
    if (existing < HOUSEHOLDS) {
      const rows = Array.from({ length: HOUSEHOLDS - existing }, () => registryRows({ village: village.code, members: 1 })).flat();
      await insertRegistryRows(db, rows);
    }
    account = await newAccount({ role: 'county_official', area: COUNTY });
    tablet = await openTablet(LANDSCAPE);
  });
  afterAll(() => tablet?.close());

  it('shows the exact total and reaches the last page', async () => {
    const { page } = tablet;
    const { db } = await getTestDb();
    const total = Number(
      (
        await db
          .selectFrom('households')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('county_code', '=', COUNTY)
          .where('deleted_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(total).toBeGreaterThan(1000);
    // The API alone caps its count …
    await login(page, account.username, account.password);
    const capped = (await (await page.request.get('/api/households?pageSize=20')).json()) as { total: number; totalCapped: boolean };
    expect(capped).toMatchObject({ total: 1000, totalCapped: true });
    // … the page asks the exact one and shows it.
    await page.goto('/households');
    await expect.poll(() => page.getByTestId('household-total').innerText()).toBe(`共 ${total.toLocaleString('zh-CN')} 户`);
    const last = Math.ceil(total / PAGE_SIZE);
    await page
      .locator('.el-pagination .el-pager li')
      .filter({ hasText: new RegExp(`^${last}$`) })
      .click();
    await page.waitForURL((u) => u.searchParams.get('page') === String(last));
    await expect.poll(() => page.getByTestId('household-table').locator('tbody tr').count()).toBe(total - (last - 1) * PAGE_SIZE);
    // The last page holds the last households by 户编号.
    const lastNo = (
      await db.selectFrom('households').select('household_no').where('county_code', '=', COUNTY).orderBy('household_no', 'desc').executeTakeFirstOrThrow()
    ).household_no;
    await expect.poll(() => page.getByTestId('household-table').innerText()).toContain(lastNo);
    // Still there: the pager kept the exact total (it did not fall back to 1,000 and clamp the page).
    expect(new URL(page.url()).searchParams.get('page')).toBe(String(last));
    expect(await page.getByTestId('household-total').innerText()).toBe(`共 ${total.toLocaleString('zh-CN')} 户`);
    await saveScreenshot(page, 'household-list-last-page-1280x800');
  });
});
