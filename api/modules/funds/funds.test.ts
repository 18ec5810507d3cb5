// The fund ledger against a real database (both backends): posting and reversing entries, every
// kind of bad input refused with nothing written, the invariants, scope and roles, concurrency,
// the append-only table, balances by every dimension and a village's figures.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { getOwnerDb, getTestDb } from '../../test/db.ts';
import { createHousehold } from '../../test/factories.ts';
import { serverRole } from '../../test/template.ts';
import { balances, type PostEntryInput, postEntry, projectEntries, reverseEntry, villageFunds, yearPeriod } from './funds.ts';
import { BAOJIA, createProject, ctxAs, NOW, OTHER_TOWNSHIP_VILLAGE, SANHE, SOURCE_A, SOURCE_B, SOURCE_C, setProjectState } from './test-projects.ts';

let db: Db;
const county = (d: Db = db) => ctxAs(d, 'county_official', '522324');
const township = () => ctxAs(db, 'township_officer', '522324101');
let household: string;
let stranger: string;

async function refused(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal, but it was written');
}

/** Entries and audit entries of the project: what "nothing written" compares. */
async function written(projectId: string) {
  const e = await db
    .selectFrom('ledger_entries')
    .select(sql<number>`count(*)`.as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  const a = await db
    .selectFrom('audit_log')
    .select(sql<number>`count(*)`.as('n'))
    .where('subject_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return { entries: Number(e.n), audit: Number(a.n) };
}

const post = (projectId: string, o: Partial<PostEntryInput> & Pick<PostEntryInput, 'kind'>, ctx = county()) =>
  postEntry(ctx, { projectId, source: SOURCE_A, bookedOn: '2026-06-01', ...(o.amountYuan === undefined ? { amountFen: 100_000 } : {}), ...o });

beforeAll(async () => {
  db = (await getTestDb()).db;
  household = (await createHousehold({ village: BAOJIA, head: '王小明' })).id;
  stranger = (await createHousehold({ village: BAOJIA, head: '赵大' })).id;
});

describe('posting entries', () => {
  it('records 下达 → 拨付 → 报账 → 到户 with its audit entry in the same transaction, and derives the balances', async () => {
    const p = await createProject(db, { beneficiaries: [{ householdId: household, mechanism: '务工' }] });
    const a = await post(p.id, { kind: '下达', amountYuan: '1000.50', documentNo: '黔财农〔2026〕12号' });
    expect(a).toMatchObject({
      kind: '下达',
      amountFen: 100_050,
      deltaFen: 100_050,
      source: SOURCE_A,
      documentNo: '黔财农〔2026〕12号',
      reversalOf: null,
      bookedOn: '2026-06-01',
    });
    await post(p.id, { kind: '拨付', amountFen: 80_000, payee: '沙子镇财政所' });
    await post(p.id, { kind: '报账', amountFen: 30_000, voucherNo: '记-2026-0031' }, township());
    const paid = await post(p.id, { kind: '到户', amountFen: 20_000, householdId: household }, township());
    expect(paid.householdId).toBe(household);
    expect(paid.createdBy).toEqual({ id: null, name: '测试township_officer', role: 'township_officer' });
    expect(paid.createdAt).toBe(NOW.toISOString());

    const audit = await db.selectFrom('audit_log').select(['action', 'entity', 'entity_id', 'area_code', 'diff']).where('entity_id', '=', a.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'ledger.post', entity: 'ledger_entry', area_code: BAOJIA });
    expect((audit[0]?.diff as Record<string, unknown>).amountFen).toEqual([null, 100_050]);

    const [b] = await balances(county(), { by: ['project'], projectId: p.id });
    expect(b).toEqual({
      projectId: p.id,
      projectName: expect.any(String),
      allocatedFen: 100_050,
      disbursedFen: 80_000,
      reimbursedFen: 30_000,
      householdPaidFen: 20_000,
      spentFen: 50_000,
      undisbursedFen: 20_050,
      unspentFen: 30_000,
      progress: 0.4998,
      entries: 4,
    });
    expect((await projectEntries(county(), p.id)).map((e) => e.kind)).toEqual(['下达', '拨付', '报账', '到户']);
  });

  it('refuses malformed input naming every field, and writes nothing', async () => {
    const p = await createProject(db);
    await post(p.id, { kind: '下达', amountFen: 500_000 });
    const before = await written(p.id);
    const cases: [Partial<PostEntryInput> & Pick<PostEntryInput, 'kind'>, string, string][] = [
      [{ kind: '拨付', amountYuan: '12.345' }, 'amountYuan', 'funds.amountDecimals'],
      [{ kind: '拨付', amountYuan: '-5' }, 'amountYuan', 'funds.amountPositive'],
      [{ kind: '拨付', amountYuan: '12,5' }, 'amountYuan', 'field.format'],
      [{ kind: '拨付', amountFen: 0 }, 'amountFen', 'funds.amountPositive'],
      [{ kind: '拨付', amountFen: -100 }, 'amountFen', 'funds.amountPositive'],
      [{ kind: '拨付', amountFen: 10.5 }, 'amountFen', 'funds.amountFen'],
      [{ kind: '拨付', amountFen: 2e12 }, 'amountFen', 'funds.amountTooLarge'],
      [{ kind: '拨付', amountFen: 100, amountYuan: '1' }, 'amountFen', 'funds.amountOne'],
      [{ kind: '拨付', source: '某某资金' }, 'source', 'field.oneOf'],
      [{ kind: '挪用' as never }, 'kind', 'field.oneOf'],
      [{ kind: '报账' }, 'voucherNo', 'funds.voucherRequired'],
      [{ kind: '报账', voucherNo: '   ' }, 'voucherNo', 'funds.voucherRequired'],
      [{ kind: '到户' }, 'householdId', 'funds.householdRequired'],
      [{ kind: '拨付', householdId: household }, 'householdId', 'funds.householdOnlyForPayment'],
      [{ kind: '拨付', bookedOn: '2026-07-01' }, 'bookedOn', 'funds.bookedInFuture'],
      [{ kind: '拨付', bookedOn: '2026-02-30' }, 'bookedOn', 'field.format'],
      [{ kind: '拨付', payee: 'x'.repeat(501) }, 'payee', 'field.tooLong'],
    ];
    for (const [input, path, key] of cases) {
      const e = await refused(post(p.id, input));
      expect({ input, code: e.code, fields: e.fields.map((f) => [f.path, f.key]) }).toEqual({ input, code: 'INVALID', fields: [[path, key]] });
    }
    const many = await refused(postEntry(county(), { projectId: 'nope', kind: '报账', source: 'x', amountYuan: '0.001', bookedOn: 'today' }));
    expect(many.fields.map((f) => f.path).sort()).toEqual(['amountYuan', 'bookedOn', 'projectId', 'source', 'voucherNo']);
    expect(await written(p.id)).toEqual(before);
  });

  it('refuses an entry that breaks an invariant with 409 naming the field, and writes nothing', async () => {
    const p = await createProject(db, { budget: { [SOURCE_A]: 1_000_000 }, beneficiaries: [{ householdId: household, mechanism: '产业奖补' }] });
    const noLine = await refused(post(p.id, { kind: '下达', source: SOURCE_B }));
    expect([noLine.code, noLine.key, noLine.fields[0]?.path]).toEqual(['CONFLICT', 'funds.noBudgetLine', 'source']);
    await post(p.id, { kind: '下达', amountFen: 1_000_000 });
    await post(p.id, { kind: '拨付', amountFen: 600_000 });
    const before = await written(p.id);

    const over = await refused(post(p.id, { kind: '拨付', amountYuan: '4000.01' }));
    expect([over.code, over.key, over.fields[0]?.path]).toEqual(['CONFLICT', 'funds.disbursedOverAllocated', 'amountYuan']);
    expect(over.params).toEqual({ source: SOURCE_A, allocated: '10000.00', disbursed: '10000.01' });
    // Another source has nothing allocated: its own limits, not the project's.
    const otherSource = await refused(post(p.id, { kind: '拨付', source: SOURCE_C, amountFen: 1 }));
    expect(otherSource.key).toBe('funds.disbursedOverAllocated');
    const spent = await refused(post(p.id, { kind: '报账', amountFen: 600_001, voucherNo: 'V1' }));
    expect([spent.key, spent.fields[0]?.path]).toEqual(['funds.spentOverDisbursed', 'amountFen']);
    const notBeneficiary = await refused(post(p.id, { kind: '到户', householdId: stranger }));
    expect([notBeneficiary.key, notBeneficiary.fields[0]?.path]).toEqual(['funds.notBeneficiary', 'householdId']);
    expect(await written(p.id)).toEqual(before);

    // Fully disbursed, then spent up to one fen short of the allocation: the last fen waits for 验收.
    await post(p.id, { kind: '拨付', amountFen: 400_000 });
    await post(p.id, { kind: '报账', amountFen: 900_000, voucherNo: 'V2' });
    await post(p.id, { kind: '到户', amountFen: 99_999, householdId: household });
    const full = await refused(post(p.id, { kind: '报账', amountFen: 1, voucherNo: 'V3' }));
    expect([full.code, full.key, full.fields[0]?.path]).toEqual(['CONFLICT', 'funds.fullBeforeAcceptance', 'amountFen']);
    for (const state of ['实施', '验收'] as const) {
      await setProjectState(db, p.id, state);
      expect((await refused(post(p.id, { kind: '报账', amountFen: 1, voucherNo: 'V3' }))).key).toBe('funds.fullBeforeAcceptance');
    }
    await setProjectState(db, p.id, '资产移交');
    await post(p.id, { kind: '报账', amountFen: 1, voucherNo: 'V3' });
    const [b] = await balances(county(), { by: [], projectId: p.id });
    expect(b).toMatchObject({ allocatedFen: 1_000_000, spentFen: 1_000_000, progress: 1 });
  });

  it('serialises concurrent entries of one project: two that fit alone but not together → one is refused', async () => {
    const p = await createProject(db);
    await post(p.id, { kind: '下达', amountFen: 1_000 });
    const results = await Promise.allSettled([post(p.id, { kind: '拨付', amountFen: 700 }), post(p.id, { kind: '拨付', amountFen: 600 })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as AppError).key).toBe('funds.disbursedOverAllocated');
    const [b] = await balances(county(), { by: [], projectId: p.id });
    expect(b?.disbursedFen).toBeLessThanOrEqual(1_000);
  });
});

describe('corrections', () => {
  it('reverses an entry with a reason; refuses a second reversal, a reversal of a reversal, and one that breaks an invariant', async () => {
    const p = await createProject(db);
    const a = await post(p.id, { kind: '下达', amountFen: 50_000 });
    const d = await post(p.id, { kind: '拨付', amountFen: 30_000 });
    const r = await post(p.id, { kind: '报账', amountFen: 10_000, voucherNo: 'V-9', payee: '施工队' });

    const noReason = await refused(reverseEntry(county(), { entryId: r.id, reason: '  ' }));
    expect([noReason.code, noReason.fields.map((f) => f.path)]).toEqual(['INVALID', ['reason']]);
    // Undoing money that has moved on: the allocation is disbursed, the disbursement partly spent.
    const before = await written(p.id);
    expect((await refused(reverseEntry(county(), { entryId: a.id, reason: '文号错误' }))).key).toBe('funds.disbursedOverAllocated');
    const dr = await refused(reverseEntry(county(), { entryId: d.id, reason: '重复拨付' }));
    expect([dr.key, dr.fields[0]?.path]).toEqual(['funds.spentOverDisbursed', 'entryId']);
    expect(await written(p.id)).toEqual(before);

    const rr = await reverseEntry(county(), { entryId: r.id, reason: '凭证作废', bookedOn: '2026-06-15' });
    expect(rr).toMatchObject({
      kind: '报账',
      amountFen: 10_000,
      deltaFen: -10_000,
      reversalOf: r.id,
      reason: '凭证作废',
      voucherNo: 'V-9',
      payee: '施工队',
      bookedOn: '2026-06-15',
    });
    const audit = await db.selectFrom('audit_log').select(['action', 'diff']).where('entity_id', '=', rr.id).executeTakeFirstOrThrow();
    expect(audit.action).toBe('ledger.reverse');
    expect((audit.diff as { _note: unknown })._note).toEqual({ reason: '凭证作废', reversalOf: r.id });

    expect((await refused(reverseEntry(county(), { entryId: r.id, reason: '再冲' }))).key).toBe('funds.alreadyReversed');
    expect((await refused(reverseEntry(county(), { entryId: rr.id, reason: '冲错了' }))).key).toBe('funds.reversalOfReversal');
    // Now the disbursement can be undone (nothing of it is spent), then the allocation.
    await reverseEntry(county(), { entryId: d.id, reason: '重复拨付' });
    await reverseEntry(county(), { entryId: a.id, reason: '文号错误' });
    const [b] = await balances(county(), { by: [], projectId: p.id });
    expect(b).toMatchObject({ allocatedFen: 0, disbursedFen: 0, spentFen: 0, progress: null, entries: 6 });
    const missing = await refused(reverseEntry(county(), { entryId: '01900000-0000-7000-8000-00000000dead', reason: 'x' }));
    expect([missing.code, missing.key]).toEqual(['NOT_FOUND', 'funds.entryNotFound']);
  });

  it('keeps the ledger append-only: UPDATE, DELETE and TRUNCATE refused, also to the owner; a mismatching reversal refused by the database', async () => {
    const p = await createProject(db);
    const a = await post(p.id, { kind: '下达', amountFen: 10_000 });
    const owner = await getOwnerDb();
    const step = await db
      .insertInto('project_steps')
      .values({
        project_id: p.id,
        county_code: p.countyCode,
        seq: 1,
        action: 'submit',
        from_state: '村申报',
        to_state: '乡镇审核',
        actor_name: '测试',
        actor_role: 'village_cadre',
        at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const d of [db, owner]) {
      await expect(sql`update ledger_entries set amount_fen = 1 where id = ${a.id}`.execute(d)).rejects.toThrow(/append-only|permission denied/);
      await expect(sql`delete from ledger_entries where id = ${a.id}`.execute(d)).rejects.toThrow(/append-only|permission denied/);
      // CASCADE: other tables refer to the ledger (oversight comments and alerts); the trigger still refuses.
      await expect(sql`truncate ledger_entries cascade`.execute(d)).rejects.toThrow(/append-only|permission denied/);
      await expect(sql`delete from project_steps where id = ${step.id}`.execute(d)).rejects.toThrow(/append-only|permission denied/);
      await expect(sql`update project_steps set note = 'x' where id = ${step.id}`.execute(d)).rejects.toThrow(/append-only|permission denied/);
    }
    if (serverRole()) {
      // The server's role has no such privilege at all (db grant: read and append only).
      await expect(sql`update ledger_entries set amount_fen = 1 where id = ${a.id}`.execute(db)).rejects.toThrow(/permission denied for table ledger_entries/);
      await expect(sql`delete from project_steps where id = ${step.id}`.execute(db)).rejects.toThrow(/permission denied for table project_steps/);
    }
    const base = { county_code: p.countyCode, project_id: p.id, source: SOURCE_A, booked_on: '2026-06-01', created_by_name: 'x', created_by_role: 'x' };
    await expect(
      db
        .insertInto('ledger_entries')
        .values({ ...base, kind: '下达', amount_fen: 9_999, reversal_of: a.id, reason: 'x' })
        .execute(),
    ).rejects.toThrow(/must match/);
    await expect(
      db
        .insertInto('ledger_entries')
        .values({ ...base, kind: '下达', amount_fen: 10_000, reversal_of: a.id })
        .execute(),
    ).rejects.toThrow(/ledger_entries_reason_check/);
    await expect(
      db
        .insertInto('ledger_entries')
        .values({ ...base, kind: '报账', amount_fen: 1 })
        .execute(),
    ).rejects.toThrow(/ledger_entries_voucher_check/);
    await expect(
      db
        .insertInto('ledger_entries')
        .values({ ...base, kind: '下达', amount_fen: 0 })
        .execute(),
    ).rejects.toThrow(/ledger_entries_amount_fen_check/);
    await expect(
      db
        .insertInto('ledger_entries')
        .values({ ...base, county_code: '522301', kind: '下达', amount_fen: 1 })
        .execute(),
    ).rejects.toThrow(/foreign key/);
    const r = await reverseEntry(county(), { entryId: a.id, reason: '错' });
    await expect(
      db
        .insertInto('ledger_entries')
        .values({ ...base, kind: '下达', amount_fen: 10_000, reversal_of: r.id, reason: 'x' })
        .execute(),
    ).rejects.toThrow(/cannot be reversed/);
    await expect(
      db
        .insertInto('ledger_entries')
        .values({ ...base, kind: '下达', amount_fen: 10_000, reversal_of: a.id, reason: 'x' })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/);
  });
});

describe('who may post', () => {
  it('refuses the village, the read-only roles and other areas (403) and unknown projects (404), writing nothing', async () => {
    const p = await createProject(db);
    const elsewhere = await createProject(db, { villages: [OTHER_TOWNSHIP_VILLAGE] });
    await post(p.id, { kind: '下达', amountFen: 10_000 });
    await post(elsewhere.id, { kind: '下达', amountFen: 10_000 });
    const before = await written(p.id);
    const cadre = await refused(post(p.id, { kind: '拨付' }, ctxAs(db, 'village_cadre', BAOJIA)));
    expect([cadre.code, cadre.key]).toEqual(['FORBIDDEN', 'funds.roleMayNotPost']);
    const towns = await refused(post(p.id, { kind: '下达' }, township()));
    expect([towns.code, towns.key]).toEqual(['FORBIDDEN', 'funds.roleMayNotPost']);
    for (const role of ['inspector', 'village_supervisor'] as const) {
      expect((await refused(post(p.id, { kind: '拨付' }, ctxAs(db, role, '522324')))).key).toBe('error.readOnlyRole');
    }
    const outside = await refused(post(elsewhere.id, { kind: '报账', voucherNo: 'V' }, township()));
    expect([outside.code, outside.key]).toEqual(['FORBIDDEN', 'error.outOfScope']);
    const otherCounty = await refused(post(p.id, { kind: '拨付' }, ctxAs(db, 'county_official', '522301')));
    expect(otherCounty.key).toBe('error.outOfScope');
    const unknown = await refused(post('01900000-0000-7000-8000-00000000beef', { kind: '拨付' }));
    expect([unknown.code, unknown.key]).toEqual(['NOT_FOUND', 'funds.projectNotFound']);
    expect(await written(p.id)).toEqual(before);
    // The township reimburses its own projects.
    await post(p.id, { kind: '拨付', amountFen: 5_000 });
    await post(p.id, { kind: '报账', amountFen: 1_000, voucherNo: 'V' }, township());
  });
});

describe('balances', () => {
  it('groups by project, village, township, county, source and year; filters by period, year, source and area; stays in scope', async () => {
    const countyCode = '522324';
    // A county of its own for exact totals would need a fresh database; instead the figures of
    // these projects are isolated by their plan year (a year no other test uses).
    const year = 2031;
    const p1 = await createProject(db, { planYear: year, villages: [BAOJIA] });
    const p2 = await createProject(db, { planYear: year, villages: [SANHE, BAOJIA] });
    const p3 = await createProject(db, { planYear: year, villages: [OTHER_TOWNSHIP_VILLAGE] });
    await post(p1.id, { kind: '下达', amountFen: 100_000, bookedOn: '2026-01-10' });
    await post(p1.id, { kind: '拨付', amountFen: 50_000, bookedOn: '2026-02-10' });
    await post(p1.id, { kind: '下达', source: SOURCE_B, amountFen: 20_000, bookedOn: '2026-03-10' });
    await post(p2.id, { kind: '下达', amountFen: 40_000, bookedOn: '2026-01-20' });
    await post(p2.id, { kind: '拨付', amountFen: 40_000, bookedOn: '2026-01-21' });
    await post(p2.id, { kind: '报账', amountFen: 10_000, voucherNo: 'V', bookedOn: '2026-05-01' });
    await post(p3.id, { kind: '下达', amountFen: 7_000, bookedOn: '2026-04-01' });

    const byVillage = await balances(county(), { by: ['village'], year });
    expect(byVillage.map((b) => [b.villageCode, b.allocatedFen, b.disbursedFen, b.spentFen])).toEqual([
      [SANHE, 40_000, 40_000, 10_000], // p2's lead village (SANHE 522324101002 sorts first)
      [BAOJIA, 120_000, 50_000, 0],
      [OTHER_TOWNSHIP_VILLAGE, 7_000, 0, 0],
    ]);
    // Grouped by area, each row names its area.
    expect(byVillage.slice(0, 2).map((b) => b.villageName)).toEqual(['三合社区', '保家村']);
    const byTownship = await balances(county(), { by: ['township'], year });
    expect(byTownship.map((b) => [b.townshipCode, b.allocatedFen, b.progress])).toEqual([
      ['522324101', 160_000, 0.0625],
      ['522324106', 7_000, 0],
    ]);
    expect(byTownship[0]?.townshipName).toBe('沙子镇');
    const byCountySource = await balances(county(), { by: ['county', 'source'], year });
    expect(byCountySource.map((b) => [b.countyCode, b.source, b.allocatedFen]).sort()).toEqual(
      [
        [countyCode, SOURCE_A, 147_000],
        [countyCode, SOURCE_B, 20_000],
      ].sort(),
    );
    const byYear = await balances(county(), { by: ['year'], year });
    expect(byYear).toEqual([
      expect.objectContaining({ year, allocatedFen: 167_000, disbursedFen: 90_000, spentFen: 10_000, unspentFen: 80_000, undisbursedFen: 77_000, entries: 7 }),
    ]);
    const q1 = await balances(county(), { by: ['project'], year, from: '2026-01-01', to: '2026-03-31', source: SOURCE_A });
    expect(q1.map((b) => [b.projectId, b.allocatedFen, b.disbursedFen, b.spentFen]).sort()).toEqual(
      [
        [p1.id, 100_000, 50_000, 0],
        [p2.id, 40_000, 40_000, 0],
      ].sort(),
    );
    const inTownship = await balances(county(), { by: [], year, areaCode: '522324106' });
    expect(inTownship).toEqual([expect.objectContaining({ allocatedFen: 7_000, entries: 1 })]);
    // A village's supervisor sees its own lead-village projects only; another township sees none of these.
    const supervisor = await balances(ctxAs(db, 'village_supervisor', BAOJIA), { by: ['project'], year });
    expect(supervisor.map((b) => b.projectId)).toEqual([p1.id]);
    expect(await balances(ctxAs(db, 'township_officer', '522324106'), { by: ['project'], year })).toEqual([expect.objectContaining({ projectId: p3.id })]);
    expect((await refused(balances(township(), { by: [], areaCode: '522324106' }))).key).toBe('error.outOfScope');
    const bad = await refused(balances(county(), { by: ['parish' as never], from: '2026-13-01', to: '2026-01-01', source: 'x' }));
    expect(bad.fields.map((f) => f.path).sort()).toEqual(['by', 'from', 'source']);
    expect((await refused(balances(county(), { by: [], from: '2026-02-01', to: '2026-01-01' }))).fields[0]?.key).toBe('funds.periodOrder');
  });
});

describe('villageFunds', () => {
  it("gives a village's projects (shared ones marked), totals, figures by source and its households' payments for a period", async () => {
    const h = (await createHousehold({ village: SANHE, head: '陈一' })).id;
    const year = 2032;
    const shared = await createProject(db, {
      planYear: year,
      villages: [BAOJIA, SANHE],
      name: '保家至三合通组路',
      beneficiaries: [{ householdId: h, mechanism: '务工' }],
    });
    const own = await createProject(db, { planYear: year, villages: [SANHE], name: '三合社区饮水工程', type: '饮水工程', state: '公告公示' });
    const draft = await createProject(db, { planYear: year, villages: [SANHE], name: '三合草案', state: '村申报' });
    const draftWithMoney = await createProject(db, { planYear: year, villages: [SANHE], name: '三合未批先拨', state: '乡镇审核' });
    await post(shared.id, { kind: '下达', amountFen: 300_000, bookedOn: '2026-02-01' });
    await post(shared.id, { kind: '拨付', amountFen: 200_000, bookedOn: '2026-03-01' });
    await post(shared.id, { kind: '到户', amountFen: 15_000, householdId: h, bookedOn: '2026-04-01' });
    const wrong = await post(shared.id, { kind: '到户', amountFen: 5_000, householdId: h, bookedOn: '2026-04-02' });
    await reverseEntry(county(), { entryId: wrong.id, reason: '重复发放', bookedOn: '2026-04-03' });
    await post(shared.id, { kind: '报账', amountFen: 1_000, voucherNo: 'V-old', bookedOn: '2025-12-31' });
    await post(draftWithMoney.id, { kind: '下达', amountFen: 9_000, bookedOn: '2026-05-01' });

    const f = await villageFunds(db, SANHE, { from: '2026-01-01', to: '2026-12-31' });
    expect(f.village).toEqual({
      code: SANHE,
      name: expect.stringContaining('三合'),
      townshipName: '沙子镇',
      countyName: '晴隆县',
      fullName: expect.stringMatching(/^晴隆县沙子镇三合/),
    });
    const mine = f.projects.filter((p) => [shared.id, own.id, draft.id, draftWithMoney.id].includes(p.id));
    // (Names sort by the database's collation: compared here in code-point order.)
    expect(mine.map((p) => [p.name, p.shared, p.leadVillage, p.allocatedFen, p.disbursedFen, p.householdPaidFen, p.spentFen]).sort()).toEqual([
      ['三合未批先拨', false, SANHE, 9_000, 0, 0, 0],
      ['三合社区饮水工程', false, SANHE, 0, 0, 0, 0],
      ['保家至三合通组路', true, BAOJIA, 300_000, 200_000, 15_000, 15_000],
    ]);
    expect(mine.find((p) => p.id === own.id)).toMatchObject({ category: '基础设施', type: '饮水工程', state: '公告公示', planYear: year, progress: null });
    // Beneficiaries living in the village, masked, with what the project paid them (net of the reversal).
    expect(mine.find((p) => p.id === shared.id)).toMatchObject({
      beneficiaryCount: 1,
      beneficiaries: [{ name: '陈*', mechanisms: ['务工'], paidFen: 15_000 }],
    });
    expect(mine.find((p) => p.id === own.id)).toMatchObject({ beneficiaryCount: 0, beneficiaries: [] });
    // Totals and sources are sums over the listed projects (other tests' projects in SANHE included).
    const sum = (k: 'allocatedFen' | 'spentFen') => f.projects.reduce((s, p) => s + p[k], 0);
    expect(f.totals.allocatedFen).toBe(sum('allocatedFen'));
    expect(f.totals.spentFen).toBe(sum('spentFen'));
    expect(f.bySource.reduce((s, b) => s + b.allocatedFen, 0)).toBe(f.totals.allocatedFen);
    expect(f.households.paidFen).toBeGreaterThanOrEqual(15_000);
    expect(f.households.households).toBeGreaterThanOrEqual(1);
    // The shared project is on the lead village's page too; a narrower period leaves out what was booked outside it.
    const baojia = await villageFunds(db, BAOJIA, { from: '2026-03-01', to: '2026-03-31' });
    expect(baojia.projects.find((p) => p.id === shared.id)).toMatchObject({
      allocatedFen: 0,
      disbursedFen: 200_000,
      entries: 1,
      beneficiaryCount: 1,
      beneficiaries: [],
    });
    const old = await villageFunds(db, SANHE, yearPeriod(2025));
    expect(old.projects.find((p) => p.id === shared.id)).toMatchObject({ reimbursedFen: 1_000, allocatedFen: 0 });
    expect(old.projects.some((p) => p.id === draftWithMoney.id)).toBe(false);

    expect((await refused(villageFunds(db, '522324101999', yearPeriod(2026)))).code).toBe('NOT_FOUND');
    expect((await refused(villageFunds(db, '522324101', yearPeriod(2026)))).fields[0]?.path).toBe('villageCode');
    expect((await refused(villageFunds(db, SANHE, { from: '2026-12-31', to: '2026-01-01' }))).fields[0]?.key).toBe('funds.periodOrder');
    expect(JSON.stringify(f)).not.toMatch(/陈一|\d{17}[\dX]/);
  });
});
