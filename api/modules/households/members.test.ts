// Members: ID-derived identity and validation (zh-CN and en field messages), exactly one 户主,
// one household per person (named refusal, DB index backstop), versions, soft delete, scoping.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { checkChar, upgrade15 } from '../../shared/id-number.ts';
import { getTestDb } from '../../test/db.ts';
import { createHousehold, makeIdNumber } from '../../test/factories.ts';
import { loginAs } from '../../test/http.ts';
import { demoName } from '../../test/factories.ts';

const BAOJIA = '522324101209';
const SANHE = '522324101002';

type Fields = { error: { code: string; message: string; fields?: { path: string; code: string; message: string }[]; details?: Record<string, unknown> } };
type MemberOut = { id: string; idNumber: string; sex: string; birthDate: string; relation: string; version: number };
type Card = { headName: string; version: number; members: (MemberOut & { name: string })[] };

const member = (over: Record<string, unknown> = {}) => ({
  name: '罗小梅',
  idNumber: makeIdNumber('20100315', '女'),
  relation: '之女',
  ethnicity: '布依族',
  education: '小学',
  schooling: '小学',
  health: '健康',
  laborSkill: '无劳动力',
  workStatus: '未务工',
  ...over,
});

describe('household members', () => {
  it('adds a member with birth date and sex derived from the ID number; 15-digit numbers are upgraded', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const res = await cadre.post(`/api/households/${h.id}/members`, member());
    expect(res.status).toBe(201);
    const m = (await res.json()) as MemberOut;
    expect(m).toMatchObject({ sex: '女', birthDate: '2010-03-15', relation: '之女', version: 1 });
    expect(m.idNumber).toMatch(/^5223\*{10}[\dX]{4}$/);

    const old15 = `522324${String((Date.now() % 90) + 10)}0612${String((process.pid % 900) + 100)}`; // YYMMDD + 3-digit serial
    const up = await cadre.post(`/api/households/${h.id}/members`, member({ idNumber: old15, relation: '之父' }));
    expect(up.status).toBe(201);
    const { db } = await getTestDb();
    const row = await db
      .selectFrom('members')
      .select(['id_number', 'birth_date', 'name_initials'])
      .where('id', '=', ((await up.json()) as MemberOut).id)
      .executeTakeFirstOrThrow();
    expect(row.id_number).toBe(upgrade15(old15));
    expect(row.birth_date).toBe(`19${old15.slice(6, 8)}-06-12`);
    expect(row.name_initials).toBe('lxm');
  });

  it('refuses invalid fields with field messages in zh-CN and en', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const bad = {
      name: '',
      idNumber: '522324198001011235', // wrong checksum (the right one is computed below)
      relation: '表哥',
      ethnicity: '火星族',
      workMonths: 13,
      phone: '12345',
      statusDate: '2020-02-30',
    };
    const right = checkChar('52232419800101123');
    expect(right).not.toBe('5');
    const zh = await loginAs('baojia_cadre');
    const r1 = await zh.post(`/api/households/${h.id}/members`, bad);
    expect(r1.status).toBe(400);
    const f1 = ((await r1.json()) as Fields).error.fields ?? [];
    const byPath = Object.fromEntries(f1.map((f) => [f.path, f]));
    expect(byPath.idNumber).toMatchObject({ code: 'idNumber.checksum', message: '身份证号码校验位错误' });
    expect(byPath.relation?.code).toBe('field.oneOf');
    expect(byPath.relation?.message).toContain('户主、配偶');
    expect(byPath.ethnicity?.code).toBe('field.oneOf');
    expect(byPath.workMonths).toMatchObject({ code: 'field.tooBig', message: '不能大于 12' });
    expect(byPath.phone).toMatchObject({ code: 'phone.invalid', message: '手机号码应为 11 位，以 1 开头' });
    expect(byPath.statusDate).toMatchObject({ code: 'field.date' });
    expect(byPath.name).toMatchObject({ code: 'field.required', message: '必填' });

    const en = await loginAs('baojia_cadre', { lang: 'en' });
    const r2 = await en.post(`/api/households/${h.id}/members`, bad);
    const f2 = Object.fromEntries((((await r2.json()) as Fields).error.fields ?? []).map((f) => [f.path, f.message]));
    expect(f2.idNumber).toBe('The ID number checksum is wrong');
    expect(f2.workMonths).toBe('Must be at most 12');
    expect(f2.phone).toBe('A mobile number has 11 digits starting with 1');

    // Date inside the ID number, and a typed sex that contradicts the number.
    const badDate = '52232419801301' + '123';
    const r3 = await zh.post(`/api/households/${h.id}/members`, member({ idNumber: badDate + checkChar(badDate) }));
    expect((((await r3.json()) as Fields).error.fields ?? [])[0]).toMatchObject({ path: 'idNumber', code: 'idNumber.date' });
    const r4 = await en.post(`/api/households/${h.id}/members`, member({ idNumber: makeIdNumber('19900101', '男'), sex: '女' }));
    expect(r4.status).toBe(400);
    expect((((await r4.json()) as Fields).error.fields ?? [])[0]).toMatchObject({
      path: 'sex',
      code: 'member.sexMismatch',
      message: 'Sex contradicts the ID number (the number says 男)',
    });
    // A typed birth date is not accepted: it comes from the ID number.
    const r5 = await zh.post(`/api/households/${h.id}/members`, member({ birthDate: '2010-01-01' }));
    expect((((await r5.json()) as Fields).error.fields ?? [])[0]).toMatchObject({ code: 'field.unknown' });
    const { db } = await getTestDb();
    const n = await db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('household_id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2);
  });

  it('keeps exactly one 户主: refuses a second head, swaps in one step, refuses removing the head', async () => {
    const h = await createHousehold({ village: BAOJIA, head: '罗大山' });
    const cadre = await loginAs('baojia_cadre');
    const second = await cadre.post(`/api/households/${h.id}/members`, member({ relation: '户主' }));
    expect(second.status).toBe(400);
    expect((((await second.json()) as Fields).error.fields ?? [])[0]).toMatchObject({ path: 'relation', code: 'member.headExists' });

    const card = (await (await cadre.get(`/api/households/${h.id}`)).json()) as Card;
    const head = card.members.find((m) => m.relation === '户主') as MemberOut;
    const other = card.members.find((m) => m.relation !== '户主') as MemberOut & { name: string };
    const demote = await cadre.patch(`/api/households/${h.id}/members/${head.id}`, { version: head.version, relation: '配偶' });
    expect(demote.status).toBe(400);
    expect((((await demote.json()) as Fields).error.fields ?? [])[0]).toMatchObject({ code: 'member.headRequired' });
    expect((await cadre.delete(`/api/households/${h.id}/members/${head.id}`)).status).toBe(400);

    const noSwap = await cadre.patch(`/api/households/${h.id}/members/${other.id}`, { version: other.version, relation: '户主' });
    expect(noSwap.status).toBe(400);
    const swap = await cadre.patch(`/api/households/${h.id}/members/${other.id}`, { version: other.version, relation: '户主', previousHeadRelation: '之父' });
    expect(swap.status).toBe(200);
    const after = (await (await cadre.get(`/api/households/${h.id}`)).json()) as Card;
    expect(after.members.filter((m) => m.relation === '户主').map((m) => m.id)).toEqual([other.id]);
    expect(after.members.find((m) => m.id === head.id)?.relation).toBe('之父');
    expect(after.headName).toBe(other.name);
    expect(after.version).toBe(card.version + 1);
  });

  it('refuses a person who is in another household, naming it inside the caller’s area — in the API and in the database', async () => {
    const a = await createHousehold({ village: BAOJIA });
    const b = await createHousehold({ village: SANHE, head: '罗文建' });
    const person = b.rows[1]?.['证件号码'] as string;
    // The township officer's area holds both villages: the refusal names the household, village and head.
    const township = await loginAs('shazi_township');
    const res = await township.post(`/api/households/${a.id}/members`, member({ idNumber: person, sex: '女', name: '成员1', relation: '之儿媳' }));
    expect(res.status).toBe(409);
    const body = (await res.json()) as Fields;
    expect(body.error.message).toBe(`此人已是户 ${b.householdNo}（三合社区）的成员，一人只能属于一户`);
    expect(body.error.fields?.[0]).toMatchObject({ path: 'idNumber', code: 'member.inOtherHousehold' });
    expect(body.error.details?.otherHousehold).toEqual({ householdNo: b.householdNo, villageCode: SANHE, villageName: '三合社区', headName: '罗文建' });

    const en = await loginAs('shazi_township', { lang: 'en' });
    const resEn = await en.post(`/api/households/${a.id}/members`, member({ idNumber: person, sex: '女', relation: '之儿媳' }));
    expect(((await resEn.json()) as Fields).error.message).toContain(`household ${b.householdNo} (三合社区)`);

    const cadre = await loginAs('baojia_cadre');

    // Same household twice.
    const own = a.rows[1]?.['证件号码'] as string;
    const dup = await cadre.post(`/api/households/${a.id}/members`, member({ idNumber: own, relation: '之女' }));
    expect(dup.status).toBe(400);
    expect((((await dup.json()) as Fields).error.fields ?? [])[0]?.code).toBe('member.inThisHousehold');

    // A person who has moved out may join another household.
    const { db } = await getTestDb();
    await db.updateTable('members').set({ person_status: '迁出', status_date: '2024-01-01' }).where('id_number', '=', person).execute();
    const moved = await cadre.post(`/api/households/${a.id}/members`, member({ idNumber: person, relation: '之儿媳' }));
    expect(moved.status).toBe(201);

    // The database refuses a second live membership written past the application (race backstop).
    const c = await createHousehold({ village: BAOJIA });
    const taken = c.rows[0]?.['证件号码'] as string;
    await expect(
      db
        .insertInto('members')
        .values({ household_id: a.id, county_code: '522324', name: 'x', id_number: taken, relation: '其他', registry_duplicate: false })
        .execute(),
    ).rejects.toThrow(/members_one_household_per_person_idx/);
    // The registry inserter (no registry_duplicate given) keeps the national system's duplicate, flagged.
    await db.insertInto('members').values({ household_id: a.id, county_code: '522324', name: 'x', id_number: taken, relation: '其他' }).execute();
    const flagged = await sql<{
      registry_duplicate: boolean;
    }>`select registry_duplicate from members where household_id = ${a.id} and id_number = ${taken}`.execute(db);
    expect(flagged.rows).toEqual([{ registry_duplicate: true }]);
  });

  it('outside the caller’s area says only that the person is registered elsewhere and whom to ask, and audits the attempt', async () => {
    const { db } = await getTestDb();
    const a = await createHousehold({ village: BAOJIA });
    const b = await createHousehold({ village: SANHE, head: '罗文建' });
    const person = b.rows[1]?.['证件号码'] as string;
    for (const lang of ['zh-CN', 'en'] as const) {
      const cadre = await loginAs('baojia_cadre', { lang });
      const res = await cadre.post(`/api/households/${a.id}/members`, member({ idNumber: person, sex: '女', relation: '之儿媳' }));
      expect(res.status).toBe(409);
      const text = await res.text();
      const body = JSON.parse(text) as Fields;
      expect(body.error.fields?.[0]).toMatchObject({ path: 'idNumber', code: 'member.inHouseholdOutsideArea' });
      expect(body.error.message).toBe(
        lang === 'zh-CN'
          ? '此人已登记在您管辖范围以外的另一户中，一人只能属于一户；如需核实或办理迁移，请联系县扶贫办'
          : 'This person is registered in another household outside your area; a person belongs to one household only — to check or move them, ask the county poverty alleviation office (县扶贫办)',
      );
      // Nothing that says where: no 户编号, village, head or details.
      for (const leak of [b.householdNo, SANHE, '三合社区', '罗文建', '罗*建']) expect(text).not.toContain(leak);
      expect(body.error.details).toBeUndefined();
    }
    // Registering a household with that person as 户主 is refused the same way (candidates).
    const cadre = await loginAs('baojia_cadre');
    const reg = await cadre.post('/api/households', { villageCode: BAOJIA, head: { name: '罗某', idNumber: person, sex: '女' } });
    expect(reg.status).toBe(409);
    expect(((await reg.json()) as Fields).error.fields?.[0]?.code).toBe('member.inHouseholdOutsideArea');
    // Every attempt is on record, with the area that was looked into (never the ID number).
    const audit = await sql<{ action: string; entity_id: string; diff: unknown }>`
      select action, entity_id, diff from audit_log where actor_name = ${demoName('baojia_cadre')} and action = 'access.denied' and diff->'_note'->>'kind' = 'person_lookup'
        and (entity_id = ${a.id} or diff->'_note'->>'requestedArea' = ${SANHE}) order by id`.execute(db);
    expect(audit.rows.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(audit.rows)).not.toContain(person);
  });

  it('versions member edits (409 with the current version), audits them, soft-deletes', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const m = (await (await cadre.post(`/api/households/${h.id}/members`, member())).json()) as MemberOut;
    const ok = await cadre.patch(`/api/households/${h.id}/members/${m.id}`, { version: 1, schooling: '初中', education: '初中' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as MemberOut).version).toBe(2);
    const stale = await cadre.patch(`/api/households/${h.id}/members/${m.id}`, { version: 1, schooling: '高中' });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as Fields).error.details).toEqual({ currentVersion: 2 });
    expect((await cadre.delete(`/api/households/${h.id}/members/${m.id}?version=1`)).status).toBe(409);
    const del = await cadre.delete(`/api/households/${h.id}/members/${m.id}?version=2`);
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ id: m.id, deleted: true, version: 3 });
    const card = (await (await cadre.get(`/api/households/${h.id}`)).json()) as Card;
    expect(card.members.map((x) => x.id)).not.toContain(m.id);
    const { db } = await getTestDb();
    const row = await db.selectFrom('members').select(['deleted_at', 'version']).where('id', '=', m.id).executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    const actions = await db.selectFrom('audit_log').select(['action', 'subject_id']).where('entity_id', '=', m.id).orderBy('id').execute();
    expect(actions).toEqual([
      { action: 'member.create', subject_id: h.id },
      { action: 'member.update', subject_id: h.id },
      { action: 'member.delete', subject_id: h.id },
    ]);
  });

  it('accepts a client-supplied UUID once', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const id = crypto.randomUUID();
    const r1 = await cadre.post(`/api/households/${h.id}/members`, member({ id }));
    expect(r1.status).toBe(201);
    expect(((await r1.json()) as MemberOut).id).toBe(id);
    const r2 = await cadre.post(`/api/households/${h.id}/members`, member({ id }));
    expect(r2.status).toBe(409);
  });

  it('a village-A cadre cannot write members of village B (403, audited); read-only roles cannot write', async () => {
    const b = await createHousehold({ village: SANHE });
    const cadre = await loginAs('baojia_cadre');
    const res = await cadre.post(`/api/households/${b.id}/members`, member());
    expect(res.status).toBe(403);
    const { db } = await getTestDb();
    const denied = await db.selectFrom('audit_log').select(['actor_name']).where('action', '=', 'access.denied').where('entity_id', '=', b.id).execute();
    expect(denied.map((d) => d.actor_name)).toContain(demoName('baojia_cadre'));
    const a = await createHousehold({ village: BAOJIA });
    const sup = await loginAs('baojia_supervisor');
    expect((await sup.post(`/api/households/${a.id}/members`, member())).status).toBe(403);
  });
});
