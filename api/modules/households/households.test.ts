// Area scoping across endpoints: a village cadre sees and changes only its own village;
// read-only roles cannot write; refused access is audited; edits are versioned and audited.
import { describe, expect, it } from 'vitest';
import { getTestDb } from '../../test/db.ts';
import { createHousehold } from '../../test/factories.ts';
import { loginAs } from '../../test/http.ts';
import { demoName } from '../../test/factories.ts';

const BAOJIA = '522324101209'; // 保家村 — baojia_cadre's village
const SANHE = '522324101002'; // 三合社区 — sanhe_cadre's village, same township

type Page = { items: { id: string; villageCode: string; headName: string }[]; total: number };

describe('households scoped by area', () => {
  it('a village-A cadre gets no village-B data from any endpoint', async () => {
    const a = await createHousehold({ village: BAOJIA, head: '保家甲' });
    const b = await createHousehold({ village: SANHE, head: '三合乙' });
    const cadre = await loginAs('baojia_cadre');

    const list = (await (await cadre.get('/api/households?limit=500')).json()) as Page;
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((h) => h.villageCode === BAOJIA)).toBe(true);
    expect(list.items.some((h) => h.id === a.id)).toBe(true);

    const search = (await (await cadre.get(`/api/households?q=${encodeURIComponent('三合乙')}`)).json()) as Page;
    expect(search.total).toBe(0);
    const byNo = (await (await cadre.get(`/api/households?q=${b.householdNo}`)).json()) as Page;
    expect(byNo.total).toBe(0);

    expect((await cadre.get(`/api/households/${a.id}`)).status).toBe(200);
    const other = await cadre.get(`/api/households/${b.id}`);
    expect(other.status).toBe(403);
    expect(JSON.stringify(await other.json())).not.toContain('三合乙');
    expect((await cadre.get(`/api/households?area=${SANHE}`)).status).toBe(403);

    // The township officer above both villages sees both.
    const township = await loginAs('shazi_township');
    expect((await township.get(`/api/households/${b.id}`)).status).toBe(200);
    const tl = (await (await township.get('/api/households?q=保家甲')).json()) as Page;
    expect(tl.items.map((h) => h.id)).toContain(a.id);
  });

  it('a write outside the caller’s area is refused with 403 and an audit entry', async () => {
    const b = await createHousehold({ village: SANHE });
    const cadre = await loginAs('baojia_cadre');
    const res = await cadre.patch(`/api/households/${b.id}/contact`, { version: 1, address: '篡改' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(SANHE);
    const { db } = await getTestDb();
    const entry = await db.selectFrom('audit_log').selectAll().where('action', '=', 'access.denied').where('entity_id', '=', b.id).executeTakeFirst();
    expect(entry?.actor_name).toBe(demoName('baojia_cadre'));
    const unchanged = await db.selectFrom('households').select(['address', 'version']).where('id', '=', b.id).executeTakeFirstOrThrow();
    expect(unchanged).toEqual({ address: null, version: 1 });
  });

  it('read-only roles (纪检监察, 村监委) can read but not write', async () => {
    const a = await createHousehold({ village: BAOJIA });
    for (const user of ['qinglong_inspector', 'baojia_supervisor']) {
      const agent = await loginAs(user);
      expect((await agent.get(`/api/households/${a.id}`)).status).toBe(200);
      const res = await agent.patch(`/api/households/${a.id}/contact`, { version: 1, address: 'x' });
      expect(res.status).toBe(403);
    }
  });

  it('edits are versioned (409 on a stale version), validated, masked and audited with before/after', async () => {
    const a = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const card = (await (await cadre.get(`/api/households/${a.id}`)).json()) as { phone: string; members: { idNumber: string }[] };
    expect(card.phone).toBe('155****8493');
    expect(card.members.every((m) => /^\d{4}\*{10}[\dX]{4}$/.test(m.idNumber))).toBe(true);

    const bad = await cadre.patch(`/api/households/${a.id}/contact`, { version: 1, phone: '123', extra: 1 });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { fields: { path: string; message: string }[] } }).error.fields;
    expect(fields).toEqual(
      expect.arrayContaining([
        { path: 'phone', code: 'phone.invalid', message: '手机号码应为 11 位，以 1 开头' },
        expect.objectContaining({ code: 'field.unknown' }),
      ]),
    );

    const ok = await cadre.patch(`/api/households/${a.id}/contact`, { version: 1, address: '保家村3组12号', phone: '13912345678' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { version: number }).version).toBe(2);
    const stale = await cadre.patch(`/api/households/${a.id}/contact`, { version: 1, address: '旧版本' });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { details: { currentVersion: number } } }).error.details.currentVersion).toBe(2);

    const { db } = await getTestDb();
    const entry = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'household.update_contact')
      .where('entity_id', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(entry.actor_name).toBe(demoName('baojia_cadre'));
    expect(entry.chain).toBe('522324');
    expect(entry.diff).toMatchObject({ address: [null, '保家村3组12号'], phone: ['15585268493', '13912345678'], version: [1, 2] });
    expect(entry.origin).toMatchObject({ method: 'PATCH', ip: '127.0.0.1' });
  });

  it('answers 404 for an unknown household and 400 for a malformed id', async () => {
    const cadre = await loginAs('baojia_cadre');
    expect((await cadre.get('/api/households/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await cadre.get('/api/households/not-a-uuid')).status).toBe(400);
  });
});
