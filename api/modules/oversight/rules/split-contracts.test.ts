// SPLIT_CONTRACTS fires for one payee's (or implementing unit's) amounts each just under the
// approval threshold within the window; not when they are far apart in time, not when only one is
// near the threshold, and the threshold is configurable.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/schema.ts';
import { getTestDb, unique } from '../../../test/db.ts';
import { createProject, SOURCE_A, SOURCE_B } from '../../funds/test-projects.ts';
import { alertsAbout, entry, runRule } from './test-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = (await getTestDb()).db;
});
const RULE = 'SPLIT_CONTRACTS';

describe(RULE, () => {
  it('fires for near-threshold payments to one payee within the window, not for spread or single ones', async () => {
    const p = await createProject(db);
    const [split, spread, single] = [unique('拆分建筑公司'), unique('分散公司'), unique('单笔公司')];
    const e1 = await entry(db, p.id, '拨付', 48_000_000, '2026-03-01', { payee: split });
    const e2 = await entry(db, p.id, '报账', 49_000_000, '2026-03-20', { payee: ` ${split} ` });
    await entry(db, p.id, '拨付', 48_000_000, '2026-01-01', { payee: spread });
    await entry(db, p.id, '拨付', 48_000_000, '2026-05-01', { payee: spread });
    await entry(db, p.id, '拨付', 48_000_000, '2026-03-01', { payee: single });
    await entry(db, p.id, '拨付', 30_000_000, '2026-03-02', { payee: single });

    await runRule(db, RULE, '2026-06-30');
    const alerts = await alertsAbout(db, RULE, [`payee:${split}`, `payee:${spread}`, `payee:${single}`]);
    expect(alerts.map((a) => a.subject_key)).toEqual([`payee:${split}`]);
    expect(alerts[0]?.ledger_entry_id).toBe(e1);
    expect(alerts[0]?.evidence).toMatchObject({ form: 'payments', count: 2, total: '970000.00', threshold: '500000.00' });
    expect((alerts[0]?.evidence.items as { entryId: string }[]).map((i) => i.entryId)).toEqual([e1, e2]);
  });

  it('fires for near-threshold projects of one implementing unit, with a configurable threshold', async () => {
    const unit = unique('某合作社');
    const at = new Date('2026-04-01T02:00:00Z');
    const a = await createProject(db, { budget: { [SOURCE_A]: 46_000_000 } });
    const b = await createProject(db, { budget: { [SOURCE_A]: 30_000_000, [SOURCE_B]: 19_000_000 } });
    const c = await createProject(db, { budget: { [SOURCE_A]: 20_000_000 } });
    await db.updateTable('projects').set({ implementing_unit: unit, approved_at: at }).where('id', 'in', [a.id, b.id, c.id]).execute();
    const lone = unique('独立单位');
    const d = await createProject(db, { budget: { [SOURCE_A]: 47_000_000 } });
    await db.updateTable('projects').set({ implementing_unit: lone, approved_at: at }).where('id', '=', d.id).execute();

    // a threshold of 100 万元: nothing is just under it
    await runRule(db, RULE, '2026-06-30', { approvalThresholdFen: 100_000_000 });
    expect(await alertsAbout(db, RULE, [`unit:${unit}`, `unit:${lone}`])).toEqual([]);

    await runRule(db, RULE, '2026-06-30');
    const alerts = await alertsAbout(db, RULE, [`unit:${unit}`, `unit:${lone}`]);
    expect(alerts.map((x) => x.subject_key)).toEqual([`unit:${unit}`]);
    expect(alerts[0]?.evidence).toMatchObject({ form: 'projects', count: 2, total: '950000.00' });
    expect((alerts[0]?.evidence.items as { projectId: string }[]).map((i) => i.projectId).sort()).toEqual([a.id, b.id].sort());
  });
});
