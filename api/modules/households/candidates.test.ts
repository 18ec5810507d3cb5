// 登记待识别农户: a card for a household outside the registry, in the state 待识别, with its 户主 —
// the entry point of 识别纳入. Scope, validation, one household per person, provisional 户编号,
// audit, and the procedure it opens the way to.
import { describe, expect, it } from 'vitest';
import { getTestDb } from '../../test/db.ts';
import { createHousehold, makeIdNumber } from '../../test/factories.ts';
import { loginAs } from '../../test/http.ts';

const BAOJIA = '522324101209';
const OTHER_TOWNSHIP_VILLAGE = '522324106204';

type ErrorBody = { error: { code: string; message: string; fields?: { path: string; code: string; message: string }[]; details?: Record<string, unknown> } };
type Created = { id: string; householdNo: string };

const candidate = (over: Record<string, unknown> = {}) => ({
  villageCode: BAOJIA,
  groupName: '三组',
  phone: '13800138000',
  householdType: '一般户',
  mainCause: '因病',
  source: '农户申请',
  location: { lon: 105.21, lat: 25.83, accuracyM: 8 },
  head: { name: '单小梅', idNumber: makeIdNumber('19800315', '女'), ethnicity: '布依族', health: '长期慢性病' },
  ...over,
});

describe('登记待识别农户 (POST /api/households)', () => {
  it('registers a household with its 户主 in the state 待识别, a provisional 户编号, and audit entries', async () => {
    const cadre = await loginAs('baojia_cadre');
    const res = await cadre.post('/api/households', candidate());
    expect(res.status).toBe(201);
    const out = (await res.json()) as Created;
    expect(out.householdNo).toMatch(/^522324D\d{7}$/);
    const second = (await (
      await cadre.post('/api/households', candidate({ head: { name: '韦二', idNumber: makeIdNumber('19700101', '男') } }))
    ).json()) as Created;
    expect(Number(second.householdNo.slice(7))).toBe(Number(out.householdNo.slice(7)) + 1);

    const { db } = await getTestDb();
    const h = await db.selectFrom('households').selectAll().where('id', '=', out.id).executeTakeFirstOrThrow();
    expect(h).toMatchObject({
      registry_state: '待识别',
      village_code: BAOJIA,
      county_code: '522324',
      head_name: '单小梅',
      head_initials: 'sxm',
      group_name: '三组',
      version: 1,
    });
    const members = await db.selectFrom('members').selectAll().where('household_id', '=', out.id).execute();
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ relation: '户主', sex: '女', birth_date: '1980-03-15', name_initials: 'sxm', registry_duplicate: false });
    const audit = await db.selectFrom('audit_log').select(['action', 'diff']).where('subject_id', '=', out.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['household.create', 'member.create']);
    expect(audit[0]?.diff).toMatchObject({ registry_state: [null, '待识别'], household_no: [null, out.householdNo], _note: { source: '农户申请' } });

    // The card shows the state; the list finds it by pinyin initials.
    const card = (await (await cadre.get(`/api/households/${out.id}`)).json()) as {
      registryState: string;
      householdNo: string;
      members: { idNumber: string }[];
    };
    expect(card.registryState).toBe('待识别');
    expect(card.members[0]?.idNumber).toMatch(/\*/);
    const found = (await (await cadre.get('/api/households?q=sxm&pageSize=100')).json()) as { items: { id: string }[] };
    expect(found.items.map((r) => r.id)).toContain(out.id);
  });

  it('opens the way to 识别纳入, which a 在册 household cannot start', async () => {
    const cadre = await loginAs('baojia_cadre');
    const { id } = (await (
      await cadre.post('/api/households', candidate({ head: { name: '罗大', idNumber: makeIdNumber('19660708', '男') } }))
    ).json()) as Created;
    const body = (householdId: string) => ({
      householdId,
      type: '识别纳入',
      origin: '农户申请',
      reason: '识别纳入：农户申请，入户核实',
      evidence: { text: '申请书和入户核实记录', references: [{ kind: 'document', title: '申请书' }] },
      payload: { identifiedYear: new Date().getFullYear(), identificationStandard: '国家标准', mainCause: '因病' },
    });
    const started = await cadre.post('/api/procedures', body(id));
    expect(started.status).toBe(201);
    const registered = await createHousehold({ village: BAOJIA });
    const refused = await cadre.post('/api/procedures', body(registered.id));
    expect(refused.status).toBe(409);
  });

  it('refuses a person who lives in another household, naming it; nothing is kept', async () => {
    const existing = await createHousehold({ village: BAOJIA });
    const person = existing.rows[0]?.['证件号码'] as string;
    const cadre = await loginAs('baojia_cadre');
    const { db } = await getTestDb();
    const before = await db
      .selectFrom('households')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await cadre.post('/api/households', candidate({ head: { name: '重复', idNumber: person } }));
    expect(res.status).toBe(409);
    const e = (await res.json()) as ErrorBody;
    expect(e.error.message).toContain(existing.householdNo);
    const after = await db
      .selectFrom('households')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses bad fields (with the head’s fields named), a 户编号 in use, a non-village code and other areas', async () => {
    const cadre = await loginAs('baojia_cadre', { lang: 'en' } as never);
    const bad = await cadre.post('/api/households', candidate({ phone: '123', head: { name: '', idNumber: '522324198001011230' } }));
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as ErrorBody).error.fields?.map((f) => f.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['phone', 'head.name']));
    const badId = await cadre.post('/api/households', candidate({ head: { name: '甲', idNumber: '522324198001011230' } }));
    expect(badId.status).toBe(400);
    expect(((await badId.json()) as ErrorBody).error.fields?.map((f) => f.path)).toContain('head.idNumber');

    const existing = await createHousehold({ village: BAOJIA });
    const taken = await cadre.post(
      '/api/households',
      candidate({ householdNo: existing.householdNo, head: { name: '乙', idNumber: makeIdNumber('19900101', '男') } }),
    );
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as ErrorBody).error.fields?.[0]?.path).toBe('householdNo');

    const county = await loginAs('qinglong_county');
    const unknown = await county.post(
      '/api/households',
      candidate({ villageCode: '522324101000', head: { name: '丙', idNumber: makeIdNumber('19900102', '男') } }),
    );
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.message).toContain('522324101000');
    const township = await county.post(
      '/api/households',
      candidate({ villageCode: '522324101', head: { name: '丙', idNumber: makeIdNumber('19900102', '男') } }),
    );
    expect(township.status).toBe(400);
    expect(((await township.json()) as ErrorBody).error.fields?.map((f) => f.path)).toContain('villageCode');
    const outside = await cadre.post(
      '/api/households',
      candidate({ villageCode: OTHER_TOWNSHIP_VILLAGE, head: { name: '丁', idNumber: makeIdNumber('19900103', '男') } }),
    );
    expect(outside.status).toBe(403);
    const inspector = await loginAs('qinglong_inspector');
    const readOnly = await inspector.post('/api/households', candidate({ head: { name: '戊', idNumber: makeIdNumber('19900104', '男') } }));
    expect(readOnly.status).toBe(403);
  });
});
