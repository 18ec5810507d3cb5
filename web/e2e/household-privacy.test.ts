// e2e: personal data on the card's pages, on a portrait tablet (800×1280). The change history
// (变更历史) after a registry re-import that removes a member, adds one and changes a phone and a
// health value: the read-only village supervisor reads it in the card's words — field labels,
// members named, code values and states translated, no members.<uuid> keys — with every ID number
// and phone masked, health withheld and no 显示; the village cadre reveals one removed member's ID
// number from the history (audited). Adding a member who lives in another village's household
// says only that the person is registered outside the cadre's area, and whom to ask.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../api/modules/audit/audit.ts';
import { systemCtx } from '../../api/context.ts';
import { importRegistry } from '../../api/modules/registry/import.ts';
import { household, newId, type Row, writeCsv } from '../../api/modules/registry/test-files.ts';
import { maskIdNumber, maskPhone } from '../../api/shared/mask.ts';
import { getTestDb } from '../../api/test/db.ts';
import { createHousehold } from '../../api/test/factories.ts';
import { loginAs } from '../../api/test/http.ts';
import type { Locator, Page } from 'playwright-core';
import { login, openTablet, PORTRAIT, saveScreenshot, type Tablet } from './browser.ts';
import { demoName } from '../../api/test/factories.ts';

/** Picks an option of an Element Plus select (its dropdown is teleported to <body>). */
async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.locator('.el-select__wrapper').click();
  await page
    .locator('.el-select-dropdown__item:visible')
    .filter({ hasText: new RegExp(`^\\s*${option}\\s*$`) })
    .first()
    .click();
}

const BAOJIA = '522324101209';
const NEW_PHONE = '13912345671';

describe('personal data on the card pages, portrait tablet', () => {
  let tablet: Tablet;
  let householdId = '';
  let removed: Row;
  let changed: Row;
  let added: Row;

  beforeAll(async () => {
    const t = await getTestDb();
    const actor = { ...SYSTEM_ACTOR, name: '国家系统导入' };
    const rows = household(BAOJIA, 4, { 户主姓名: '韦国华' }).map((r, i) => (i === 0 ? { ...r, 姓名: '韦国华' } : r));
    expect((await importRegistry(systemCtx(t.db, { actor }), t.handle.bulk, { filePath: writeCsv(rows) })).ok).toBe(true);
    removed = { ...(rows[3] as Row), 姓名: (rows[3] as Row)['姓名'] as string };
    changed = { ...(rows[1] as Row), 联系电话: NEW_PHONE, 健康状况: '残疾' };
    added = { ...(rows[2] as Row), 姓名: '韦小宝', 证件号码: newId('女'), 与户主关系: '之孙女', 性别: '女' };
    expect((await importRegistry(systemCtx(t.db, { actor }), t.handle.bulk, { filePath: writeCsv([rows[0] as Row, changed, rows[2] as Row, added]) })).ok).toBe(
      true,
    );
    householdId = (
      await t.db
        .selectFrom('households')
        .select('id')
        .where('household_no', '=', rows[0]?.['户编号'] as string)
        .executeTakeFirstOrThrow()
    ).id;
    // A procedure on the card: its entries carry states (open …) that must read as words.
    const cadre = await loginAs('baojia_cadre');
    const started = await cadre.post('/api/procedures', {
      householdId,
      type: '监测对象认定',
      origin: '干部走访',
      reason: '因病：入户核实',
      evidence: { text: '走访核实', references: [] },
      payload: { monitoringCategory: '脱贫不稳定户', riskTypes: ['因病'] },
    });
    expect(started.status).toBe(201);
    tablet = await openTablet(PORTRAIT, { touch: true });
  });

  afterAll(async () => {
    await tablet?.close();
  });

  it('the village supervisor reads it in words, members named, everything personal masked', async () => {
    const { page } = tablet;
    await login(page, 'baojia_supervisor');
    await page.goto(`/households/${householdId}?tab=history`);
    const tab = page.getByTestId('history-tab');
    await tab.getByTestId('history-entry').first().waitFor();
    const text = await tab.innerText();
    expect(text).toContain('导入更新（国家系统数据）');
    expect(text).toContain(`移除成员：${removed['姓名']}`);
    expect(text).toContain(`新增成员：${added['姓名']}`);
    expect(text).toContain(`成员：${changed['姓名']}`);
    for (const label of ['户类型', '证件号码', '联系电话', '健康状况', '流程状态']) expect(text).toContain(label);
    expect(text).toContain('进行中'); // the procedure's state, not "open"
    expect(text).not.toMatch(/\bopen\b/);
    expect(text).not.toContain('members.');
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    // Masked for this role: the ID numbers and phones, and health withheld.
    expect(text).toContain(maskIdNumber(removed['证件号码']) as string);
    expect(text).toContain(maskPhone(NEW_PHONE) as string);
    for (const raw of [removed['证件号码'], added['证件号码'], NEW_PHONE]) expect(text).not.toContain(raw);
    expect(text).not.toContain('残疾');
    expect(text).toContain('（无权查看）');
    expect(await tab.getByTestId('reveal').count()).toBe(0);
    // Readable on the portrait tablet: nothing wider than the screen.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(overflow).toBeLessThanOrEqual(PORTRAIT.width);
    await saveScreenshot(page, 'household-history-800x1280');

    await page.getByTestId('lang-en').click();
    await expect.poll(() => tab.innerText()).toContain('updated by registry import');
    const en = await tab.innerText();
    expect(en).toContain(`Member removed: ${removed['姓名']}`);
    for (const label of ['ID number', 'Phone', 'Health', 'Procedure status', 'In progress']) expect(en).toContain(label);
    expect(en).not.toContain('members.');
    await saveScreenshot(page, 'household-history-en-800x1280');
    await page.getByTestId('lang-zh-CN').click();
  });

  it('the village cadre reveals a removed member’s ID number from the history, and it is audited', async () => {
    const { page } = tablet;
    await tablet.context.clearCookies();
    await login(page, 'baojia_cadre');
    await page.goto(`/households/${householdId}?tab=history`);
    const tab = page.getByTestId('history-tab');
    const group = tab.getByTestId('history-group').filter({ hasText: `移除成员：${removed['姓名']}` });
    await group.waitFor();
    expect(await group.innerText()).toContain('健康'); // health is shown to the cadre
    const masked = group.getByTestId('masked-id_number').first();
    expect(await masked.innerText()).toContain(maskIdNumber(removed['证件号码']) as string);
    await masked.getByTestId('reveal').click();
    await expect.poll(() => masked.innerText()).toContain(removed['证件号码']);
    const { db } = await getTestDb();
    const audit = await sql<{ diff: unknown }>`
      select diff from audit_log where subject_id = ${householdId} and action = 'household.reveal' and actor_name = ${demoName('baojia_cadre')} order by id desc limit 1`.execute(
      db,
    );
    const note = JSON.stringify(audit.rows[0]?.diff);
    expect(note).toContain('auditEntryId');
    expect(note).not.toContain(removed['证件号码']);
  });

  it('adding a member who lives in a household outside the cadre’s area names nothing and says whom to ask', async () => {
    const { page } = tablet;
    const elsewhere = await createHousehold({ village: '522324101002', head: '岑明远' }); // 三合社区
    const person = elsewhere.rows[1]?.['证件号码'] as string;
    await page.goto(`/households/${householdId}?tab=members`);
    await page.getByTestId('member-add').click();
    const dialog = page.getByTestId('member-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('member-name').fill('岑小丽');
    await dialog.getByTestId('member-id-number').fill(person);
    await choose(page, dialog.getByTestId('member-relation'), '之儿媳');
    await dialog.getByTestId('member-save').click();
    const fieldError = dialog.locator('.el-form-item.is-error', { has: page.getByTestId('member-id-number') }).locator('.el-form-item__error');
    await fieldError.waitFor();
    const message = await fieldError.innerText();
    expect(message).toContain('管辖范围以外');
    expect(message).toContain('县扶贫办');
    const shown = await page.locator('body').innerText();
    for (const leak of [elsewhere.householdNo, '三合社区', '岑明远']) expect(shown).not.toContain(leak);
    await saveScreenshot(page, 'member-outside-area-800x1280');
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });
});
