// OVER_BUDGET_LINE fires per project and source when 报账 + 到户 exceed the source's budget line, or
// a source without a line is spent from; not within the line, nor for reversed spending.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/schema.ts';
import { getTestDb } from '../../../test/db.ts';
import { createHousehold } from '../../../test/factories.ts';
import { BAOJIA, createProject, SOURCE_A, SOURCE_B, SOURCE_C } from '../../funds/test-projects.ts';
import { alertsAbout, entry, runRule } from './test-helpers.ts';

let db: Db;
let household: string;
beforeAll(async () => {
  db = (await getTestDb()).db;
  household = (await createHousehold({ village: BAOJIA })).id;
});
const RULE = 'OVER_BUDGET_LINE';

describe(RULE, () => {
  it('fires for a source spent over its line and for one without a line, not within a line', async () => {
    const p = await createProject(db, { budget: { [SOURCE_A]: 1_000_000, [SOURCE_B]: 5_000_000 } });
    await entry(db, p.id, '报账', 600_000, '2026-05-01');
    await entry(db, p.id, '到户', 500_000, '2026-05-02', { householdId: household });
    await entry(db, p.id, '拨付', 9_000_000, '2026-05-01', { source: SOURCE_B }); // disbursed, not spent
    await entry(db, p.id, '报账', 100_000, '2026-05-01', { source: SOURCE_B });
    await entry(db, p.id, '报账', 1_000, '2026-05-03', { source: SOURCE_C });
    const q = await createProject(db, { budget: { [SOURCE_A]: 1_000_000 } });
    const big = await entry(db, q.id, '报账', 1_200_000, '2026-05-01');
    await entry(db, q.id, '报账', 1_200_000, '2026-05-02', { reversalOf: big });

    await runRule(db, RULE, '2026-06-30');
    const alerts = await alertsAbout(db, RULE, [p.id, q.id]);
    expect(alerts.map((a) => a.subject_key).sort()).toEqual([`project:${p.id}:source:${SOURCE_A}`, `project:${p.id}:source:${SOURCE_C}`].sort());
    const a = alerts.find((x) => x.subject_key.endsWith(SOURCE_A));
    expect(a?.evidence).toMatchObject({ budget: '10000.00', spent: '11000.00', over: '1000.00', entries: 2 });
    expect(alerts.find((x) => x.subject_key.endsWith(SOURCE_C))?.evidence_text).toContain('没有');
  });
});
