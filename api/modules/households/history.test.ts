// The card's history (变更历史) after a registry re-import that creates, removes and changes
// members: values masked by their grade wherever they sit (members.<uuid>.id_number), for every
// role; health withheld from roles that do not see it; members named; the audited 显示 of one
// history value as the only way to a full value.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskIdNumber, maskPhone } from '../../shared/mask.ts';
import { systemCtx } from '../../context.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { getTestDb, type TestDb } from '../../test/db.ts';
import { type Agent, loginAs } from '../../test/http.ts';
import { importRegistry } from '../registry/import.ts';
import { household, newId, type Row, writeCsv } from '../registry/test-files.ts';

const BAOJIA = '522324101209';

interface Entry {
  id: number;
  action: string;
  entity: string;
  memberId: string | null;
  changes: Record<string, [unknown, unknown]>;
  revealable: string[];
}
interface History {
  members: Record<string, string>;
  entries: Entry[];
}

let t: TestDb;
let householdId = '';
let removed: Row;
let changed: Row;
let added: Row;
const NEW_PHONE = '13912345670';

async function historyAs(agent: Agent) {
  const res = await agent.get(`/api/households/${householdId}/history`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, body: JSON.parse(text) as History };
}
const importEntry = (h: History) => h.entries.find((e) => e.action === 'household.import.update') as Entry;

beforeAll(async () => {
  t = await getTestDb();
  const actor = { ...SYSTEM_ACTOR, name: 'history-test' };
  const rows = household(BAOJIA, 4);
  const first = await importRegistry(systemCtx(t.db, { actor }), t.handle.bulk, { filePath: writeCsv(rows) });
  expect(first.ok).toBe(true);
  // Re-import: the last member is gone, a new one is born, one member's phone and health change.
  removed = rows[3] as Row;
  changed = { ...(rows[1] as Row), 联系电话: NEW_PHONE, 健康状况: '残疾' };
  added = { ...(rows[2] as Row), 姓名: '罗小宝', 证件号码: newId('女'), 与户主关系: '之孙女', 性别: '女' };
  const second = await importRegistry(systemCtx(t.db, { actor }), t.handle.bulk, { filePath: writeCsv([rows[0] as Row, changed, rows[2] as Row, added]) });
  expect(second.ok).toBe(true);
  expect(second.counts).toMatchObject({ membersCreated: 1, membersRemoved: 1 });
  const h = await t.db
    .selectFrom('households')
    .select('id')
    .where('household_no', '=', rows[0]?.['户编号'] as string)
    .executeTakeFirstOrThrow();
  householdId = h.id;
});

describe('history after a registry re-import', () => {
  it('the import’s diff holds personal data under members.<uuid>.… keys (what the masking must reach)', async () => {
    const r = await sql<{ diff: unknown }>`select diff from audit_log where subject_id = ${householdId} and action = 'household.import.update'`.execute(t.db);
    const diff = JSON.stringify(r.rows[0]?.diff);
    expect(diff).toContain(removed['证件号码']);
    expect(diff).toContain(NEW_PHONE);
    expect(diff).toMatch(/"members\.[0-9a-f-]{36}\.id_number"/);
  });

  it('shows no full ID number, phone or health value to the village supervisor or the admin', async () => {
    for (const who of ['baojia_supervisor', 'admin']) {
      const { text, body } = await historyAs(await loginAs(who));
      for (const raw of [removed['证件号码'], added['证件号码'], changed['证件号码'], NEW_PHONE]) expect(text, who).not.toContain(raw);
      expect(text).toContain(maskIdNumber(removed['证件号码']) as string);
      expect(text).toContain(maskPhone(NEW_PHONE) as string);
      const entry = importEntry(body);
      const health = Object.entries(entry.changes).filter(([k]) => k.endsWith('.health'));
      expect(health.length).toBeGreaterThan(0);
      for (const [, pair] of health) for (const v of pair) expect(v === null || v === '***').toBe(true);
      expect(text).not.toContain('残疾');
      expect(entry.revealable).toEqual([]);
    }
  });

  it('shows health to the village cadre, names the members, and lists the masked values it may reveal', async () => {
    const { text, body } = await historyAs(await loginAs('baojia_cadre'));
    expect(text).not.toContain(removed['证件号码']);
    expect(text).not.toContain(NEW_PHONE);
    const entry = importEntry(body);
    expect(Object.values(entry.changes).some(([b, a]) => b === '健康' && a === '残疾')).toBe(true);
    // Every member a key path names has its name: the removed one and the new one included.
    const ids = [...new Set(Object.keys(entry.changes).flatMap((k) => /^members\.([0-9a-f-]{36})\./.exec(k)?.[1] ?? []))];
    expect(ids.map((id) => body.members[id]).sort()).toEqual([removed['姓名'], changed['姓名'], added['姓名']].sort());
    expect(entry.revealable.some((k) => k.endsWith('.id_number'))).toBe(true);
    expect(entry.revealable.some((k) => k.endsWith('.phone'))).toBe(true);
    expect(entry.revealable.every((k) => /\.(id_number|phone)$|^phone$/.test(k))).toBe(true);
  });

  it('reveals one history value to a role that needs it, audited without the value; refuses the others', async () => {
    const cadre = await loginAs('baojia_cadre');
    const { body } = await historyAs(cadre);
    const entry = importEntry(body);
    const key = Object.keys(entry.changes).find((k) => k.endsWith('.id_number') && entry.changes[k]?.[0] === maskIdNumber(removed['证件号码'])) as string;
    expect(key).toBeTruthy();
    const res = await cadre.post(`/api/households/${householdId}/history/${entry.id}/reveal`, { key, side: 'before' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ entryId: entry.id, key, side: 'before', value: removed['证件号码'] });
    const audit = await sql<{ entity: string; entity_id: string; diff: unknown }>`
      select entity, entity_id, diff from audit_log where subject_id = ${householdId} and action = 'household.reveal' order by id desc limit 1`.execute(t.db);
    const a = audit.rows[0];
    expect(a).toMatchObject({ entity: 'member', entity_id: key.split('.')[1] });
    expect(JSON.stringify(a?.diff)).toContain(`"auditEntryId":${entry.id}`);
    expect(JSON.stringify(a?.diff)).not.toContain(removed['证件号码']);

    // Roles that may not reveal are refused (403, audited); only 红 keys are revealable; the entry must be this card's.
    for (const who of ['baojia_supervisor', 'admin']) {
      const refused = await (await loginAs(who)).post(`/api/households/${householdId}/history/${entry.id}/reveal`, { key, side: 'before' });
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain(removed['证件号码']);
    }
    const denied = await sql<{
      n: number;
    }>`select count(*)::int as n from audit_log where action = 'access.denied' and entity_id = ${householdId} and diff->'_note'->>'kind' = 'reveal'`.execute(
      t.db,
    );
    expect(denied.rows[0]?.n).toBeGreaterThanOrEqual(2);
    const green = Object.keys(entry.changes).find((k) => k.endsWith('.education')) ?? 'household_type';
    const notRed = await cadre.post(`/api/households/${householdId}/history/${entry.id}/reveal`, { key: green, side: 'after' });
    expect(notRed.status).toBe(400);
    const other = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('subject_id', '!=', householdId)
      .where('subject_id', 'is not', null)
      .limit(1)
      .executeTakeFirstOrThrow();
    expect((await cadre.post(`/api/households/${householdId}/history/${other.id}/reveal`, { key: 'phone', side: 'after' })).status).toBe(404);
    // Out of area: 403 before anything is read.
    expect((await (await loginAs('sanhe_cadre')).post(`/api/households/${householdId}/history/${entry.id}/reveal`, { key, side: 'before' })).status).toBe(403);
  });
});
