// Card integrity (issue 21): no one overwrites what they cannot see; unknown stays unknown (是 /
// 否 / 未填 through the API and the Excel export); 低保 and 特困 are two answers; the status-graded
// fields change only by procedures; 家庭人口 of a year is corrected on the card, audited; an
// imported status without a date does not block editing the member.
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { getTestDb } from '../../test/db.ts';
import { createHousehold, makeIdNumber } from '../../test/factories.ts';
import { loginAs } from '../../test/http.ts';

const BAOJIA = '522324101209';

type Err = { error: { code: string; message: string; fields?: { path: string; code: string; message: string }[] } };
type Member = {
  id: string;
  name: string;
  health: string | null;
  disabilityCategory: string | null;
  phone: string | null;
  enjoysDibao: boolean | null;
  enjoysTekun: boolean | null;
  hasMedicalInsurance: boolean | null;
  isActiveMilitary: boolean | null;
  education: string | null;
  version: number;
};
type Card = {
  version: number;
  phone: string | null;
  bankAccount: string | null;
  isMilitaryFamily: boolean | null;
  isRelocated: boolean | null;
  mainCause: string | null;
  members: Member[];
  cadres: { id: string; name: string; phone: string | null; version: number }[];
  visits: { id: string; purpose: string | null; problems: string | null; version: number }[];
  years: { year: number; householdSize: number; version: number; income: { perCapita: number } }[];
  privacy: { canReveal: boolean; hidden: string[]; unreadable: string[] };
};

async function card(agent: Awaited<ReturnType<typeof loginAs>>, id: string) {
  const r = await agent.get(`/api/households/${id}`);
  expect(r.status).toBe(200);
  return (await r.json()) as Card;
}

/** What a role that sees everything reads of a member, straight from the table. */
async function memberRow(id: string) {
  const { db } = await getTestDb();
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('no one overwrites what they cannot see', () => {
  it('an admin (no personal data) edits a member and the household: health, ID number and phones stay; sending one is refused naming it', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const added = await cadre.post(`/api/households/${h.id}/members`, {
      name: '罗残',
      idNumber: makeIdNumber('19800202', '男'),
      relation: '之子',
      health: '残疾',
      disabilityCategory: '肢体残疾',
      disabilityGrade: '二级',
      phone: '13800001111',
    });
    expect(added.status).toBe(201);
    const m = (await added.json()) as Member;
    const before = await memberRow(m.id);

    const admin = await loginAs('admin');
    const seen = await card(admin, h.id);
    expect(seen.privacy.unreadable).toEqual(
      expect.arrayContaining([
        'phone',
        'bankAccount',
        'members.health',
        'members.disabilityCategory',
        'members.disabilityGrade',
        'members.disease',
        'members.idNumber',
        'members.phone',
      ]),
    );
    const mine = seen.members.find((x) => x.id === m.id) as Member;
    expect(mine.health).toBeNull();

    // What the old form sent: the hidden fields as empty. Refused, naming them; nothing changes.
    const wipe = await admin.patch(`/api/households/${h.id}/members/${m.id}`, {
      version: mine.version,
      education: '初中',
      health: null,
      disabilityCategory: null,
      disease: null,
    });
    expect(wipe.status).toBe(403);
    const e = (await wipe.json()) as Err;
    expect(e.error.message).toContain('健康状况');
    expect(e.error.message).toContain('病种');
    expect((e.error.fields ?? []).map((f) => f.path).sort()).toEqual(['disabilityCategory', 'disease', 'health']);
    expect(await memberRow(m.id)).toMatchObject({ health: '残疾', disability_category: '肢体残疾', version: before.version });
    // Refused whatever the value (an equal value would otherwise confirm a guess).
    expect((await admin.patch(`/api/households/${h.id}/members/${m.id}`, { version: mine.version, health: '残疾' })).status).toBe(403);
    expect((await admin.patch(`/api/households/${h.id}/members/${m.id}`, { version: mine.version, phone: '13900002222' })).status).toBe(403);
    expect((await admin.patch(`/api/households/${h.id}/members/${m.id}`, { version: mine.version, idNumber: makeIdNumber('19800303', '男') })).status).toBe(
      403,
    );
    const en = await loginAs('admin', { lang: 'en' });
    const enMsg = ((await (await en.patch(`/api/households/${h.id}/members/${m.id}`, { version: mine.version, disease: null })).json()) as Err).error.message;
    expect(enMsg).toContain('disease');

    // The refused attempt is in the audit log (without the values).
    const { db } = await getTestDb();
    const denied = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'access.denied' and entity = 'member' and entity_id = ${m.id}`.execute(db);
    expect(denied.rows[0]?.n).toBeGreaterThanOrEqual(1);

    // Leaving them out is how the admin saves: the visible fields change, the hidden ones stay.
    const saved = await admin.patch(`/api/households/${h.id}/members/${m.id}`, { version: mine.version, education: '初中', hasMedicalInsurance: true });
    expect(saved.status).toBe(200);
    const after = await memberRow(m.id);
    expect(after).toMatchObject({
      education: '初中',
      has_medical_insurance: true,
      health: '残疾',
      disability_category: '肢体残疾',
      disability_grade: '二级',
      phone: '13800001111',
      id_number: before.id_number,
    });

    // The household: phone and bank account are not the admin's to change.
    const hh = await card(admin, h.id);
    const hp = await admin.patch(`/api/households/${h.id}`, { version: hh.version, phone: '13700003333', bankAccount: '6228480000000001' });
    expect(hp.status).toBe(403);
    expect(((await hp.json()) as Err).error.fields?.map((f) => f.path).sort()).toEqual(['bankAccount', 'phone']);
    expect((await admin.patch(`/api/households/${h.id}/contact`, { version: hh.version, phone: '13700003333' })).status).toBe(403);
    const ok = await admin.patch(`/api/households/${h.id}`, { version: hh.version, address: '保家村三组' });
    expect(ok.status).toBe(200);
    const row = await db.selectFrom('households').select(['phone', 'address']).where('id', '=', h.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ phone: '15585268493', address: '保家村三组' });

    // A 帮扶责任人's work phone is masked for the admin: not the admin's to change either.
    const addedCadre = await cadre.post(`/api/households/${h.id}/cadres`, { name: '王帮扶', workUnit: '晴隆县农业农村局', phone: '13800004444' });
    expect(addedCadre.status).toBe(201);
    const helper = (await card(admin, h.id)).cadres.find((c) => c.name === '王帮扶');
    expect(helper?.phone).toBe('138****4444');
    expect((await card(admin, h.id)).privacy.unreadable).toContain('cadres.phone');
    const cp = await admin.patch(`/api/households/${h.id}/cadres/${helper?.id}`, { version: helper?.version, phone: '13800005555' });
    expect(cp.status).toBe(403);
    expect(((await cp.json()) as Err).error.fields?.map((f) => f.path)).toEqual(['phone']);
    expect((await admin.patch(`/api/households/${h.id}/cadres/${helper?.id}`, { version: helper?.version, workUnit: '晴隆县民政局' })).status).toBe(200);
    const cadreRow = await db.selectFrom('responsible_cadres').select(['phone', 'work_unit']).where('id', '=', String(helper?.id)).executeTakeFirstOrThrow();
    expect(cadreRow).toEqual({ phone: '13800004444', work_unit: '晴隆县民政局' });

    // Free text read masked (a phone typed into a visit's notes and the address) is sent back as
    // read by the admin's forms: that is no change, the stored text stays; a real edit is saved.
    const visit = await cadre.post(`/api/households/${h.id}/visits`, {
      visitedAt: '2026-05-01T10:00:00+08:00',
      purpose: '遍访',
      problems: '儿子电话 13600007777 常打不通',
    });
    expect(visit.status).toBe(201);
    const seenVisit = (await card(admin, h.id)).visits.find((v) => v.purpose === '遍访');
    expect(seenVisit?.problems).toBe('儿子电话 136****7777 常打不通');
    const resend = await admin.patch(`/api/households/${h.id}/visits/${seenVisit?.id}`, {
      version: seenVisit?.version,
      problems: seenVisit?.problems,
      followUp: '下月再访',
    });
    expect(resend.status).toBe(200);
    const visitRow = await db.selectFrom('visits').select(['problems', 'follow_up']).where('id', '=', String(seenVisit?.id)).executeTakeFirstOrThrow();
    expect(visitRow).toEqual({ problems: '儿子电话 13600007777 常打不通', follow_up: '下月再访' });
    const edited = await admin.patch(`/api/households/${h.id}/visits/${seenVisit?.id}`, {
      version: seenVisit ? seenVisit.version + 1 : 0,
      problems: '已联系上',
    });
    expect(edited.status).toBe(200);
    expect((await db.selectFrom('visits').select('problems').where('id', '=', String(seenVisit?.id)).executeTakeFirstOrThrow()).problems).toBe('已联系上');

    // A role that reads them changes them.
    const cm = (await card(cadre, h.id)).members.find((x) => x.id === m.id) as Member;
    expect(
      (await cadre.patch(`/api/households/${h.id}/members/${m.id}`, { version: cm.version, health: '健康', disabilityCategory: null, disabilityGrade: null }))
        .status,
    ).toBe(200);
    expect(await memberRow(m.id)).toMatchObject({ health: '健康', disability_category: null });
  });
});

describe('unknown stays unknown', () => {
  it('yes/no answers are 是 / 否 / 未填 in the API and the Excel export; 低保 and 特困 are two answers', async () => {
    const h = await createHousehold({ village: BAOJIA, members: 1 });
    const cadre = await loginAs('baojia_cadre');
    const c0 = await card(cadre, h.id);
    // Imported: never asked, so 未填 (not 否).
    expect(c0.isMilitaryFamily).toBeNull();
    expect(c0.members[0]?.isActiveMilitary).toBeNull();

    const a = (await (
      await cadre.post(`/api/households/${h.id}/members`, {
        name: '甲低保',
        idNumber: makeIdNumber('19900101', '女'),
        relation: '之女',
        enjoysDibao: true,
        enjoysTekun: false,
        hasMedicalInsurance: false,
        isActiveMilitary: null,
      })
    ).json()) as Member;
    const b = (await (
      await cadre.post(`/api/households/${h.id}/members`, { name: '乙未答', idNumber: makeIdNumber('19920202', '男'), relation: '之子' })
    ).json()) as Member;
    expect(a).toMatchObject({ enjoysDibao: true, enjoysTekun: false, hasMedicalInsurance: false, isActiveMilitary: null });
    expect(b).toMatchObject({ enjoysDibao: null, enjoysTekun: null, hasMedicalInsurance: null, isActiveMilitary: null });
    // The single old flag is gone from the API.
    const old = await cadre.post(`/api/households/${h.id}/members`, {
      name: '丙',
      idNumber: makeIdNumber('19930303', '男'),
      relation: '之子',
      enjoysAssistance: true,
    });
    expect(old.status).toBe(400);

    // An answer can be taken back to 未填.
    expect((await cadre.patch(`/api/households/${h.id}/members/${a.id}`, { version: a.version, enjoysTekun: null })).status).toBe(200);
    const hv = (await card(cadre, h.id)).version;
    expect((await cadre.patch(`/api/households/${h.id}`, { version: hv, isMilitaryFamily: false, isRelocated: null })).status).toBe(200);
    const c1 = await card(cadre, h.id);
    expect(c1).toMatchObject({ isMilitaryFamily: false, isRelocated: null });
    expect(c1.members.find((m) => m.id === a.id)).toMatchObject({ enjoysDibao: true, enjoysTekun: null });

    // The Excel export writes the three answers as they are.
    const res = await cadre.get(`/api/print/households.xlsx?q=${h.householdNo}`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = (name: string) => {
      const ws = wb.getWorksheet(name);
      expect(ws).toBeDefined();
      const rows = ws?.getSheetValues().filter(Boolean) as unknown[][];
      const header = (rows[0] ?? []).slice(1) as string[];
      return rows.slice(1).map((r) => Object.fromEntries(header.map((k, i) => [k, r[i + 1] ?? null])));
    };
    const [hrow] = sheet('户信息');
    expect(hrow).toMatchObject({ 户编号: h.householdNo, 是否军烈属: '否', 是否易地扶贫搬迁户: '未填' });
    const members = sheet('家庭成员');
    expect(members).toHaveLength(3);
    expect(members.find((r) => r.姓名 === '甲低保')).toMatchObject({
      享受低保: '是',
      享受特困供养: '未填',
      参加城乡居民基本医疗保险: '否',
      是否现役军人: '未填',
    });
    expect(members.find((r) => r.姓名 === '乙未答')).toMatchObject({ 享受低保: '未填', 享受特困供养: '未填', 参加城乡居民基本医疗保险: '未填' });
    // Personal data masked in the member sheet too.
    expect(members[0]?.证件号码).toMatch(/^5223\*{10}/);
  });
});

describe('the card speaks the registry’s code lists', () => {
  it('a main cause the registry imports (a monitoring household’s risk type) is saved on the card as it is', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const { db } = await getTestDb();
    await db.updateTable('households').set({ main_cause: '因意外事故' }).where('id', '=', h.id).execute();
    const cadre = await loginAs('baojia_cadre');
    const c = await card(cadre, h.id);
    const r = await cadre.patch(`/api/households/${h.id}`, { version: c.version, mainCause: c.mainCause, address: '新地址' });
    expect(r.status).toBe(200);
    expect((await card(cadre, h.id)).mainCause).toBe('因意外事故');
  });

  it('a member imported as 迁出 without a date is edited without inventing one; a change of status still needs its date', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const { db } = await getTestDb();
    const second = await db.selectFrom('members').select('id').where('household_id', '=', h.id).where('relation', '<>', '户主').executeTakeFirstOrThrow();
    await db.updateTable('members').set({ person_status: '迁出', status_date: null }).where('id', '=', second.id).execute();
    const cadre = await loginAs('baojia_cadre');
    const m = (await card(cadre, h.id)).members.find((x) => x.id === second.id) as Member;
    const edit = await cadre.patch(`/api/households/${h.id}/members/${m.id}`, {
      version: m.version,
      education: '高中',
      personStatus: '迁出',
      statusDate: null,
    });
    expect(edit.status).toBe(200);
    const change = await cadre.patch(`/api/households/${h.id}/members/${m.id}`, { version: m.version + 1, personStatus: '失踪' });
    expect(change.status).toBe(400);
    expect(((await change.json()) as Err).error.fields?.[0]?.path).toBe('statusDate');
  });
});

describe('家庭人口 of a year', () => {
  it('is corrected on the card (audited) and the per-capita income follows it', async () => {
    const h = await createHousehold({ village: BAOJIA, members: 2 });
    const cadre = await loginAs('baojia_cadre');
    const put = await cadre.request('PUT', `/api/households/${h.id}/years/2025`, { income: { wage: 1_200_000 } });
    expect(put.status).toBe(200);
    const y = (await put.json()) as { householdSize: number; version: number; income: { perCapita: number } };
    expect(y).toMatchObject({ householdSize: 2, income: { perCapita: 600_000 } });
    const fixed = await cadre.request('PUT', `/api/households/${h.id}/years/2025`, { version: y.version, householdSize: 3 });
    expect(fixed.status).toBe(200);
    expect(await fixed.json()).toMatchObject({ householdSize: 3, income: { perCapita: 400_000 } });
    const history = (await (await cadre.get(`/api/households/${h.id}/history`)).json()) as {
      entries: { action: string; changes: Record<string, [unknown, unknown]> }[];
    };
    expect(history.entries.find((e) => e.action === 'household_year.update')?.changes.household_size).toEqual([2, 3]);
  });
});
