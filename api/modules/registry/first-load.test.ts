// The registry import's direct path (first-load.ts) against a real database, both backends: a
// first load written while the file is read leaves exactly what the merge leaves (cards, members,
// audit entries, chain), and every file the direct path cannot take is handed to the merge, which
// then decides as it always did — nothing of the direct attempt is kept or reported twice.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../../context.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from '../audit/audit.ts';
import { freshTestDb, type TestDb } from '../../test/db.ts';
import { importRegistry, type RegistryImportResult } from './import.ts';
import { household, type Row, writeCsv } from './test-files.ts';

const BAOJIA = '522324101209';
const SANHE = '522324101002';
const actor = { ...SYSTEM_ACTOR, name: 'first-load-test' };

let t: TestDb & { dispose: () => Promise<void> };
beforeAll(async () => {
  t = await freshTestDb('regdirect');
});
afterAll(async () => {
  await t?.dispose();
});

const run = (file: string, direct?: boolean): Promise<RegistryImportResult> =>
  importRegistry(systemCtx(t.db, { actor }), t.handle.bulk, { filePath: file, direct });
const numbers = (rows: Row[]) => [...new Set(rows.map((r) => r.户编号 as string))];

/** What an import leaves for these households, without ids and times (which differ by design). */
async function leftBehind(nos: string[]) {
  const households = await sql<Record<string, unknown>>`
    select household_no, county_code, village_code, group_name, head_name, head_initials, household_type, status,
      monitoring_category, main_cause, exit_year, reported_income_per_capita::text as income, phone,
      st_astext(location) as location, registry_state, version, deleted_at is null as live
    from households where household_no in (${sql.join(nos)}) order by household_no`.execute(t.db);
  const members = await sql<Record<string, unknown>>`
    select h.household_no, m.id_number, m.name, m.name_initials, m.sex, m.birth_date::text as birth_date, m.relation,
      m.ethnicity, m.education, m.schooling, m.health, m.labor_skill, m.work_status, m.work_months,
      m.has_medical_insurance, m.has_pension_insurance, m.phone, m.person_status, m.registry_duplicate, m.version
    from members m join households h on h.id = m.household_id
    where h.household_no in (${sql.join(nos)}) order by m.id_number`.execute(t.db);
  const audit = await sql<{ household_no: string; action: string; area_code: string; diff: Record<string, unknown> }>`
    select h.household_no, a.action, a.area_code, a.diff
    from audit_log a join households h on h.id::text = a.entity_id
    where a.entity = 'household' and h.household_no in (${sql.join(nos)}) order by h.household_no, a.seq`.execute(t.db);
  return {
    households: households.rows,
    members: members.rows,
    // The note names the import job, which differs between the two imports.
    audit: audit.rows.map(({ diff: { _note, ...diff }, ...e }) => ({ ...e, diff, note: Object.keys(_note as object) })),
  };
}

async function forget(nos: string[]) {
  await sql`delete from members where household_id in (select id from households where household_no in (${sql.join(nos)}))`.execute(t.db);
  await sql`delete from households where household_no in (${sql.join(nos)})`.execute(t.db);
}

describe('registry import: the direct path of a first load', () => {
  it('writes exactly what the merge writes: cards, members, one audit entry per card, an unbroken chain', async () => {
    const rows = [
      ...household(BAOJIA, 4),
      ...household(SANHE, 1),
      // Columns left empty and a household without coordinates.
      ...household(SANHE, 3, { 经度: '', 纬度: '', 监测对象类别: '', 联系电话: '', 脱贫年度: '' }),
      ...household(BAOJIA, 2, { 户状态: '监测户', 监测对象类别: '脱贫不稳定户', 主要致贫原因: '因病' }),
    ];
    const file = writeCsv(rows, { encoding: 'utf-8-bom' });
    const nos = numbers(rows);

    const merged = await run(file, false);
    expect(merged.errors.filter((e) => e.severity === 'error')).toEqual([]);
    expect(merged).toMatchObject({ ok: true, path: 'merge', directGaveUp: null });
    const viaMerge = await leftBehind(nos);
    expect(viaMerge.households).toHaveLength(4);
    expect(viaMerge.members).toHaveLength(10);
    expect(viaMerge.audit.map((a) => a.action)).toEqual(Array(4).fill('household.import.create'));

    await forget(nos);
    const direct = await run(file, true);
    expect(direct).toMatchObject({ ok: true, path: 'direct', directGaveUp: null, rowsRead: 10, households: 4 });
    expect(direct.counts).toEqual(merged.counts);
    expect(direct.errors).toEqual(merged.errors);
    const viaDirect = await leftBehind(nos);
    expect(viaDirect.households).toEqual(viaMerge.households);
    expect(viaDirect.members).toEqual(viaMerge.members);
    // Entries are found through the card's id: the forgotten cards' entries no longer match.
    expect(viaDirect.audit).toEqual(viaMerge.audit);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    const job = await t.db
      .selectFrom('registry_imports')
      .select(['status', 'rows_read', 'error_count'])
      .where('id', '=', direct.jobId)
      .executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'succeeded', rows_read: 10, error_count: 0 });
    const own = await sql<{ n: number; path: string }>`
      select count(*)::int as n, min(diff->'_note'->>'path') as path from audit_log where action = 'registry.import' and entity_id = ${direct.jobId}`.execute(
      t.db,
    );
    expect(own.rows[0]).toEqual({ n: 1, path: 'direct' });
  });

  it('is the default on PostgreSQL only (PGlite has one connection: nothing to overlap)', async () => {
    const rows = household(BAOJIA, 3);
    const r = await run(writeCsv(rows));
    expect(r.ok).toBe(true);
    expect(r.path).toBe(t.handle.bulk.concurrent ? 'direct' : 'merge');
  });

  it('hands over to the merge when a card exists: the re-import changes nothing', async () => {
    const rows = household(SANHE, 3);
    const file = writeCsv(rows);
    expect((await run(file, true)).path).toBe('direct');
    const again = await run(file, true);
    expect(again).toMatchObject({ ok: true, path: 'merge', directGaveUp: 'card exists' });
    expect(again.counts).toMatchObject({ householdsCreated: 0, householdsUnchanged: 1, membersCreated: 0 });
  });

  it('hands over when a household’s rows are apart; the merge keeps all of its members', async () => {
    const a = household(BAOJIA, 3);
    const b = household(BAOJIA, 2);
    const rows = [a[0], a[1], ...b, a[2]] as Row[];
    const r = await run(writeCsv(rows), true);
    expect(r).toMatchObject({ ok: true, path: 'merge', directGaveUp: 'household rows apart' });
    expect(r.counts).toMatchObject({ householdsCreated: 2, membersCreated: 5 });
    const n = await sql<{ n: number }>`
      select count(*)::int as n from members m join households h on h.id = m.household_id where h.household_no = ${a[0]?.户编号}`.execute(t.db);
    expect(n.rows[0]?.n).toBe(3);
  });

  it('hands over on a row error: the file is rejected once, errors reported once, nothing kept', async () => {
    const good = household(BAOJIA, 3);
    const bad = household(BAOJIA, 2);
    const id = (bad[1] as Row).证件号码 as string;
    (bad[1] as Row).证件号码 = id.slice(0, 17) + (id[17] === '0' ? '1' : '0'); // a wrong check digit
    const rows = [...good, ...bad];
    const r = await run(writeCsv(rows), true);
    expect(r).toMatchObject({ ok: false, path: 'merge', directGaveUp: 'row errors' });
    expect(r.errors.filter((e) => e.severity === 'error').map((e) => ({ rowNo: e.rowNo, column: e.column }))).toEqual([{ rowNo: 6, column: '证件号码' }]);
    expect(r.errorCount).toBe(1);
    const kept = await t.db.selectFrom('households').select('id').where('household_no', 'in', numbers(rows)).execute();
    expect(kept).toEqual([]);
  });

  it('hands over when a person is already registered in the county: the merge refuses, naming the household', async () => {
    const first = household(SANHE, 2);
    await run(writeCsv(first), true);
    const second = household(BAOJIA, 2);
    (second[1] as Row).证件号码 = (first[1] as Row).证件号码 as string;
    const r = await run(writeCsv(second), true);
    expect(r).toMatchObject({ ok: false, path: 'merge', directGaveUp: 'person registered' });
    expect(r.errors.find((e) => e.key === 'registry.personInOtherHousehold')?.params).toMatchObject({ household: (first[0] as Row).户编号 });
  });

  it('hands over when a person is listed in two households of the file: the merge flags the duplicate', async () => {
    const a = household(BAOJIA, 2);
    const b = household(SANHE, 2);
    const twice = { ...(a[1] as Row), 户编号: (b[0] as Row).户编号 as string, 区划代码: SANHE, 户主姓名: (b[0] as Row).户主姓名 as string, 与户主关系: '其他' };
    const r = await run(writeCsv([...a, ...b, twice]), true);
    expect(r).toMatchObject({ ok: true, path: 'merge', directGaveUp: 'person in two households' });
    const flags = await sql<{ registry_duplicate: boolean }>`
      select registry_duplicate from members where id_number = ${(a[1] as Row).证件号码} order by registry_duplicate`.execute(t.db);
    expect(flags.rows.map((f) => f.registry_duplicate)).toEqual([false, true]);
  });
});
