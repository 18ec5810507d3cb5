// 在册状态 (households.registry_state, set by procedures): shown on list items and the card,
// filterable (validated against 在册/待识别/自然减少/清退), and a column of the Excel export that
// follows the same filter.
import { describe, expect, it } from 'vitest';
import { getTestDb } from '../../test/db.ts';
import { newHousehold } from '../../test/factories.ts';
import { type Agent, loginAs } from '../../test/http.ts';
import { householdsXlsx } from '../../test/xlsx.ts';
import { demoName } from '../../test/factories.ts';

const BAOJIA = '522324101209'; // 保家村 — baojia_cadre's village

type Item = { id: string; householdNo: string; status: string; registryState: string };
type Page = { items: Item[]; total: number };
type Err = { error: { code: string; fields?: { path: string; code: string; message: string }[] } };

/** Two households of one name (so a search isolates them from the rest of the worker's data): one left by 清退 (its procedure, signed off). */
async function pair(head: string) {
  const kept = await newHousehold({ village: BAOJIA, head });
  const removed = await newHousehold({ village: BAOJIA, head, state: '清退' });
  return { kept, removed };
}

const list = async (agent: Agent, query: string) => {
  const res = await agent.get(`/api/households?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
};

describe('在册状态 (registry state) of households', () => {
  it('list items carry it and the filter returns or excludes a household by it', async () => {
    const { kept, removed } = await pair('在册测甲');
    const cadre = await loginAs('baojia_cadre');
    const q = `q=${encodeURIComponent('在册测甲')}`;

    const all = await list(cadre, q);
    expect(all.items.map((i) => [i.id, i.registryState]).sort()).toEqual(
      [
        [kept.id, '在册'],
        [removed.id, '清退'],
      ].sort(),
    );

    const gone = await list(cadre, `${q}&registryState=${encodeURIComponent('清退')}`);
    expect(gone.total).toBe(1);
    expect(gone.items.map((i) => i.id)).toEqual([removed.id]);

    const inRegistry = await list(cadre, `${q}&registryState=${encodeURIComponent('在册')}`);
    expect(inRegistry.items.map((i) => i.id)).toEqual([kept.id]);

    const none = await list(cadre, `${q}&registryState=${encodeURIComponent('自然减少')}`);
    expect(none).toMatchObject({ total: 0, items: [] });

    // Combined with another filter (the household's 户状态 stays as it was: the factory's 脱贫户).
    const both = await list(cadre, `${q}&registryState=${encodeURIComponent('清退')}&status=${encodeURIComponent('脱贫户')}`);
    expect(both.items.map((i) => [i.id, i.status, i.registryState])).toEqual([[removed.id, '脱贫户', '清退']]);

    // Without a search term, across the village: every 清退 item really is 清退 and ours is among them.
    const village = await list(cadre, `registryState=${encodeURIComponent('清退')}&pageSize=500`);
    expect(village.items.length).toBeGreaterThan(0);
    expect(village.items.every((i) => i.registryState === '清退')).toBe(true);
    expect(village.items.map((i) => i.id)).toContain(removed.id);
    expect(village.items.map((i) => i.id)).not.toContain(kept.id);
  });

  it('refuses a value outside the four, naming the field (zh-CN and en)', async () => {
    const cadre = await loginAs('baojia_cadre');
    const res = await cadre.get(`/api/households?registryState=${encodeURIComponent('已删除')}`);
    expect(res.status).toBe(400);
    const field = ((await res.json()) as Err).error.fields?.find((f) => f.path === 'registryState');
    expect(field?.message).toContain('在册、待识别、自然减少、清退');

    const en = await loginAs('baojia_cadre', { lang: 'en' });
    const bad = await en.get('/api/households?registryState=removed');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Err).error.fields?.find((f) => f.path === 'registryState')?.message).toBe('Must be one of: 在册、待识别、自然减少、清退');

    // The export takes the same filter and refuses the same way.
    expect((await cadre.get('/api/print/households.xlsx?registryState=x')).status).toBe(400);
  });

  it('the card shows it', async () => {
    const { kept, removed } = await pair('在册测乙');
    const cadre = await loginAs('baojia_cadre');
    const card = async (id: string) => {
      const res = await cadre.get(`/api/households/${id}`);
      expect(res.status).toBe(200);
      return (await res.json()) as { id: string; status: string; registryState: string };
    };
    expect(await card(removed.id)).toMatchObject({ id: removed.id, status: '脱贫户', registryState: '清退' });
    expect(await card(kept.id)).toMatchObject({ id: kept.id, registryState: '在册' });

    // A later change (自然减少) shows at once.
    const { db } = await getTestDb();
    await db.updateTable('households').set({ registry_state: '自然减少' }).where('id', '=', kept.id).execute();
    expect((await card(kept.id)).registryState).toBe('自然减少');
  });

  it('the Excel export has the 在册状态 column and follows the filter', async () => {
    const { kept, removed } = await pair('在册测丙');
    const cadre = await loginAs('baojia_cadre');
    const q = `q=${encodeURIComponent('在册测丙')}`;

    const all = await householdsXlsx(await cadre.get(`/api/print/households.xlsx?${q}`));
    expect(all.header).toContain('在册状态');
    expect(all.header.indexOf('在册状态')).toBe(all.header.indexOf('户状态') + 1);
    const byNo = Object.fromEntries(all.rows.map((r) => [r['户编号'], r['在册状态']]));
    expect(byNo).toEqual({ [kept.householdNo]: '在册', [removed.householdNo]: '清退' });

    const filtered = await householdsXlsx(await cadre.get(`/api/print/households.xlsx?${q}&registryState=${encodeURIComponent('清退')}`));
    expect(filtered.rows.map((r) => [r['户编号'], r['户状态'], r['在册状态']])).toEqual([[removed.householdNo, '脱贫户', '清退']]);

    // The audit entry records the filter as given.
    const { db } = await getTestDb();
    const entry = await db
      .selectFrom('audit_log')
      .select('diff')
      .where('action', '=', 'export.households_xlsx')
      .where('actor_name', '=', demoName('baojia_cadre'))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect((entry.diff as { _note: Record<string, unknown> })._note).toMatchObject({ rows: 1, filter: { q: '在册测丙', registryState: '清退' } });
  });
});
