// PAYMENT_TO_DECEASED_OR_MOVED fires for a 到户 payment booked when every member of the household
// was dead or moved out — by the registry or by the cross-check's 公安 data — or after the
// household left the registry; not before that, not while someone remains, not after a move back.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../../../context.ts';
import { getTestDb, type TestDb } from '../../../test/db.ts';
import { createHousehold } from '../../../test/factories.ts';
import { TMP } from '../../../test/template.ts';
import { importDataset } from '../../datasets/import.ts';
import { BAOJIA, createProject } from '../../funds/test-projects.ts';
import { alertsAbout, COUNTY, entry, runRule } from './test-helpers.ts';

let t: TestDb;
const dir = path.join(TMP, `oversight-deceased-${process.pid}`);
beforeAll(async () => {
  t = await getTestDb();
  fs.mkdirSync(dir, { recursive: true });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const RULE = 'PAYMENT_TO_DECEASED_OR_MOVED';

async function household() {
  const h = await createHousehold({ village: BAOJIA, members: 2 });
  const members = await t.db.selectFrom('members').select(['id', 'id_number', 'name']).where('household_id', '=', h.id).orderBy('relation').execute();
  return { ...h, members };
}

describe(RULE, () => {
  it('fires for payments after the whole household died or moved, by the registry or 公安 data', async () => {
    const dead = await household();
    await t.db.updateTable('members').set({ person_status: '死亡', status_date: '2026-03-01' }).where('household_id', '=', dead.id).execute();
    const half = await household();
    await t.db
      .updateTable('members')
      .set({ person_status: '死亡', status_date: '2026-03-01' })
      .where('id', '=', half.members[0]?.id as string)
      .execute();
    const police = await household();
    const back = await household();
    const [p1, p2] = police.members;
    const [b1, b2] = back.members;
    const file = path.join(dir, 'events.csv');
    const rows = [
      ['姓名', '身份证号', '事件类型', '事件日期', '迁往地区'],
      [p1?.name, p1?.id_number, '迁出', '2026-02-01', '浙江省宁波市'],
      [p2?.name, p2?.id_number, '死亡', '2026-02-15', ''],
      [b1?.name, b1?.id_number, '迁出', '2026-02-01', '广东省'],
      [b1?.name, b1?.id_number, '迁入', '2026-02-20', ''],
      [b2?.name, b2?.id_number, '死亡', '2026-02-15', ''],
    ];
    fs.writeFileSync(file, `${rows.map((r) => r.join(',')).join('\n')}\n`);
    const imported = await importDataset(systemCtx(t.db), t.handle.bulk, { countyCode: COUNTY, source: 'household_events', filePath: file });
    expect(imported.ok).toBe(true);

    const p = await createProject(db());
    const afterDeath = await entry(db(), p.id, '到户', 10_000, '2026-04-01', { householdId: dead.id });
    const beforeDeath = await entry(db(), p.id, '到户', 10_000, '2026-02-01', { householdId: dead.id });
    const someoneLeft = await entry(db(), p.id, '到户', 10_000, '2026-04-01', { householdId: half.id });
    const policeGone = await entry(db(), p.id, '到户', 10_000, '2026-03-01', { householdId: police.id });
    const policeEarly = await entry(db(), p.id, '到户', 10_000, '2026-02-10', { householdId: police.id });
    const movedBack = await entry(db(), p.id, '到户', 10_000, '2026-03-01', { householdId: back.id });

    await runRule(t.db, RULE, '2026-06-30');
    const alerts = await alertsAbout(t.db, RULE, [p.id]);
    expect(alerts.map((a) => a.ledger_entry_id).sort()).toEqual([afterDeath, policeGone].sort());
    for (const id of [beforeDeath, someoneLeft, policeEarly, movedBack]) expect(alerts.some((a) => a.ledger_entry_id === id)).toBe(false);
    const pa = alerts.find((a) => a.ledger_entry_id === policeGone);
    expect(pa?.evidence).toMatchObject({ householdNo: police.householdNo, members: 2 });
    expect(pa?.evidence_text).toContain('公安·户籍变动');
    expect(JSON.stringify(pa)).not.toContain(p1?.id_number as string);
    expect(alerts.find((a) => a.ledger_entry_id === afterDeath)?.evidence_text).toContain('2026-03-01死亡（档案）');
  });
});

const db = () => t.db;
