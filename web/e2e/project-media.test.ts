// e2e: 项目影音 and the card's 受益项目 on a tablet — the township officer, at 实施, takes a progress
// photo (the place from the tablet's location, the stage and caption chosen) and attaches a
// contract scan; the photo shows in its stage's strip with its time and coordinates, the scan in the
// list with its download. The village cadre reads them without an upload button, and on the
// household's card sees the project that benefits it (mechanism, step, link) and the 到户 payment
// in yuan. Screenshots at 1280×800 and 800×1280.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDb, unique } from '../../api/test/db.ts';
import { createHousehold, newProject, roleCtx } from '../../api/test/factories.ts';
import { postEntry } from '../../api/modules/funds/funds.ts';
import { LANDSCAPE, login, newTabletContext, openTablet, PORTRAIT, saveScreenshot, type Tablet } from './browser.ts';

const BAOJIA = '522324101209';
const SOURCE = '中央财政衔接推进乡村振兴补助资金';
// A real 16×12 PNG (the browser decodes it).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAMCAIAAADkharWAAABWklEQVR4nAXBIRKAIBBAUQ/2T0Imkzc6JAPBxBg3OiQCwcQQNxKNRqNH8L1FHKtjc+yOw6GO01Edl2M4zDEdt+NxvI7PsYhn9Wye3XN41HN6qufyDI95puf2PJ7X83kWCayBLbAHjoAGzkANXIERsMAM3IEn8Aa+wCLCKmzCLhyCCqdQhUsYgglTuIVHeIVPWCSyRrbIHjkiGjkjNXJFRsQiM3JHnsgb+SKLJNbEltgTR0ITZ6ImrsRIWGIm7sSTeBNfYpHMmtkye+bIaObM1MyVGRnLzMydeTJv5sssoqzKpuzKoahyKlW5lKGYMpVbeZRX+ZRFCmthK+yFo6CFs1ALV2EUrDALd+EpvIWvsEhjbWyNvXE0tHE2auNqjIY1ZuNuPI238TUW6aydrbN3jo52zk7tXJ3Rsc7s3J2n83a+ziLGamzGbhyGGqdRjcsYhhnTuI3HeI3P+AFxQyDQxbTMEwAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('项目影音 and the card’s 受益项目 (township officer, village cadre)', () => {
  let tablet: Tablet;
  const name = unique('保家村产业路');
  const head = unique('受益户');
  let projectId = '';
  let householdId = '';

  beforeAll(async () => {
    const { db } = await getTestDb();
    householdId = (await createHousehold({ village: BAOJIA, head })).id;
    projectId = (await newProject({ atState: '实施', name, beneficiaries: [{ householdId, mechanism: '务工' }] })).id;
    const county = roleCtx(db, BAOJIA, 'county_official');
    await postEntry(county, { projectId, kind: '下达', source: SOURCE, amountFen: 500_000, bookedOn: '2026-03-05' });
    await postEntry(county, { projectId, kind: '拨付', source: SOURCE, amountFen: 200_000, bookedOn: '2026-03-06' });
    await postEntry(roleCtx(db, BAOJIA, 'township_officer'), {
      projectId,
      kind: '到户',
      source: SOURCE,
      amountFen: 30_050,
      bookedOn: '2026-03-07',
      householdId,
    });
    tablet = await openTablet(LANDSCAPE, { touch: true });
  });
  afterAll(() => tablet?.close());

  async function asRole(username: string, viewport = LANDSCAPE): Promise<Page> {
    const { context } = await newTabletContext(tablet.browser, tablet.server.url, viewport, { touch: true });
    const page = await context.newPage();
    await login(page, username);
    return page;
  }

  it('the township officer takes a progress photo with the tablet’s location and attaches a contract', async () => {
    const page = tablet.page;
    await tablet.context.grantPermissions(['geolocation']);
    await tablet.context.setGeolocation({ latitude: 25.7401234, longitude: 105.2312345, accuracy: 8 });
    await login(page, 'shazi_township');
    await page.goto(`/projects/${projectId}`);
    await page.getByTestId('project-media').waitFor();
    await expect.poll(() => page.getByTestId('project-media').innerText()).toContain('还没有照片');

    await page.getByTestId('media-add-photo').click();
    await page.getByTestId('media-photo-file').setInputFiles({ name: '路基施工.png', mimeType: 'image/png', buffer: PNG });
    // The place comes from the tablet's location (the browser allowed it).
    await expect.poll(() => page.getByTestId('media-lon').inputValue()).toBe('105.2312345');
    expect(await page.getByTestId('media-lat').inputValue()).toBe('25.7401234');
    expect(await page.getByTestId('media-place-from').innerText()).toContain('当前定位');
    await page.getByTestId('media-caption').fill('路基开挖');
    await page.getByTestId('media-photo-save').click();

    const photo = page.getByTestId('media-photo');
    await photo.first().waitFor();
    expect(await photo.count()).toBe(1);
    const text = await page.getByTestId('media-stage').innerText();
    expect(text).toContain('实施中');
    expect(text).toContain('路基开挖');
    expect(await page.getByTestId('media-coords').innerText()).toContain('105.23123, 25.74012');
    // The image itself came back from the API (the session's cookie) and decoded.
    await expect.poll(() => photo.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(16);

    await page.getByTestId('media-add-attachment').click();
    await page.getByTestId('media-attachment-file').setInputFiles({ name: '施工合同.pdf', mimeType: 'application/pdf', buffer: PDF });
    expect(await page.getByTestId('media-title').inputValue()).toBe('施工合同');
    await page.getByTestId('media-attachment-save').click();
    await expect.poll(() => page.getByTestId('media-attachments').innerText()).toContain('施工合同');
    expect(await page.getByTestId('media-attachments').innerText()).toContain('合同');
    const href = await page.getByTestId('media-download').getAttribute('href');
    const res = await page.request.get(href as string);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect((await res.body()).equals(PDF)).toBe(true);

    await page.getByTestId('project-media').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'project-media-township-1280x800');
    await page.setViewportSize(PORTRAIT);
    await page.getByTestId('project-media').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'project-media-township-800x1280');
  });

  it('the village cadre reads them without upload, and sees the project and its payment on the household card', async () => {
    const page = await asRole('baojia_cadre', PORTRAIT);
    await page.goto(`/projects/${projectId}`);
    await page.getByTestId('media-photo').first().waitFor();
    expect(await page.getByTestId('media-add-photo').count()).toBe(0);
    expect(await page.getByTestId('media-add-attachment').count()).toBe(0);
    await page.getByTestId('project-media').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'project-media-cadre-800x1280');

    await page.goto(`/households/${householdId}?tab=projects`);
    const projects = page.getByTestId('household-projects');
    await projects.waitFor();
    const row = await projects.innerText();
    expect(row).toContain(name);
    expect(row).toContain('务工');
    expect(row).toContain('实施');
    expect(row).toContain('300.50');
    const payments = await page.getByTestId('household-payments').innerText();
    expect(payments).toContain('2026-03-07');
    expect(payments).toContain('300.50');
    expect(payments).toContain(SOURCE);
    expect(await page.getByTestId('household-paid-total').innerText()).toContain('300.50');
    await saveScreenshot(page, 'household-projects-cadre-800x1280');
    await page.setViewportSize(LANDSCAPE);
    await saveScreenshot(page, 'household-projects-cadre-1280x800');

    await page.getByTestId('household-project-link').first().click();
    await page.waitForURL(`**/projects/${projectId}`);
    expect(await page.getByTestId('project-title').innerText()).toBe(name);
  });
});
