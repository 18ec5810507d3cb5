// TOO_FAST (过快件) fires for a project sign-off and a household procedure sign-off made less than
// the minimum after the step before; not for slower ones; the minimum is configurable.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/schema.ts';
import { getTestDb } from '../../../test/db.ts';
import { newProcedure } from '../../../test/factories.ts';
import { createProject } from '../../funds/test-projects.ts';
import { alertsAbout, runRule, step } from './test-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = (await getTestDb()).db;
});
const RULE = 'TOO_FAST';

describe(RULE, () => {
  it('fires for a project step approved minutes after the one before, not for one hours after', async () => {
    const p = await createProject(db, { state: '县级审定' });
    await step(db, p.id, 'submit', '村申报', '乡镇审核', '2026-03-01T01:00:00Z');
    const fast = await step(db, p.id, 'approve', '乡镇审核', '县级审定', '2026-03-01T01:05:00Z');
    const slow = await step(db, p.id, 'approve', '县级审定', '公告公示', '2026-03-01T04:00:00Z');

    await runRule(db, RULE, '2026-06-30', { minSignoffMinutes: 4 });
    expect(await alertsAbout(db, RULE, [p.id])).toEqual([]);

    await runRule(db, RULE, '2026-06-30');
    const alerts = await alertsAbout(db, RULE, [p.id]);
    expect(alerts.map((a) => a.project_step_id)).toEqual([fast]);
    expect(alerts.some((a) => a.project_step_id === slow)).toBe(false);
    expect(alerts[0]?.evidence).toMatchObject({ chain: 'project', stage: '乡镇审核', minutes: 5, minimumMinutes: 30 });
  });

  it("fires for a household procedure's sign-off right after its start, not for the one after the 7-day notice", async () => {
    const proc = await newProcedure({ atStage: '乡镇审核' });
    const steps = await db.selectFrom('procedure_steps').select(['id', 'stage', 'action']).where('procedure_id', '=', proc.id).orderBy('seq').execute();
    const quick = steps.find((s) => s.action === 'approve' && s.stage === '村级评议');
    const noticed = steps.find((s) => s.action === 'approve' && s.stage === '村内公示');
    expect(quick && noticed).toBeTruthy();
    await runRule(db, RULE, new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));
    const alerts = await alertsAbout(db, RULE, [quick?.id as string, noticed?.id as string]);
    expect(alerts.map((a) => a.procedure_step_id)).toEqual([quick?.id]);
    expect(alerts[0]?.subject_kind).toBe('procedure_step');
    expect(alerts[0]?.evidence).toMatchObject({ chain: 'procedure', stage: '村级评议' });
  });
});
