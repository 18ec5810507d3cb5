// REIMBURSED_BEFORE_ACCEPTANCE fires for a 报账 while the project is not accepted or before its
// 验收; not for one after 验收, nor for other kinds.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/schema.ts';
import { getTestDb } from '../../../test/db.ts';
import { createProject } from '../../funds/test-projects.ts';
import { alertsAbout, entry, runRule, step } from './test-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = (await getTestDb()).db;
});
const RULE = 'REIMBURSED_BEFORE_ACCEPTANCE';

describe(RULE, () => {
  it('fires before 验收 and while not accepted, not after 验收', async () => {
    const open = await createProject(db, { state: '实施' });
    const early = await entry(db, open.id, '报账', 100_000, '2026-05-01');
    const disbursed = await entry(db, open.id, '拨付', 100_000, '2026-04-01');
    const accepted = await createProject(db, { state: '资产移交' });
    await step(db, accepted.id, 'approve', '验收', '资产移交', '2026-04-01T02:00:00Z');
    const before = await entry(db, accepted.id, '报账', 100_000, '2026-03-20', { voucherNo: '记-0001' });
    const after = await entry(db, accepted.id, '报账', 100_000, '2026-04-01');

    await runRule(db, RULE, '2026-06-30');
    const alerts = await alertsAbout(db, RULE, [open.id, accepted.id]);
    expect(alerts.map((a) => a.ledger_entry_id).sort()).toEqual([early, before].sort());
    for (const id of [disbursed, after]) expect(alerts.some((a) => a.ledger_entry_id === id)).toBe(false);
    const b = alerts.find((a) => a.ledger_entry_id === before);
    expect(b?.evidence).toMatchObject({ acceptedOn: '2026-04-01', voucherNo: '记-0001', amount: '1000.00' });
    expect(alerts.find((a) => a.ledger_entry_id === early)?.evidence_text).toContain('尚未验收');
  });
});
