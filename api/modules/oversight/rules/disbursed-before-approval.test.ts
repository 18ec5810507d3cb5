// DISBURSED_BEFORE_APPROVAL fires for a 拨付 before 入库, without any approval, or inside the
// 10-day 公告公示; not for one after the notice ended, nor for a reversed one or another kind.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/schema.ts';
import { getTestDb } from '../../../test/db.ts';
import { createProject } from '../../funds/test-projects.ts';
import { alertsAbout, entry, runRule, step } from './test-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = (await getTestDb()).db;
});

const RULE = 'DISBURSED_BEFORE_APPROVAL';

describe(RULE, () => {
  it('fires before approval, with no approval and inside the notice period — not after it, nor for reversed entries', async () => {
    const approved = await createProject(db);
    // approved 2026-03-01 10:00 China time (02:00 UTC): the notice runs to 2026-03-11
    await step(db, approved.id, 'approve', '县级审定', '公告公示', '2026-03-01T02:00:00Z');
    const before = await entry(db, approved.id, '拨付', 100_000, '2026-02-20');
    const inNotice = await entry(db, approved.id, '拨付', 200_000, '2026-03-10');
    const after = await entry(db, approved.id, '拨付', 300_000, '2026-03-11');
    const reversed = await entry(db, approved.id, '拨付', 400_000, '2026-02-21');
    await entry(db, approved.id, '拨付', 400_000, '2026-02-22', { reversalOf: reversed });
    const allocation = await entry(db, approved.id, '下达', 500_000, '2026-02-01');
    const never = await createProject(db, { state: '县级审定' });
    const unapproved = await entry(db, never.id, '拨付', 100_000, '2026-04-01');
    const late = await entry(db, never.id, '拨付', 100_000, '2026-07-01'); // after as-of

    const r = await runRule(db, RULE, '2026-06-30');
    expect(r.counts[RULE]?.raised).toBeGreaterThanOrEqual(3);
    const alerts = await alertsAbout(db, RULE, [approved.id, never.id]);
    expect(alerts.map((a) => a.ledger_entry_id).sort()).toEqual([before, inNotice, unapproved].sort());
    for (const id of [after, reversed, allocation, late]) expect(alerts.some((a) => a.ledger_entry_id === id)).toBe(false);
    const a = alerts.find((x) => x.ledger_entry_id === inNotice);
    expect(a?.evidence).toMatchObject({ approvedOn: '2026-03-01', noticeEndsOn: '2026-03-11', amount: '2000.00', bookedOn: '2026-03-10' });
    expect(a?.evidence_text).toContain('公告公示10天');
    expect(alerts.find((x) => x.ledger_entry_id === unapproved)?.evidence_text).toContain('无入库');
    expect(a?.village_code).toBe(approved.villageCode);

    // The project's own approval moment counts first.
    await db
      .updateTable('projects')
      .set({ approved_at: new Date('2026-02-10T02:00:00Z'), notice_started_at: new Date('2026-02-10T02:00:00Z') })
      .where('id', '=', approved.id)
      .execute();
    await runRule(db, RULE, '2026-06-30');
    const again = await alertsAbout(db, RULE, [approved.id]);
    // still active (kept, not duplicated): the rule no longer finds them, but alerts stay until closed
    expect(again.length).toBe(2);
  });

  it('is idempotent: a second run raises nothing and keeps the alerts', async () => {
    const p = await createProject(db, { state: '乡镇审核' });
    const e = await entry(db, p.id, '拨付', 100_000, '2026-05-01');
    const first = await runRule(db, RULE, '2026-06-30');
    expect(first.counts[RULE]?.raised).toBeGreaterThanOrEqual(1);
    const second = await runRule(db, RULE, '2026-06-30');
    expect(second.counts[RULE]?.raised).toBe(0);
    // What the first run raised or kept is kept; a closed alert from another test stays closed (neither).
    expect(second.counts[RULE]?.kept).toBe((first.counts[RULE]?.raised ?? 0) + (first.counts[RULE]?.kept ?? 0));
    expect(second.counts[RULE]?.found).toBe(first.counts[RULE]?.found);
    expect((await alertsAbout(db, RULE, [e])).length).toBe(1);
  });
});
