// Masking per role and the audited reveal; list filters and search by name, pinyin initials,
// ID number and 户编号 — always inside the caller's area.
import { describe, expect, it } from 'vitest';
import { getTestDb } from '../../test/db.ts';
import { testCtx } from '../../test/context.ts';
import { Scope } from '../auth/scope.ts';
import { classifySearch, listHouseholds } from './households.ts';
import { createHousehold, makeHouseholdNo, makeIdNumber } from '../../test/factories.ts';
import { loginAs } from '../../test/http.ts';
import { demoName } from '../../test/factories.ts';

const BAOJIA = '522324101209';
const SANHE = '522324101002';

type Card = {
  phone: string;
  bankAccount: string | null;
  members: { id: string; idNumber: string; health: string | null; relation: string }[];
  privacy: { canReveal: boolean; hidden: string[] };
};
type Page = {
  items: { id: string; householdNo: string; villageCode: string; phone: string | null }[];
  total: number;
  totalCapped: boolean;
  page: number;
  pageSize: number;
};

describe('masking per role and the audited reveal', () => {
  it('masks 红 values for every role; only roles that need them may reveal, and each reveal is audited', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const idNumber = h.rows[0]?.['证件号码'] as string;
    for (const user of ['baojia_cadre', 'shazi_township', 'qinglong_county', 'qinglong_inspector', 'baojia_supervisor']) {
      const agent = await loginAs(user);
      const card = (await (await agent.get(`/api/households/${h.id}`)).json()) as Card;
      expect(card.phone).toBe('155****8493');
      expect(card.members.every((m) => /^\d{4}\*{10}[\dX]{4}$/.test(m.idNumber))).toBe(true);
      expect(JSON.stringify(card)).not.toContain(idNumber);
    }

    const cadre = await loginAs('baojia_cadre');
    const card = (await (await cadre.get(`/api/households/${h.id}`)).json()) as Card;
    expect(card.privacy).toEqual({ canReveal: true, hidden: [], unreadable: [] });
    const head = card.members.find((m) => m.relation === '户主') as { id: string };
    const r = await cadre.post(`/api/households/${h.id}/reveal`, { field: 'id_number', memberId: head.id });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.json()).toEqual({ field: 'id_number', memberId: head.id, value: idNumber });
    const phone = (await (await cadre.post(`/api/households/${h.id}/reveal`, { field: 'phone' })).json()) as { value: string };
    expect(phone.value).toBe('15585268493');
    expect((await cadre.post(`/api/households/${h.id}/reveal`, { field: 'id_number' })).status).toBe(400);

    const { db } = await getTestDb();
    const entries = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'household.reveal')
      .where('subject_id', '=', h.id)
      .orderBy('id')
      .execute();
    expect(entries.map((e) => [e.actor_name, (e.diff as { _note: { field: string } })._note.field])).toEqual([
      [demoName('baojia_cadre'), 'id_number'],
      [demoName('baojia_cadre'), 'phone'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(idNumber); // the fact, never the value

    // 村监委 reads the card but sees neither health details nor full values.
    const sup = await loginAs('baojia_supervisor');
    const supCard = (await (await sup.get(`/api/households/${h.id}`)).json()) as Card;
    expect(supCard.privacy.canReveal).toBe(false);
    expect(supCard.privacy.hidden).toContain('members.health');
    expect(supCard.members.every((m) => m.health === null)).toBe(true);
    const refused = await sup.post(`/api/households/${h.id}/reveal`, { field: 'id_number', memberId: head.id });
    expect(refused.status).toBe(403);
    const denied = await db
      .selectFrom('audit_log')
      .select(['actor_name', 'diff'])
      .where('action', '=', 'access.denied')
      .where('entity_id', '=', h.id)
      .execute();
    expect(denied.some((d) => d.actor_name === demoName('baojia_supervisor'))).toBe(true);

    // Another village's cadre cannot reveal (403, audited) and learns nothing.
    const other = await loginAs('sanhe_cadre');
    const o = await other.post(`/api/households/${h.id}/reveal`, { field: 'phone' });
    expect(o.status).toBe(403);
    expect(JSON.stringify(await o.json())).not.toContain('8493');
  });

  it('masks phones in the list', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const page = (await (await cadre.get(`/api/households?q=${h.householdNo}`)).json()) as Page;
    expect(page.items[0]?.phone).toBe('155****8493');
  });
});

describe('list filters and search', () => {
  it('finds a household by name, pinyin initials, ID number (18 or 15 digits) and 户编号, in scope only', async () => {
    const { db } = await getTestDb();
    // Names no other test uses: the village fills up with other tests' households (成员1…), and a
    // search that matches more than a page would hide this one.
    const h = await createHousehold({ village: BAOJIA, head: '龙腾飞', memberNames: ['岑雨燕'] });
    const b = await createHousehold({ village: SANHE, head: '龙腾飞' });
    const cadre = await loginAs('baojia_cadre');
    const find = async (q: string) =>
      ((await (await cadre.get(`/api/households?q=${encodeURIComponent(q)}&pageSize=100`)).json()) as Page).items.map((i) => i.id);

    expect(await find('龙腾飞')).toContain(h.id);
    expect(await find('龙腾')).toContain(h.id);
    expect(await find('ltf')).toContain(h.id);
    expect(await find('LTF')).toContain(h.id);
    expect(await find(h.householdNo)).toEqual([h.id]);
    expect(await find(h.householdNo.slice(0, 10))).toContain(h.id);
    // Any member finds the household, by name or ID (lower-case x and spaces tolerated).
    const memberId = h.rows[1]?.['证件号码'] as string;
    expect(await find(memberId)).toEqual([h.id]);
    expect(await find(` ${memberId.slice(0, 6)} ${memberId.slice(6).toLowerCase()}`)).toEqual([h.id]);
    expect(await find('岑雨燕')).toEqual([h.id]);
    expect(await find('cyy')).toContain(h.id);
    // Never the other village's household.
    for (const q of ['龙腾飞', 'ltf', b.householdNo, b.rows[0]?.['证件号码'] as string]) expect(await find(q)).not.toContain(b.id);

    // A 15-digit old number finds the upgraded 18-digit one.
    const m = await db.selectFrom('members').select('id_number').where('household_id', '=', h.id).where('relation', '=', '户主').executeTakeFirstOrThrow();
    const old15 = m.id_number.slice(0, 6) + m.id_number.slice(8, 17);
    expect(await find(old15)).toEqual([h.id]);
  });

  it('pages a name or initials search in 户编号 order with the same total on every page', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createHousehold({ village: BAOJIA, head: '翻页测试户' }));
    const cadre = await loginAs('baojia_cadre');
    for (const q of ['翻页测试户', 'fycsh']) {
      const page = async (n: number) => (await (await cadre.get(`/api/households?q=${encodeURIComponent(q)}&pageSize=2&page=${n}`)).json()) as Page;
      const [p1, p2] = [await page(1), await page(2)];
      expect([p1.total, p2.total]).toEqual([3, 3]);
      expect([p1.items.length, p2.items.length]).toEqual([2, 1]);
      const nos = [...p1.items, ...p2.items].map((i) => i.householdNo);
      expect(nos).toEqual(made.map((h) => h.householdNo).sort());
      expect((await page(3)).items).toEqual([]);
      expect((await page(3)).total).toBe(3);
    }
  });

  it('finds a 户编号 that also reads as a valid 15-digit ID number (and still finds by ID)', async () => {
    // 52232499 + 0101 + 001: as an old ID number, born 1999-01-01 — a valid date.
    const no = `5223249901${String(1 + (process.pid % 28)).padStart(2, '0')}001`;
    expect(classifySearch(no)).toMatchObject({ kind: 'idNumber', householdNo: no });
    const h = await createHousehold({ village: BAOJIA, head: '号码户', householdNo: no });
    const cadre = await loginAs('baojia_cadre');
    const find = async (q: string) => ((await (await cadre.get(`/api/households?q=${q}`)).json()) as Page).items.map((i) => i.id);
    expect(await find(no)).toContain(h.id);
    expect(await find(no.slice(0, 12))).toContain(h.id);
    const memberId = h.rows[1]?.['证件号码'] as string;
    expect(await find(memberId)).toEqual([h.id]);
  });

  it('filters by area, status, type, monitoring category, cause and unmet guarantee; pages', async () => {
    const { db } = await getTestDb();
    const h = await createHousehold({ village: BAOJIA, head: '过滤户' });
    await db
      .updateTable('households')
      .set({ status: '监测户', monitoring_category: '突发严重困难户', household_type: '特困供养户', main_cause: '因灾', other_causes: ['缺水'] })
      .where('id', '=', h.id)
      .execute();
    const cadre = await loginAs('baojia_cadre');
    await cadre.request('PUT', `/api/households/${h.id}/years/2023`, { guarantees: { water: { secure: false } } });
    const ids = async (qs: string) => ((await (await cadre.get(`/api/households?${qs}&pageSize=500`)).json()) as Page).items.map((i) => i.id);
    expect(await ids('status=监测户&monitoringCategory=突发严重困难户&householdType=特困供养户')).toContain(h.id);
    expect(await ids('status=脱贫户')).not.toContain(h.id);
    expect(await ids('cause=因灾')).toContain(h.id);
    expect(await ids('cause=缺水')).toContain(h.id);
    expect(await ids('cause=因学')).not.toContain(h.id);
    const unmet = await ids('guaranteeUnmet=true');
    expect(unmet).toContain(h.id);
    expect(unmet.length).toBeLessThan(50);
    expect(await ids(`area=${BAOJIA}&q=过滤户`)).toEqual([h.id]);
    expect((await cadre.get('/api/households?status=小康户')).status).toBe(400);
    expect((await cadre.get(`/api/households?area=${SANHE}`)).status).toBe(403);

    const p1 = (await (await cadre.get('/api/households?page=1&pageSize=2')).json()) as Page;
    const p2 = (await (await cadre.get('/api/households?page=2&pageSize=2')).json()) as Page;
    expect(p1).toMatchObject({ page: 1, pageSize: 2, totalCapped: false });
    expect(p1.items).toHaveLength(2);
    expect(p1.total).toBeGreaterThan(3);
    expect((p2.items[0]?.householdNo ?? '') > (p1.items[1]?.householdNo ?? '')).toBe(true);
    expect([...p1.items, ...p2.items].every((i) => i.villageCode === BAOJIA)).toBe(true);

    // Counting stops at the limit the list asks for (search stays fast in a 100k county); exports count exactly.
    const scope = new Scope('522324', 'county_official');
    const capped = await listHouseholds(testCtx(db, scope), { pageSize: 3, countLimit: 10 });
    expect(capped).toMatchObject({ total: 10, totalCapped: true });
    expect(capped.items).toHaveLength(3);
    const exact = await listHouseholds(testCtx(db, scope), { pageSize: 3 });
    expect(exact.totalCapped).toBe(false);
    expect(exact.total).toBeGreaterThanOrEqual(300);
    const viaHttp = (await (await (await loginAs('qinglong_county')).get('/api/households?exactTotal=true&pageSize=1')).json()) as Page;
    expect(viaHttp.total).toBe(exact.total);
  });
});

describe('search over a county, straight from the member indexes', () => {
  it('gives the households, order and totals the filtered path gives, for names and initials of any length', async () => {
    // 訾晓琼 (zxq) heads one card; on another, only a member matches (the 户主 does not).
    const a = await createHousehold({ village: BAOJIA, head: '訾晓琼', memberNames: ['訾晓兰'] });
    const b = await createHousehold({ village: SANHE, head: '单一户', memberNames: ['訾晓琴'] });
    const county = await loginAs('qinglong_county');
    const list = async (q: string, extra = '', pageSize = 5) =>
      (await (await county.get(`/api/households?q=${encodeURIComponent(q)}&pageSize=${pageSize}${extra}`)).json()) as Page;
    for (const q of ['z', 'zx', 'zxq', 'ZXQ', 'zxql', '訾', '訾晓', '訾晓琴']) {
      for (const page of [1, 2]) {
        // With the county as an area filter the search takes the general path (households joined).
        const [direct, filtered] = [await list(q, `&page=${page}`), await list(q, `&page=${page}&area=522324`)];
        expect({ q, page, total: direct.total, capped: direct.totalCapped, ids: direct.items.map((i) => i.id) }).toEqual({
          q,
          page,
          total: filtered.total,
          capped: filtered.totalCapped,
          ids: filtered.items.map((i) => i.id),
        });
        const nos = direct.items.map((i) => i.householdNo);
        expect(nos).toEqual([...nos].sort());
      }
    }
    const ids = async (q: string) => (await list(q, '', 100)).items.map((i) => i.id);
    expect(await ids('zxq')).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(await ids('訾晓兰')).toEqual([a.id]);
    expect(await ids('訾晓琴')).toEqual([b.id]);
    expect(await ids('zxq')).not.toContain((await createHousehold({ village: BAOJIA, head: '单二户' })).id);
  });

  it('keeps each member’s 户编号 equal to its household’s: given, filled in, and followed when it changes', async () => {
    const { db } = await getTestDb();
    const h = await createHousehold({ village: BAOJIA, head: '编号户' });
    const numbers = async () => (await db.selectFrom('members').select('household_no').where('household_id', '=', h.id).execute()).map((m) => m.household_no);
    const before = (await numbers()).length;
    expect(new Set(await numbers())).toEqual(new Set([h.householdNo]));
    // A writer that leaves it out gets it from the household.
    await db
      .insertInto('members')
      .values({
        household_id: h.id,
        county_code: '522324',
        name: '补号',
        name_initials: 'bh',
        id_number: makeIdNumber('20010203', '女'),
        relation: '其他',
        registry_duplicate: false,
      })
      .execute();
    expect(await numbers()).toEqual(Array(before + 1).fill(h.householdNo));
    // A member moved to another household takes that household's 户编号.
    const other = await createHousehold({ village: BAOJIA, head: '迁入户' });
    await db.updateTable('members').set({ household_id: other.id }).where('household_id', '=', h.id).where('name', '=', '补号').execute();
    const moved = await db
      .selectFrom('members')
      .select('household_no')
      .where('household_id', '=', other.id)
      .where('name', '=', '补号')
      .executeTakeFirstOrThrow();
    expect(moved.household_no).toBe(other.householdNo);
    await db.updateTable('members').set({ household_id: h.id }).where('household_id', '=', other.id).where('name', '=', '补号').execute();
    expect(await numbers()).toEqual(Array(before + 1).fill(h.householdNo));
    // A changed 户编号 reaches every member, and the search finds the card by it.
    const renumbered = makeHouseholdNo();
    await db.updateTable('households').set({ household_no: renumbered }).where('id', '=', h.id).execute();
    expect(new Set(await numbers())).toEqual(new Set([renumbered]));
    const county = await loginAs('qinglong_county');
    const page = (await (await county.get(`/api/households?q=${encodeURIComponent('补号')}&pageSize=100`)).json()) as Page;
    expect(page.items.find((i) => i.id === h.id)?.householdNo).toBe(renumbered);
  });
});
