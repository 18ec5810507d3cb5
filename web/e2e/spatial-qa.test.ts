// e2e: 空间质检 — a 保家村 household whose GPS point lies on 三合社区's land is listed by the village
// cadre's spatial QA page (menu → 空间质检) with its count, and its 户编号 opens the household's card.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateHousehold } from '../../api/modules/households/households.ts';
import { getTestDb } from '../../api/test/db.ts';
import { newHousehold, roleCtx } from '../../api/test/factories.ts';
import { LANDSCAPE, login, openTablet, saveScreenshot, type Tablet } from './browser.ts';

const BAOJIA = '522324101209';
const SANHE = '522324101002';

describe('空间质检 (village cadre)', () => {
  let tablet: Tablet;
  let household = { id: '', householdNo: '' };

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
    const { db } = await getTestDb();
    const r = await sql<{ lon: number; lat: number }>`
      select ST_X(ST_PointOnSurface(geom)) as lon, ST_Y(ST_PointOnSurface(geom)) as lat from areas where code = ${SANHE}`.execute(db);
    const at = r.rows[0] as { lon: number; lat: number };
    const h = await newHousehold({ village: BAOJIA, members: 1 });
    household = { id: h.id, householdNo: h.householdNo };
    const { version } = await db.selectFrom('households').select('version').where('id', '=', h.id).executeTakeFirstOrThrow();
    await updateHousehold(roleCtx(db, BAOJIA, 'village_cadre'), h.id, { version, location: { lon: Number(at.lon), lat: Number(at.lat) } });
  });
  afterAll(() => tablet?.close());

  it('lists the household outside its village with the counts, and links to its card', async () => {
    const page = tablet.page;
    await login(page, 'baojia_cadre');
    await page.getByTestId('nav-spatial-qa').click();
    await page.waitForURL('**/areas/qa');
    const section = page.getByTestId('qa-households-outside');
    const link = section.getByRole('link', { name: household.householdNo });
    await link.waitFor();
    expect(Number(await section.getByTestId('qa-count').innerText())).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('qa-area-name').innerText()).toBe('保家村');
    for (const id of ['qa-shared-points', 'qa-projects-outside', 'qa-villages-without-boundary']) {
      expect(await page.getByTestId(id).getByTestId('qa-count').count(), id).toBe(1);
    }
    expect(await section.innerText()).toContain(SANHE);
    // the loading mask fades out after the report arrives
    await expect.poll(() => page.locator('.el-loading-mask').count()).toBe(0);
    await saveScreenshot(page, 'spatial-qa-1280x800');
    await link.click();
    await page.waitForURL(`**/households/${household.id}`);
  });
});
