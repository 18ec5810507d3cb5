// e2e (issue 21): nothing is lost by saving. Each role that may write — village cadre, township
// officer, county official and the system administrator (who may not see health details, ID
// numbers or phones) — opens and saves every form of a full card in Chromium; the card as a role
// that sees everything (the database rows) is then unchanged but for the versions. And a yes/no
// answer keeps all three values (是 / 否 / 未填) through the member form, the API and the Excel export.
import ExcelJS from 'exceljs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDb } from '../../api/test/db.ts';
import { createHousehold, makeIdNumber } from '../../api/test/factories.ts';
import { loginAs } from '../../api/test/http.ts';
import { startTestServer } from '../../api/test/server.ts';
import { LANDSCAPE, launchBrowser, login, newTabletContext } from './browser.ts';

const BAOJIA = '522324101209';
const ROLES = ['baojia_cadre', 'shazi_township', 'qinglong_county', 'admin'] as const;

/** A card with every part filled in, written by the county office (which sees everything). */
async function fullCard(tag: string) {
  const h = await createHousehold({ village: BAOJIA, head: `整卡${tag}`, members: 2 });
  const county = await loginAs('qinglong_county');
  const ok = async (r: Response | Promise<Response>) => {
    const res = await r;
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    return res.json() as Promise<{ version: number }>;
  };
  const card = await ok(county.get(`/api/households/${h.id}`));
  await ok(
    county.patch(`/api/households/${h.id}`, {
      version: card.version,
      bankName: '晴隆县农村信用合作联社',
      bankAccount: '6228480012345678901',
      identificationStandard: '国家标准',
      mainCause: '因意外事故',
      otherCauses: ['缺技术'],
      isMilitaryFamily: true,
      isRelocated: false,
      address: '保家村二组',
    }),
  );
  await ok(
    county.post(`/api/households/${h.id}/members`, {
      name: `残${tag}`,
      idNumber: makeIdNumber('19780808', '男'),
      relation: '之子',
      ethnicity: '布依族',
      politicalStatus: '群众',
      education: '初中',
      schooling: '非在校生',
      health: '残疾',
      disabilityCategory: '肢体残疾',
      disabilityGrade: '三级',
      laborSkill: '弱劳动力或半劳动力',
      workStatus: '县外省内务工',
      workMonths: 8,
      workPlace: '贵阳',
      hasMedicalInsurance: true,
      hasSeriousIllnessInsurance: false,
      hasPensionInsurance: null,
      enjoysDibao: true,
      enjoysTekun: false,
      isActiveMilitary: false,
      phone: '13812345678',
    }),
  );
  await ok(
    county.request('PUT', `/api/households/${h.id}/years/2025`, {
      conditions: { cultivatedLandMu: 2.5, housingAreaM2: 96, isDangerousHouse: false, livingPower: true, roadType: '水泥路', drinkingWaterSafe: null },
      income: { wage: 2_400_000, business: 350_050, dibao: 120_000, businessExpense: 50_000 },
      guarantees: {
        food: { secure: true, note: '粮食自给' },
        clothing: { secure: true },
        education: { secure: null },
        medical: { secure: false, note: '未参加大病保险' },
      },
    }),
  );
  await ok(county.post(`/api/households/${h.id}/cadres`, { name: '王帮扶', workUnit: '晴隆县农业农村局', phone: '13987654321', fromDate: '2024-01-01' }));
  await ok(
    county.post(`/api/households/${h.id}/measures`, {
      category: '产业帮扶',
      subtype: '养殖',
      measureDate: '2025-04-01',
      amount: 300_000,
      outcome: '养牛 2 头',
    }),
  );
  await ok(
    county.post(`/api/households/${h.id}/visits`, {
      visitedAt: '2025-05-06T02:30:00.000Z',
      purpose: '月度遍访',
      seen: '新建牛圈',
      location: { lon: 105.21, lat: 25.83, accuracyM: 12 },
    }),
  );
  return h;
}

const IGNORED = new Set(['version', 'updated_at']);
/** The card's rows as a role that sees everything reads them, without versions and timestamps of change. */
async function snapshot(householdId: string) {
  const { db } = await getTestDb();
  const strip = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !IGNORED.has(k)))).sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const of = (table: 'members' | 'household_years' | 'responsible_cadres' | 'assistance_measures' | 'visits') =>
    db.selectFrom(table).selectAll().where('household_id', '=', householdId).execute() as Promise<Record<string, unknown>[]>;
  return {
    household: strip(await db.selectFrom('households').selectAll().where('id', '=', householdId).execute()),
    members: strip(await of('members')),
    years: strip(await of('household_years')),
    cadres: strip(await of('responsible_cadres')),
    measures: strip(await of('assistance_measures')),
    visits: strip(await of('visits')),
  };
}

async function versions(householdId: string) {
  const { db } = await getTestDb();
  const h = await db.selectFrom('households').select('version').where('id', '=', householdId).executeTakeFirstOrThrow();
  const m = await db.selectFrom('members').select(['id', 'version']).where('household_id', '=', householdId).execute();
  return { household: h.version, members: Object.fromEntries(m.map((x) => [x.id, x.version])) };
}

/** Opens a form, saves it as it is, and waits for it to close. */
async function saveAsIs(open: Locator, form: Locator, save: Locator) {
  await open.click();
  await form.waitFor();
  await save.click();
  await form.waitFor({ state: 'hidden' });
}

async function saveEveryForm(page: Page, householdId: string) {
  const tab = async (name: string) => {
    await page.goto(`/households/${householdId}?tab=${name}`);
    await page.getByTestId(`${name === 'basic' ? 'basic' : name}-tab`).waitFor();
  };
  // 基本信息: the household, and its responsible cadre.
  await tab('basic');
  await saveAsIs(page.getByTestId('household-edit'), page.getByTestId('household-edit-dialog'), page.getByTestId('household-save'));
  await saveAsIs(
    page.getByTestId('cadre-table').getByRole('button', { name: '编辑' }).first(),
    page.getByTestId('cadre-dialog'),
    page.getByTestId('cadre-save'),
  );
  // 家庭成员: every member.
  await tab('members');
  await page.getByTestId('member-edit').first().waitFor();
  const edits = page.getByTestId('member-edit');
  const count = await edits.count();
  expect(count).toBe(3);
  for (let i = 0; i < count; i++) {
    await saveAsIs(page.getByTestId('member-edit').nth(i), page.getByTestId('member-dialog'), page.getByTestId('member-save'));
  }
  // The year tabs.
  for (const name of ['conditions', 'income', 'guarantees'] as const) {
    await tab(name);
    const t = page.getByTestId(`${name}-tab`);
    await t.getByTestId(`${name}-edit`).click();
    await t.getByTestId(`${name}-save`).click();
    await t.getByTestId(`${name}-save`).waitFor({ state: 'hidden' });
    await t.getByTestId(`${name}-edit`).waitFor();
  }
  await tab('measures');
  await saveAsIs(
    page.getByTestId('measure-table').getByRole('button', { name: '编辑' }).first(),
    page.getByTestId('measure-dialog'),
    page.getByTestId('measure-save'),
  );
  await tab('visits');
  await saveAsIs(page.getByTestId('visit').first().getByRole('button', { name: '编辑' }), page.getByTestId('visit-dialog'), page.getByTestId('visit-save'));
}

describe('card integrity in the browser', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each(ROLES)('%s saves every form of a full card: nothing it could not see changes, nothing is lost', async (role) => {
    const h = await fullCard(role.slice(0, 3));
    const before = await snapshot(h.id);
    const v0 = await versions(h.id);
    const { context } = await newTabletContext(browser, server.url, LANDSCAPE);
    try {
      const page = await context.newPage();
      await login(page, role);
      await saveEveryForm(page, h.id);
      if (role === 'admin') {
        // The admin's member form has no health fields and cannot touch the ID number or phone.
        await page.goto(`/households/${h.id}?tab=members`);
        await page.getByTestId('member-edit').first().click();
        const dialog = page.getByTestId('member-dialog');
        await dialog.getByTestId('member-health-hidden').waitFor();
        expect(await dialog.getByTestId('member-health').count()).toBe(0);
        expect(await dialog.getByTestId('member-phone').isDisabled()).toBe(true);
        expect(await dialog.getByTestId('member-id-number').isDisabled()).toBe(true);
      }
    } finally {
      await context.close();
    }
    const v1 = await versions(h.id);
    // Every form was really saved (the versions moved) …
    expect(v1.household).toBeGreaterThan(v0.household);
    for (const [id, v] of Object.entries(v0.members)) expect(v1.members[id]).toBe(v + 1);
    // … and the card is what it was.
    expect(await snapshot(h.id)).toEqual(before);
  });

  it('a yes/no answer keeps 是 / 否 / 未填 through the member form, the API and the Excel export', async () => {
    const h = await fullCard('yn');
    const { db } = await getTestDb();
    const target = await db
      .selectFrom('members')
      .select(['id', 'name'])
      .where('household_id', '=', h.id)
      .where('relation', '=', '之女')
      .executeTakeFirstOrThrow();
    const { context } = await newTabletContext(browser, server.url, LANDSCAPE);
    try {
      const page = await context.newPage();
      await login(page, 'baojia_cadre');
      await page.goto(`/households/${h.id}?tab=members`);
      const row = page.getByTestId('member-table').locator('.el-table__body-wrapper .el-table__row', { hasText: target.name });
      await row.waitFor();
      // Read-only details show the imported member's answers as 未填.
      await row.locator('.el-table__expand-icon').click();
      const details = page.getByTestId('member-details').filter({ visible: true }).first();
      await expect.poll(() => details.getByTestId('member-detail-enjoysDibao').innerText()).toContain('未填');

      const edit = async () => {
        const fixed = page.getByTestId('member-table').locator('.el-table__row', { hasText: target.name }).getByTestId('member-edit');
        await fixed.first().click();
        const dialog = page.getByTestId('member-dialog');
        await dialog.waitFor();
        return dialog;
      };
      const checked = (dialog: Locator, testid: string) => dialog.getByTestId(testid).locator('.el-radio-button.is-active').innerText();
      let dialog = await edit();
      expect((await checked(dialog, 'member-dibao')).trim()).toBe('未填');
      await dialog.getByTestId('member-dibao').getByText('是', { exact: true }).click();
      await dialog.getByTestId('member-medical-insurance').getByText('否', { exact: true }).click();
      await dialog.getByTestId('member-tekun').getByText('是', { exact: true }).click();
      await dialog.getByTestId('member-tekun').getByText('未填', { exact: true }).click(); // taken back
      await dialog.getByTestId('member-save').click();
      await dialog.waitFor({ state: 'hidden' });

      const stored = await db
        .selectFrom('members')
        .select(['enjoys_dibao', 'enjoys_tekun', 'has_medical_insurance', 'is_active_military'])
        .where('id', '=', target.id)
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ enjoys_dibao: true, enjoys_tekun: null, has_medical_insurance: false, is_active_military: null });
      const api = (await (await page.request.get(`/api/households/${h.id}`)).json()) as {
        members: { id: string; enjoysDibao: boolean | null; enjoysTekun: boolean | null; hasMedicalInsurance: boolean | null }[];
      };
      expect(api.members.find((m) => m.id === target.id)).toMatchObject({ enjoysDibao: true, enjoysTekun: null, hasMedicalInsurance: false });

      dialog = await edit();
      expect((await checked(dialog, 'member-dibao')).trim()).toBe('是');
      expect((await checked(dialog, 'member-tekun')).trim()).toBe('未填');
      expect((await checked(dialog, 'member-medical-insurance')).trim()).toBe('否');
      await page.keyboard.press('Escape');

      const xlsx = await page.request.get(`/api/print/households.xlsx?q=${h.householdNo}`);
      expect(xlsx.status()).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('家庭成员');
      const rows = (ws?.getSheetValues() ?? []).filter(Boolean) as unknown[][];
      const header = (rows[0] ?? []).slice(1) as string[];
      const line = rows
        .slice(1)
        .map((r) => Object.fromEntries(header.map((k, i) => [k, r[i + 1] ?? null])))
        .find((r) => r.姓名 === target.name);
      expect(line).toMatchObject({ 享受低保: '是', 享受特困供养: '未填', 参加城乡居民基本医疗保险: '否', 是否现役军人: '未填' });
    } finally {
      await context.close();
    }
  });
});
