// e2e: 短信服务 — the county office previews what 保家村's supervisors receive for a month (the text
// the composer makes, its segment count) in Chinese at 1280×800 and in English at 800×1280; the
// failed-messages page lists a failed message with its reason, and 重发所选 queues it again.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { villageSummary } from '../../api/modules/sms/compose.ts';
import * as q from '../../api/modules/sms/queries.ts';
import { getTestDb } from '../../api/test/db.ts';
import { TMP } from '../../api/test/template.ts';
import type { Db } from '../../api/db/schema.ts';
import { LANDSCAPE, login, openTablet, PORTRAIT, saveScreenshot, type Tablet } from './browser.ts';

const BAOJIA = '522324101209';
let db: Db;
let failedId = '';
const goodPhone = `1751234${String(process.pid % 10000).padStart(4, '0')}`;

beforeAll(async () => {
  db = (await getTestDb()).db;
  const m = await q.insertMessage(db, {
    direction: 'out',
    kind: 'reply',
    villageCode: BAOJIA,
    phone: `1731234${String(process.pid % 10000).padStart(4, '0')}`,
    text: '【滴灌】测试失败短信',
    segments: 1,
    state: 'failed',
    at: new Date(),
  });
  failedId = m.id;
  await db.updateTable('sms_messages').set({ error: 'SMSC refused (status 0x00000045)', attempts: 5 }).where('id', '=', m.id).execute();
});

describe('短信服务 (county official, 1280×800)', () => {
  let tablet: Tablet;
  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
  });
  afterAll(() => tablet?.close());

  it('previews the exact text of the village’s summary, and retries a failed message', async () => {
    const { page } = tablet;
    await login(page, 'qinglong_county');
    await page.getByTestId('nav-sms').click();
    await page.waitForURL('**/sms');
    await page.goto(`/sms?tab=preview&area=${BAOJIA}&month=2026-05`);
    const expected = await villageSummary(db, BAOJIA, '2026-05', '滴灌');
    const text = page.getByTestId('sms-text').first();
    await text.waitFor();
    expect(await text.innerText()).toBe(expected.text);
    expect(await page.getByTestId('sms-segments').first().innerText()).toBe(String(expected.segments));
    await expect.poll(() => page.locator('.el-loading-mask').count()).toBe(0);
    await saveScreenshot(page, 'sms-preview-1280x800');

    await page.getByRole('tab', { name: '失败短信' }).click();
    const table = page.getByTestId('sms-failed');
    const row = table.locator('tr', { hasText: '测试失败短信' });
    await row.waitFor();
    expect(await row.innerText()).toContain('0x00000045');
    expect(await row.innerText()).toContain('****');
    expect(await row.getByTestId('sms-state').innerText()).toBe('失败');
    await saveScreenshot(page, 'sms-failed-1280x800');
    await row.locator('.el-checkbox').click();
    await page.getByTestId('sms-retry').click();
    await page.getByText('已重新排队 1 条').waitFor();
    await expect
      .poll(async () => (await db.selectFrom('sms_messages').select('state').where('id', '=', failedId).executeTakeFirstOrThrow()).state)
      .toBe('queued');
    await expect.poll(() => table.locator('tr', { hasText: '测试失败短信' }).count()).toBe(0);
    const audit = await db.selectFrom('audit_log').select('actor_name').where('entity_id', '=', failedId).where('action', '=', 'sms.retry').execute();
    expect(audit).toHaveLength(1);

    // The roster: an Excel file with a bad row is refused whole, each bad row named.
    await page.getByRole('tab', { name: '监督员名册' }).click();
    const bad = path.join(TMP, `e2e-roster-${process.pid}.csv`);
    fs.mkdirSync(TMP, { recursive: true });
    fs.writeFileSync(bad, `村代码,姓名,手机号码\n${BAOJIA},好人,${goodPhone}\n${BAOJIA},坏号,123\n`);
    await page.getByTestId('sms-import-file').setInputFiles(bad);
    const report = page.getByTestId('sms-import-report');
    await report.waitFor();
    expect(await report.innerText()).toContain('手机号码应为 11 位');
    expect(await report.innerText()).toContain('3');
    expect(await db.selectFrom('sms_recipients').select('id').where('phone', '=', goodPhone).execute()).toHaveLength(0);
    await saveScreenshot(page, 'sms-roster-import-1280x800');
  });
});

describe('短信服务 in English (800×1280)', () => {
  let tablet: Tablet;
  beforeAll(async () => {
    tablet = await openTablet(PORTRAIT);
  });
  afterAll(() => tablet?.close());

  it('shows the preview with English labels and the Chinese text unchanged', async () => {
    const { page } = tablet;
    await login(page, 'shazi_township');
    await page.goto(`/sms?tab=preview&area=522324101&month=2026-05`);
    await page.getByTestId('lang-en').click();
    await page.getByRole('tab', { name: 'Monthly summaries' }).waitFor();
    const expected = await villageSummary(db, BAOJIA, '2026-05', '滴灌');
    await expect.poll(() => page.getByTestId('sms-preview').innerText()).toContain(expected.text);
    expect(await page.getByTestId('sms-preview').innerText()).toContain('Recipients');
    // The township keeps no batch: no send button.
    expect(await page.getByTestId('sms-send').count()).toBe(0);
    await expect.poll(() => page.locator('.el-loading-mask').count()).toBe(0);
    await saveScreenshot(page, 'sms-preview-en-800x1280');
  });
});
