// The project library against a real database (both backends): drafting with villages, geometry
// (PostGIS: valid and inside the villages), budget lines and beneficiaries, every bad input refused
// with nothing written; revising a draft (PATCH, versions); scope; return and reject with their
// reasons; the 10-day notice with an injected clock and objections; the handover's assets; the
// reads (list, detail with the ledger's figures and masked names, the approval queue, the annual
// plan, a household's projects) and the HTTP routes with the typed client.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { anonymous, bodyOf, loginAs } from '../../test/http.ts';
import { getTestDb } from '../../test/db.ts';
import { createHousehold, newProject, roleCtx } from '../../test/factories.ts';
import { postEntry } from '../funds/funds.ts';
import {
  annualPlan,
  approvalQueue,
  type CreateInput,
  createProject,
  getProject,
  householdProjects,
  listProjects,
  registerAssets,
  step,
  updateProject,
} from './projects.ts';

const BAOJIA = '522324101209'; // 沙子镇保家村
const SANHE = '522324101002'; // 沙子镇三合社区
const OTHER_TOWNSHIP = '522324106204';
const SOURCE = '中央财政衔接推进乡村振兴补助资金';
const DAY = 24 * 60 * 60 * 1000;
let db: Db;
let inside: { type: 'Point'; coordinates: [number, number] };
let elsewhere: { type: 'Point'; coordinates: [number, number] };
let household: string;
let sanheHousehold: string;

const cadre = (now = new Date()) => roleCtx(db, BAOJIA, 'village_cadre', now);
const township = (now = new Date()) => roleCtx(db, BAOJIA, 'township_officer', now);
const county = (now = new Date()) => roleCtx(db, BAOJIA, 'county_official', now);

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal, but it was written');
}

async function pointOf(village: string) {
  const r = await sql<{ p: string }>`select ST_AsGeoJSON(ST_PointOnSurface(geom), 7) as p from areas where code = ${village}`.execute(db);
  return JSON.parse(r.rows[0]?.p as string) as { type: 'Point'; coordinates: [number, number] };
}

let n = 0;
const draft = (o: Partial<CreateInput> = {}): CreateInput => ({
  name: `通组公路硬化${process.pid}-${++n}`,
  type: '农村道路',
  planYear: 2026,
  villages: [BAOJIA],
  budget: [{ source: SOURCE, amountYuan: '1234.56' }],
  ...o,
});

const countByName = async (name: string) =>
  Number(
    (
      await db
        .selectFrom('projects')
        .select(sql<number>`count(*)`.as('n'))
        .where('name', '=', name)
        .executeTakeFirstOrThrow()
    ).n,
  );
const auditCount = async () =>
  Number(
    (
      await db
        .selectFrom('audit_log')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  db = (await getTestDb()).db;
  inside = await pointOf(BAOJIA);
  elsewhere = await pointOf(OTHER_TOWNSHIP);
  household = (await createHousehold({ village: BAOJIA, head: '王小明' })).id;
  sanheHousehold = (await createHousehold({ village: SANHE, head: '陈大山' })).id;
});

describe('drafting a project', () => {
  it('a village cadre drafts one in the village: geometry, budget in fen, targets, beneficiaries, audited', async () => {
    const line = { type: 'LineString' as const, coordinates: [inside.coordinates, [inside.coordinates[0] + 0.001, inside.coordinates[1]] as [number, number]] };
    const input = draft({
      geometry: line,
      implementingUnit: '沙子镇人民政府',
      personInCharge: '杨干部',
      plannedStart: '2026-03-01',
      plannedEnd: '2026-09-30',
      performanceTargets: { output: { quantity: '硬化道路 3.2 公里' }, benefit: { households: 120, satisfactionPct: 95 } },
      budget: [
        { source: SOURCE, amountYuan: '1234.56' },
        { source: '群众自筹', amountFen: 50_000 },
      ],
      beneficiaries: [{ householdId: household, mechanism: '务工' }],
    });
    const { id, version } = await createProject(cadre(), input);
    expect(version).toBe(1);
    const p = await getProject(cadre(), id);
    expect(p).toMatchObject({
      name: input.name,
      type: '农村道路',
      category: '基础设施',
      state: '村申报',
      planYear: 2026,
      countyCode: '522324',
      villageCode: BAOJIA,
      villages: [BAOJIA],
      budgetFen: 173_456,
      implementingUnit: '沙子镇人民政府',
      plannedEnd: '2026-09-30',
      performanceTargets: { output: { quantity: '硬化道路 3.2 公里' }, benefit: { households: 120, satisfactionPct: 95 } },
      allowedActions: ['submit', 'withdraw'],
    });
    expect(p.geometry).toEqual(line);
    expect(p.budget).toEqual([
      { source: SOURCE, amountFen: 123_456, note: null },
      { source: '群众自筹', amountFen: 50_000, note: null },
    ]);
    expect(p.beneficiaries).toEqual([expect.objectContaining({ householdId: household, headName: '王小明', mechanism: '务工' })]);
    expect(p.funds.totals).toMatchObject({ allocatedFen: 0, spentFen: 0, progress: null, entries: 0 });
    const audit = await db.selectFrom('audit_log').select(['action', 'entity', 'area_code', 'diff']).where('subject_id', '=', id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'project.create', entity: 'project', area_code: BAOJIA });
  });

  it('refuses an invalid geometry or one outside its villages, naming the field `geometry`, and writes nothing', async () => {
    const [x, y] = inside.coordinates;
    const bowtie = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [x, y],
          [x + 0.001, y + 0.001],
          [x + 0.001, y],
          [x, y + 0.001],
          [x, y],
        ] as [number, number][],
      ],
    };
    const open = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [x, y],
          [x + 0.001, y],
          [x, y + 0.001],
          [x + 0.002, y + 0.002],
        ] as [number, number][],
      ],
    };
    const audits = await auditCount();
    for (const [geometry, key] of [
      [bowtie, 'project.geometryInvalid'],
      [elsewhere, 'project.geometryOutside'],
      [open, 'project.ringNotClosed'],
      [{ type: 'Point', coordinates: [200, 25] }, 'field.tooBig'],
      [{ type: 'Circle', coordinates: [x, y] }, 'field.invalid'],
    ] as const) {
      const input = draft({ geometry: geometry as CreateInput['geometry'] });
      const e = await refusal(createProject(cadre(), input));
      expect(e.code, key).toBe('INVALID');
      expect(e.fields[0]?.path.startsWith('geometry'), key).toBe(true);
      expect(
        e.fields.map((f) => f.key),
        JSON.stringify(geometry),
      ).toContain(key);
      expect(await countByName(input.name)).toBe(0);
    }
    expect(await auditCount()).toBe(audits);
    // Just outside the boundary is within the tolerance; the whole project may span two villages.
    const both = await createProject(
      township(),
      draft({ villages: [BAOJIA, SANHE], geometry: { type: 'MultiPoint', coordinates: [inside.coordinates, (await pointOf(SANHE)).coordinates] } }),
    );
    expect((await getProject(county(), both.id)).villageList.map((v) => [v.code, v.lead])).toEqual([
      [BAOJIA, true],
      [SANHE, false],
    ]);
  });

  it('refuses bad amounts, unknown sources and repeated sources naming the field, and writes nothing', async () => {
    const cases: [CreateInput['budget'], string, string][] = [
      [[{ source: SOURCE, amountYuan: '12.345' }], 'budget.0.amountYuan', 'funds.amountDecimals'],
      [[{ source: SOURCE, amountYuan: '0' }], 'budget.0.amountYuan', 'funds.amountPositive'],
      [[{ source: SOURCE, amountYuan: '-5' }], 'budget.0.amountYuan', 'funds.amountPositive'],
      [[{ source: SOURCE, amountFen: 0 }], 'budget.0.amountFen', 'funds.amountPositive'],
      [[{ source: SOURCE, amountFen: -100 }], 'budget.0.amountFen', 'funds.amountPositive'],
      [[{ source: SOURCE, amountFen: 10.5 }], 'budget.0.amountFen', 'funds.amountFen'],
      [[{ source: SOURCE }], 'budget.0.amountFen', 'funds.amountOne'],
      [[{ source: '某某资金' as typeof SOURCE, amountFen: 100 }], 'budget.0.source', 'field.oneOf'],
      [
        [
          { source: SOURCE, amountFen: 100 },
          { source: SOURCE, amountFen: 200 },
        ],
        'budget',
        'project.sourceRepeated',
      ],
    ];
    for (const [budget, path, key] of cases) {
      const input = draft({ budget });
      const e = await refusal(createProject(cadre(), input));
      expect(e.code).toBe('INVALID');
      expect(e.fields, JSON.stringify(budget)).toContainEqual(expect.objectContaining({ path, key }));
      expect(await countByName(input.name)).toBe(0);
    }
  });

  it('keeps to the scope: own village for a cadre, own township for an officer, one county; beneficiaries of the villages only', async () => {
    expect((await refusal(createProject(cadre(), draft({ villages: [SANHE] })))).key).toBe('error.outOfScope');
    expect((await refusal(createProject(cadre(), draft({ villages: [BAOJIA, SANHE] })))).key).toBe('error.outOfScope');
    expect((await refusal(createProject(township(), draft({ villages: [OTHER_TOWNSHIP] })))).key).toBe('error.outOfScope');
    expect((await refusal(createProject(county(), draft({ villages: [BAOJIA, '522301001001'] })))).fields[0]).toMatchObject({ path: 'villages.1' });
    expect((await refusal(createProject(county(), draft({ villages: ['522324101'] })))).fields[0]).toMatchObject({ path: 'villages.0', key: 'field.format' });
    expect((await refusal(createProject(roleCtx(db, BAOJIA, 'village_supervisor'), draft()))).key).toBe('project.cannotCreate');
    expect((await refusal(createProject(roleCtx(db, BAOJIA, 'admin'), draft()))).key).toBe('project.cannotCreate');
    const notOfVillage = await refusal(createProject(cadre(), draft({ beneficiaries: [{ householdId: sanheHousehold, mechanism: '分红' }] })));
    expect(notOfVillage.fields).toEqual([{ path: 'beneficiaries.0.householdId', key: 'project.notRegistryHousehold' }]);
    // The county office may draft for any village of the county.
    const p = await createProject(county(), draft({ villages: [OTHER_TOWNSHIP] }));
    expect((await getProject(county(), p.id)).villageCode).toBe(OTHER_TOWNSHIP);
    expect((await refusal(getProject(cadre(), p.id))).key).toBe('error.outOfScope');
  });
});

describe('revising a draft', () => {
  it('PATCH changes only the fields given, lists replace lists, a stale version is 409, only while 村申报', async () => {
    const { id } = await createProject(cadre(), draft({ implementingUnit: '沙子镇人民政府', beneficiaries: [{ householdId: household, mechanism: '务工' }] }));
    const r = await updateProject(cadre(), id, { version: 1, name: '改名后的项目', budget: [{ source: '省级财政资金', amountYuan: '10' }] });
    expect(r.version).toBe(2);
    const p = await getProject(cadre(), id);
    expect(p).toMatchObject({ name: '改名后的项目', implementingUnit: '沙子镇人民政府', budgetFen: 1000, version: 2 });
    expect(p.beneficiaries).toHaveLength(1);
    expect(p.budget).toEqual([{ source: '省级财政资金', amountFen: 1000, note: null }]);
    const stale = await refusal(updateProject(cadre(), id, { version: 1, name: '又改' }));
    expect(stale).toMatchObject({ code: 'CONFLICT', key: 'project.versionConflict', details: { currentVersion: 2 } });
    expect((await refusal(updateProject(cadre(), id, { version: 2, geometry: elsewhere }))).fields[0]).toMatchObject({
      path: 'geometry',
      key: 'project.geometryOutside',
    });
    expect((await refusal(updateProject(cadre(), id, { version: 2, plannedStart: '2026-05-01', plannedEnd: '2026-04-01' }))).fields[0]?.path).toBe(
      'plannedEnd',
    );
    expect((await refusal(updateProject(roleCtx(db, SANHE, 'village_cadre'), id, { version: 2, name: 'x' }))).key).toBe('error.outOfScope');
    expect((await getProject(cadre(), id)).version).toBe(2);
    const audit = await db.selectFrom('audit_log').select(['action', 'diff']).where('subject_id', '=', id).where('action', '=', 'project.update').execute();
    expect(audit).toHaveLength(1);
    expect((audit[0]?.diff as Record<string, unknown>).name).toEqual([expect.stringContaining('通组公路'), '改名后的项目']);

    await step(cadre(), id, { action: 'submit', version: 2 });
    expect(await refusal(updateProject(cadre(), id, { version: 3, name: 'x' }))).toMatchObject({ code: 'CONFLICT', key: 'project.notDraft' });
  });
});

describe('the chain’s rules', () => {
  it('return and reject need a reason; a returned project is revised and submitted again', async () => {
    const p = await newProject({ atState: '乡镇审核' });
    for (const action of ['return', 'reject'] as const) {
      const e = await refusal(step(township(), p.id, { action }));
      expect(e.fields).toEqual([{ path: 'note', key: 'field.required' }]);
      expect((await refusal(step(township(), p.id, { action, note: '   ' }))).fields[0]?.path).toBe('note');
    }
    const returned = await step(township(), p.id, { action: 'return', note: '预算依据不足，请补充实施方案' });
    expect(returned.state).toBe('村申报');
    await updateProject(cadre(), p.id, { version: returned.version, budget: [{ source: SOURCE, amountYuan: '90000' }] });
    expect((await step(cadre(), p.id, { action: 'submit' })).state).toBe('乡镇审核');
    expect((await step(township(), p.id, { action: 'approve' })).state).toBe('县级审定');
    const rejected = await step(county(), p.id, { action: 'reject', note: '与已入库项目重复' });
    expect(rejected.state).toBe('已驳回');
    const detail = await getProject(county(), p.id);
    expect(detail.closedAt).not.toBeNull();
    expect(detail.allowedActions).toEqual([]);
    expect(detail.steps.map((s) => [s.action, s.fromState, s.toState])).toEqual([
      ['submit', '村申报', '乡镇审核'],
      ['return', '乡镇审核', '村申报'],
      ['submit', '村申报', '乡镇审核'],
      ['approve', '乡镇审核', '县级审定'],
      ['reject', '县级审定', '已驳回'],
    ]);
    const illegal = await refusal(step(county(), p.id, { action: 'approve' }));
    expect(illegal).toMatchObject({ code: 'CONFLICT', key: 'project.illegalStep', details: { state: '已驳回', allowed: [] } });
  });

  it('the notice runs 10 full days by the injected clock, and every objection must be answered first', async () => {
    const t0 = new Date('2026-04-01T02:00:00Z');
    const p = await newProject({ atState: '县级审定', at: t0 });
    await step(county(t0), p.id, { action: 'approve' });
    const row = await db.selectFrom('projects').select(['approved_at', 'notice_started_at']).where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(new Date(row.approved_at as Date).toISOString()).toBe(t0.toISOString());
    expect(new Date(row.notice_started_at as Date).toISOString()).toBe(t0.toISOString());

    const early = await refusal(step(county(new Date(t0.getTime() + 10 * DAY - 1)), p.id, { action: 'approve' }));
    expect(early).toMatchObject({ code: 'CONFLICT', key: 'project.noticeRunning', params: { days: 10, endsAt: '2026-04-11 10:00 (UTC+8)' } });
    const objection = await step(county(new Date(t0.getTime() + DAY)), p.id, { action: 'object', note: '村民反映线路经过林地' });
    const after = new Date(t0.getTime() + 10 * DAY);
    expect((await getProject(county(after), p.id)).allowedActions).toEqual(['object', 'answer']);
    expect(await refusal(step(county(after), p.id, { action: 'approve' }))).toMatchObject({ key: 'project.objectionsOpen', params: { count: 1 } });
    expect((await refusal(step(county(after), p.id, { action: 'answer', note: '已答复' }))).fields[0]?.path).toBe('objectionId');
    expect((await refusal(step(county(after), p.id, { action: 'answer', note: '已答复', objectionId: crypto.randomUUID() }))).fields[0]?.key).toBe(
      'project.objectionNotFound',
    );
    await step(county(after), p.id, { action: 'answer', note: '经林业站核实不占林地', objectionId: objection.stepId });
    expect(await refusal(step(county(after), p.id, { action: 'answer', note: '再答', objectionId: objection.stepId }))).toMatchObject({
      key: 'project.objectionAnswered',
    });
    expect((await getProject(county(after), p.id)).allowedActions).toEqual(['approve', 'object']);
    expect((await step(county(after), p.id, { action: 'approve' })).state).toBe('实施');
  });

  it('implementation records the contractor and progress; acceptance sets accepted_at; the handover needs an asset', async () => {
    const p = await newProject({ atState: '实施' });
    expect((await refusal(step(township(), p.id, { action: 'progress' }))).fields[0]?.path).toBe('note');
    await step(township(), p.id, { action: 'progress', note: '路基完成 60%', contractor: '晴隆县路桥公司' });
    await step(township(), p.id, { action: 'approve', note: '完工' });
    const accepted = await step(county(), p.id, { action: 'approve', note: '验收合格' });
    expect(accepted.state).toBe('资产移交');
    const d = await getProject(county(), p.id);
    expect(d.contractor).toBe('晴隆县路桥公司');
    expect(d.acceptedAt).not.toBeNull();
    expect(await refusal(step(county(), p.id, { action: 'approve' }))).toMatchObject({ code: 'CONFLICT', key: 'project.noAssets' });
    expect((await refusal(step(county(), p.id, { action: 'approve', contractor: 'x' }))).fields[0]?.path).toBe('contractor');
    const toHousehold = await refusal(
      registerAssets(county(), p.id, { assets: [{ name: '能繁母牛', kind: '到户类', valueFen: 800_000, owner: '王小明', householdId: sanheHousehold }] }),
    );
    expect(toHousehold.fields[0]).toMatchObject({ path: 'assets.0.householdId', key: 'project.notRegistryHousehold' });
    expect(
      (await refusal(registerAssets(county(), p.id, { assets: [{ name: '能繁母牛', kind: '到户类', valueFen: 800_000, owner: '王小明' }] }))).fields[0]?.key,
    ).toBe('project.assetHouseholdRequired');
    expect((await refusal(registerAssets(township(), p.id, { assets: [{ name: '路', kind: '公益性', valueFen: 1, owner: '村委会' }] }))).code).toBe(
      'FORBIDDEN',
    );
    await registerAssets(county(), p.id, {
      assets: [{ name: '能繁母牛', kind: '到户类', valueYuan: '8000', owner: '王小明', manager: '王小明', householdId: household }],
    });
    expect((await step(county(), p.id, { action: 'approve', note: '确权完成' })).state).toBe('绩效评价');
    const done = await step(county(), p.id, { action: 'approve', note: '绩效目标全部完成' });
    expect(done.state).toBe('已完成');
    const final = await getProject(county(), p.id);
    expect(final.assets).toEqual([expect.objectContaining({ kind: '到户类', valueFen: 800_000, householdId: household })]);
    expect(final.closedAt).not.toBeNull();
  });

  it('a village withdraws before approval only; a stale version is refused', async () => {
    const p = await newProject({ atState: '县级审定' });
    expect(await refusal(step(cadre(), p.id, { action: 'withdraw', note: '村民会议决定不再实施', version: p.version - 1 }))).toMatchObject({
      key: 'project.versionConflict',
      details: { currentVersion: p.version },
    });
    expect((await step(cadre(), p.id, { action: 'withdraw', note: '村民会议决定不再实施', version: p.version })).state).toBe('已撤回');
    const approved = await newProject({ atState: '公告公示' });
    expect(await refusal(step(cadre(), approved.id, { action: 'withdraw', note: '不做了' }))).toMatchObject({
      key: 'project.illegalStep',
      details: { allowed: ['approve', 'object', 'answer'] },
    });
    expect((await refusal(step(roleCtx(db, SANHE, 'village_cadre'), approved.id, { action: 'object', note: 'x' }))).key).toBe('error.outOfScope');
    expect((await refusal(step(roleCtx(db, '522301001001', 'county_official'), approved.id, { action: 'object', note: 'x' }))).key).toBe('error.outOfScope');
  });
});

describe('reads', () => {
  it('lists, queues and plans in scope; the household card lists its projects and 到户 payments', async () => {
    // A plan year no other test file drafts projects in (features, funds and the xlsx export use 2031).
    const year = 2093;
    const t0 = new Date(Date.now() - 3 * DAY);
    const waiting = await newProject({ atState: '县级审定', planYear: year, at: t0 });
    const fresh = await newProject({ atState: '县级审定', planYear: year });
    const approved = await newProject({
      atState: '实施',
      planYear: year,
      budget: [
        { source: SOURCE, amountFen: 300_000 },
        { source: '群众自筹', amountFen: 20_000 },
      ],
      beneficiaries: [{ householdId: household, mechanism: '务工' }],
    });
    await newProject({ atState: '已驳回', planYear: year });

    const list = await listProjects(county(), { year, limit: 50, offset: 0 });
    expect(list.total).toBe(4);
    expect((await listProjects(county(), { year, state: '县级审定', limit: 50, offset: 0 })).items.map((p) => p.id).sort()).toEqual(
      [waiting.id, fresh.id].sort(),
    );
    expect((await listProjects(roleCtx(db, SANHE, 'village_cadre'), { year, limit: 50, offset: 0 })).total).toBe(0);
    expect((await listProjects(county(), { year, village: BAOJIA, limit: 1, offset: 0 })).items).toHaveLength(1);

    const queue = await approvalQueue(county());
    const mine = queue.items.filter((i) => i.id === waiting.id || i.id === fresh.id);
    expect(mine.map((i) => i.id)).toEqual([waiting.id, fresh.id]);
    expect(mine[0]).toMatchObject({ state: '县级审定', action: 'approve', daysWaiting: 3 });
    expect(mine[1]?.daysWaiting).toBe(0);
    expect(queue.items.some((i) => i.id === approved.id)).toBe(false);
    // Paged: the total and the counts by state cover every waiting project, one page holds `limit`.
    expect(queue.total).toBe(queue.byState.reduce((n, s) => n + s.count, 0));
    expect(queue.byState.find((s) => s.state === '县级审定')).toMatchObject({ action: 'approve' });
    expect(queue.total).toBeGreaterThanOrEqual(2);
    const first = await approvalQueue(county(), { limit: 1 });
    const second = await approvalQueue(county(), { limit: 1, offset: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.total).toBe(queue.total);
    expect([first.items[0]?.id, second.items[0]?.id]).toEqual(queue.items.slice(0, 2).map((i) => i.id));
    // Past the end: no rows, the same total and counts.
    const past = await approvalQueue(county(), { limit: 50, offset: queue.total });
    expect(past.items).toEqual([]);
    expect([past.total, past.byState]).toEqual([queue.total, queue.byState]);
    await expect(approvalQueue(county(), { limit: 0 })).rejects.toMatchObject({ code: 'INVALID' });
    expect((await approvalQueue(township())).items.some((i) => i.id === approved.id)).toBe(true);
    expect((await approvalQueue(roleCtx(db, BAOJIA, 'inspector'))).items).toEqual([]);

    const plan = await annualPlan(county(), year);
    expect(plan.projects.map((p) => p.id)).toEqual([approved.id]);
    expect(plan.bySource).toEqual([
      { source: SOURCE, amountFen: 300_000, projects: 1 },
      { source: '群众自筹', amountFen: 20_000, projects: 1 },
    ]);
    expect(plan.totalFen).toBe(320_000);

    await postEntry(county(), { projectId: approved.id, kind: '下达', source: SOURCE, amountFen: 300_000, bookedOn: '2026-01-05' });
    await postEntry(county(), { projectId: approved.id, kind: '拨付', source: SOURCE, amountFen: 100_000, bookedOn: '2026-01-06' });
    await postEntry(township(), { projectId: approved.id, kind: '到户', source: SOURCE, amountFen: 30_000, bookedOn: '2026-01-07', householdId: household });
    const detail = await getProject(roleCtx(db, BAOJIA, 'inspector'), approved.id);
    expect(detail.funds.totals).toMatchObject({ allocatedFen: 300_000, disbursedFen: 100_000, householdPaidFen: 30_000, spentFen: 30_000, entries: 3 });
    expect(detail.funds.bySource).toEqual([expect.objectContaining({ source: SOURCE, allocatedFen: 300_000 })]);
    expect(detail.allowedActions).toEqual([]);

    const card = await householdProjects(cadre(), household);
    expect(card.projects.find((p) => p.id === approved.id)).toMatchObject({ mechanisms: ['务工'], paidFen: 30_000, state: '实施' });
    expect(card.payments.filter((e) => e.projectId === approved.id)).toEqual([
      expect.objectContaining({ amountFen: 30_000, deltaFen: 30_000, bookedOn: '2026-01-07' }),
    ]);
    expect((await refusal(householdProjects(roleCtx(db, SANHE, 'village_cadre'), household))).key).toBe('error.outOfScope');
  });

  it('masks beneficiaries’ names outside the reader’s area', async () => {
    const p = await newProject({
      by: 'township_officer',
      villages: [BAOJIA, SANHE],
      beneficiaries: [
        { householdId: household, mechanism: '分红' },
        { householdId: sanheHousehold, mechanism: '分红' },
      ],
    });
    const names = async (ctx: ReturnType<typeof cadre>) => (await getProject(ctx, p.id)).beneficiaries.map((b) => b.headName).sort();
    expect(await names(county())).toEqual(['王小明', '陈大山'].sort());
    expect(await names(cadre())).toEqual(['王小明', '陈*山'].sort());
  });
});

describe('over HTTP', () => {
  it('drafts, steps, refuses an illegal step with the allowed list, reads the queue, plan and card', async () => {
    const cadreAgent = await loginAs('baojia_cadre');
    const townshipAgent = await loginAs('shazi_township');
    const created = await bodyOf(await cadreAgent.api.projects.$post({ json: draft({ geometry: inside }) }), 201);
    expect(created).toMatchObject({ state: '村申报', villageCode: BAOJIA, budgetFen: 123_456, allowedActions: ['submit', 'withdraw'] });
    const illegal = await bodyOf(await cadreAgent.api.projects[':id'].steps.$post({ param: { id: created.id }, json: { action: 'approve' } }), 409);
    expect(illegal.error.details).toEqual({ state: '村申报', allowed: ['submit', 'withdraw'] });
    expect(illegal.error.message).toBe('项目处于“村申报”，不能“通过”（可以：申报、撤回）');
    const early = await bodyOf(await townshipAgent.api.projects[':id'].steps.$post({ param: { id: created.id }, json: { action: 'submit' } }), 403);
    expect(early.error.message).toBe('“村申报”阶段的“申报”须由村干部/驻村队员办理');
    const submitted = await bodyOf(
      await cadreAgent.api.projects[':id'].steps.$post({ param: { id: created.id }, json: { action: 'submit', version: 1 } }),
      200,
    );
    expect(submitted).toMatchObject({ state: '乡镇审核', version: 2 });
    const patched = await cadreAgent.api.projects[':id'].$patch({ param: { id: created.id }, json: { version: 2, name: 'x' } });
    expect(patched.status).toBe(409);
    const steps = await bodyOf(await townshipAgent.api.projects[':id'].steps.$get({ param: { id: created.id } }), 200);
    expect(steps.items.map((s) => s.action)).toEqual(['submit']);
    const queue = await bodyOf(await townshipAgent.api.projects.queue.$get({ query: {} }), 200);
    expect(queue.items.some((i) => i.id === created.id)).toBe(true);
    expect((await bodyOf(await townshipAgent.api.projects.plan.$get({ query: { year: '2026' } }), 200)).year).toBe(2026);
    const badAmount = await bodyOf(await cadreAgent.api.projects.$post({ json: draft({ budget: [{ source: SOURCE, amountYuan: '1.234' }] }) }), 400);
    expect(badAmount.error.fields?.[0]).toMatchObject({ path: 'budget.0.amountYuan', message: '金额最多保留两位小数（精确到分）' });
    const supervisor = await loginAs('baojia_supervisor');
    expect((await supervisor.api.projects.$post({ json: draft() })).status).toBe(403);
    expect((await bodyOf(await supervisor.api.projects[':id'].$get({ param: { id: created.id } }), 200)).id).toBe(created.id);
    const card = await bodyOf(await cadreAgent.api.households[':id'].projects.$get({ param: { id: household } }), 200);
    expect(card.householdId).toBe(household);
    const en = await loginAs('baojia_cadre', { lang: 'en' });
    const refusedEn = await bodyOf(await en.api.projects[':id'].steps.$post({ param: { id: created.id }, json: { action: 'submit' } }), 409);
    expect(refusedEn.error.message).toBe(
      'The project is at township review (乡镇审核); “submit” is not possible there (possible: approve, return, reject, withdraw)',
    );
  });

  it('a refused step outside the caller’s area is audited; two simultaneous approvals: one advances, the other is refused', async () => {
    const p = await newProject({ atState: '乡镇审核' });
    const sanhe = await loginAs('sanhe_cadre');
    const refused = await sanhe.api.projects[':id'].steps.$post({ param: { id: p.id }, json: { action: 'withdraw', note: '不做了' } });
    expect(refused.status).toBe(403);
    const denied = await db
      .selectFrom('audit_log')
      .select(['action', 'entity', 'entity_id'])
      .where('entity_id', '=', p.id)
      .where('action', '=', 'access.denied')
      .execute();
    expect(denied).toEqual([{ action: 'access.denied', entity: 'project', entity_id: p.id }]);

    const results = await Promise.allSettled([
      step(township(), p.id, { action: 'approve', version: p.version }),
      step(township(), p.id, { action: 'approve', version: p.version }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ code: 'CONFLICT', key: 'project.versionConflict' });
    const steps = await db.selectFrom('project_steps').select('action').where('project_id', '=', p.id).where('from_state', '=', '乡镇审核').execute();
    expect(steps).toHaveLength(1);
  });

  it('is documented in /api/openapi.json', async () => {
    const doc = (await (await (await anonymous()).get('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    const paths = Object.keys(doc.paths).map((p) => p.replace(/^\/api/, '').replace(/(.)\/$/, '$1'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/projects',
        '/projects/{id}',
        '/projects/{id}/steps',
        '/projects/{id}/assets',
        '/projects/queue',
        '/projects/plan',
        '/households/{id}/projects',
      ]),
    );
  });
});
