// IDLE_WITH_MONEY fires for a project with money disbursed and nothing recorded for N days; not
// when a step or entry is recent, not without a disbursement, not after 验收; N is configurable.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/schema.ts';
import { getTestDb } from '../../../test/db.ts';
import { createProject } from '../../funds/test-projects.ts';
import type { ProjectState } from '../../projects/code-lists.ts';
import { alertsAbout, entry, runRule, step } from './test-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = (await getTestDb()).db;
});
const RULE = 'IDLE_WITH_MONEY';

async function project(state: ProjectState = '实施') {
  const p = await createProject(db, { state });
  await db
    .updateTable('projects')
    .set({ created_at: new Date('2026-01-01T02:00:00Z') })
    .where('id', '=', p.id)
    .execute();
  return p;
}

describe(RULE, () => {
  it('fires for disbursed money idle past the threshold, not for active, unfunded or accepted projects', async () => {
    const idle = await project();
    await entry(db, idle.id, '下达', 1_000_000, '2026-01-03');
    await entry(db, idle.id, '拨付', 500_000, '2026-01-05');
    const active = await project();
    await entry(db, active.id, '拨付', 500_000, '2026-01-05');
    await step(db, active.id, 'progress', '实施', '实施', '2026-06-01T02:00:00Z');
    const unfunded = await project();
    await entry(db, unfunded.id, '下达', 500_000, '2026-01-05');
    const accepted = await project('资产移交');
    await entry(db, accepted.id, '拨付', 500_000, '2026-01-05');

    await runRule(db, RULE, '2026-06-30', { idleDays: 200 });
    expect(await alertsAbout(db, RULE, [idle.id])).toEqual([]);

    await runRule(db, RULE, '2026-06-30');
    const alerts = await alertsAbout(db, RULE, [idle.id, active.id, unfunded.id, accepted.id]);
    expect(alerts.map((a) => a.project_id)).toEqual([idle.id]);
    expect(alerts[0]?.evidence).toMatchObject({ disbursed: '5000.00', unspent: '5000.00', lastActivityOn: '2026-01-05', thresholdDays: 90 });
    expect(alerts[0]?.evidence_text).toContain('176天');

    // A day later the same idleness is the same evidence: once closed, the alert does not come back.
    await db
      .updateTable('oversight_alerts')
      .set({ status: 'closed', closed_at: new Date(), close_note: '已核实' })
      .where('id', '=', alerts[0]?.id as string)
      .execute();
    const next = await runRule(db, RULE, '2026-07-01');
    expect(await alertsAbout(db, RULE, [idle.id])).toEqual([]);
    expect(next.counts[RULE]?.found).toBeGreaterThanOrEqual(1);
    // …until something changes: money spent meanwhile (a new entry long ago keeps it idle) gives new evidence.
    await entry(db, idle.id, '报账', 100_000, '2026-01-06');
    await runRule(db, RULE, '2026-07-01');
    expect((await alertsAbout(db, RULE, [idle.id])).map((a) => a.evidence)).toEqual([
      expect.objectContaining({ unspent: '4000.00', lastActivityOn: '2026-01-06' }),
    ]);
  });
});
