// SHARED_BANK_ACCOUNT fires when one account receives 到户 payments for two households, with the
// account masked in the evidence; not for an account of one household, nor for a shared account
// that only one household was paid into.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/schema.ts';
import { getTestDb } from '../../../test/db.ts';
import { createHousehold } from '../../../test/factories.ts';
import { BAOJIA, createProject, SANHE } from '../../funds/test-projects.ts';
import { alertsAbout, entry, runRule } from './test-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = (await getTestDb()).db;
});
const RULE = 'SHARED_BANK_ACCOUNT';
const digits = () => `6217${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

describe(RULE, () => {
  it('fires for one account paid for two households, masked; not for own accounts or unpaid sharers', async () => {
    const shared = digits();
    const own = digits();
    const other = digits();
    const [a, b, c, d, e, f] = await Promise.all([
      createHousehold({ village: BAOJIA }),
      createHousehold({ village: SANHE }),
      createHousehold({ village: BAOJIA }),
      createHousehold({ village: BAOJIA }),
      createHousehold({ village: BAOJIA }),
      createHousehold({ village: BAOJIA }),
    ]);
    await db.updateTable('households').set({ bank_account: shared }).where('id', '=', a.id).execute();
    await db
      .updateTable('households')
      .set({ bank_account: `${shared.slice(0, 4)} ${shared.slice(4)}` })
      .where('id', '=', b.id)
      .execute();
    await db.updateTable('households').set({ bank_account: shared }).where('id', '=', c.id).execute(); // shares, never paid
    await db.updateTable('households').set({ bank_account: own }).where('id', '=', d.id).execute();
    await db.updateTable('households').set({ bank_account: other }).where('id', 'in', [e.id, f.id]).execute();
    const p = await createProject(db);
    await entry(db, p.id, '到户', 50_000, '2026-05-01', { householdId: a.id });
    await entry(db, p.id, '到户', 70_000, '2026-05-02', { householdId: b.id });
    await entry(db, p.id, '到户', 70_000, '2026-05-02', { householdId: d.id });
    await entry(db, p.id, '到户', 70_000, '2026-05-02', { householdId: e.id });
    const rev = await entry(db, p.id, '到户', 70_000, '2026-05-02', { householdId: f.id });
    await entry(db, p.id, '到户', 70_000, '2026-05-03', { householdId: f.id, reversalOf: rev });

    await runRule(db, RULE, '2026-06-30');
    const keys = [a, b, c, d, e, f].map((h) => `account:${h.id}`);
    const alerts = await alertsAbout(db, RULE, keys);
    expect(alerts.length).toBe(1);
    const alert = alerts[0];
    expect(alert?.subject_key).toBe(`account:${[a.id, b.id].sort()[0]}`);
    expect(alert?.evidence).toMatchObject({ account: `****${shared.slice(-4)}`, households: 2, payments: 2, total: '1200.00' });
    expect(alert?.evidence.householdNos).toBe([a.householdNo, b.householdNo].sort().join('、'));
    // never the account in full; the area is the two villages' township
    expect(JSON.stringify(alert)).not.toContain(shared);
    expect(JSON.stringify(alert)).not.toContain(shared.slice(4));
    expect(alert?.village_code).toBe(BAOJIA.slice(0, 9));
  });
});
