// Status procedures against the real database (both backends): every type's path to completion
// through 村级评议 → 村内公示 (7 days) → 乡镇审核 → 县级审定, refused transitions, guards, roles,
// the notice period (time controlled by passing `now`, or by moving the notice start in the DB),
// objections, withdraw/reject, the one-open-procedure rule, and the audit trail.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { Scope } from '../auth/scope.ts';
import { actorOf, testCtx } from '../../test/context.ts';
import { getTestDb } from '../../test/db.ts';
import { newHousehold } from '../../test/factories.ts';
import { type Agent, anonymous, loginAs } from '../../test/http.ts';
import { startProcedure, takeStep } from './procedures.ts';
import { addMonths, HOUSEHOLD_STATES, type HouseholdState, PROCEDURE_TYPES, type ProcedureType, TRANSITIONS } from './state-machine.ts';
import { demoName } from '../../test/factories.ts';

const BAOJIA = '522324101209'; // baojia_cadre's village, in shazi_township's 沙子镇
const YEAR = 2025; // seeded lines for 522324: poverty 4,500 元, monitoring 7,900 元
const DAY = 24 * 60 * 60 * 1000;

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown>; fields?: { path: string; code: string }[] } };
type Proc = {
  id: string;
  status: string;
  stage: string | null;
  type: string;
  version: number;
  householdState: string;
  publicityEndsAt: string | null;
  openObjections: number;
  allowedActions: string[];
  steps: { id: string; action: string; stage: string; note: string | null; actorName: string }[];
};

let cadre: Agent;
let township: Agent;
let county: Agent;
let inspector: Agent;
let supervisor: Agent;
let sanhe: Agent;

beforeAll(async () => {
  cadre = await loginAs('baojia_cadre');
  township = await loginAs('shazi_township');
  county = await loginAs('qinglong_county');
  inspector = await loginAs('qinglong_inspector');
  supervisor = await loginAs('baojia_supervisor');
  sanhe = await loginAs('sanhe_cadre');
});

// ── Fixtures ────────────────────────────────────────────────────────────────────────────────────
/** A household of 保家村 in `state`, made through the domain (test/factories.ts newHousehold). */
async function household(state: HouseholdState = '脱贫户', members = 2) {
  return (await newHousehold({ village: BAOJIA, state, members })).id;
}

/** One yearly record: all guarantees met and the given per-capita income (yuan) unless overridden. */
async function yearRecord(householdId: string, perCapitaYuan: number, overrides: Record<string, boolean | null> = {}, year = YEAR) {
  const { db } = await getTestDb();
  await db
    .insertInto('household_years')
    .values({
      household_id: householdId,
      county_code: '522324',
      year,
      household_size: 2,
      wage_income: perCapitaYuan * 100 * 2,
      food_secure: true,
      clothing_secure: true,
      education_secure: true,
      medical_secure: true,
      housing_secure: true,
      water_secure: true,
      ...overrides,
    })
    .execute();
}

const PAYLOADS: Record<ProcedureType, Record<string, unknown>> = {
  识别纳入: { identifiedYear: YEAR, identificationStandard: '国家标准', mainCause: '因病' },
  监测对象认定: { monitoringCategory: '脱贫不稳定户', riskTypes: ['因病', '因务工就业不稳'] },
  标注脱贫: {},
  风险消除: {},
  返贫: { mainCause: '因灾' },
  再次纳入: { monitoringCategory: '突发严重困难户', riskTypes: ['因意外事故'] },
  自然减少: { reasonCode: '全户死亡', members: [] },
  清退: { reasonCode: '家庭收入超标' },
};

function startBody(householdId: string, type: ProcedureType, payload: Record<string, unknown> = PAYLOADS[type]) {
  return {
    householdId,
    type,
    origin: '干部走访',
    reason: `${type}：入户核实`,
    evidence: { text: '走访核实，见照片和村委会记录', references: [{ kind: 'document', title: '村委会记录' }] },
    payload,
  };
}

async function start(agent: Agent, householdId: string, type: ProcedureType, payload?: Record<string, unknown>) {
  const res = await agent.post('/api/procedures', startBody(householdId, type, payload));
  const body = (await res.json()) as Proc & ErrorBody;
  return { status: res.status, body };
}

async function step(agent: Agent, id: string, action: string, note?: string, extra: Record<string, unknown> = {}) {
  const res = await agent.post(`/api/procedures/${id}/steps`, { action, ...(note ? { note } : {}), ...extra });
  return { status: res.status, body: (await res.json()) as Proc & ErrorBody };
}

/** Moves the notice start back so that the 7 days are over (instead of sleeping). */
async function endPublicity(id: string, ageMs = 7 * DAY + 1000) {
  const { db } = await getTestDb();
  await db
    .updateTable('procedures')
    .set({ publicity_started_at: new Date(Date.now() - ageMs) })
    .where('id', '=', id)
    .execute();
}

/** Village appraisal → notice (ended) → township → county. Returns the final response. */
async function runChain(id: string) {
  const appraisal = await step(cadre, id, 'approve', '村民代表会议评议：同意 23 票，反对 0 票');
  expect(appraisal.status, JSON.stringify(appraisal.body)).toBe(200);
  expect(appraisal.body.stage).toBe('村内公示');
  await endPublicity(id);
  const notice = await step(cadre, id, 'approve', '公示期满无异议');
  expect(notice.status, JSON.stringify(notice.body)).toBe(200);
  expect(notice.body.stage).toBe('乡镇审核');
  const review = await step(township, id, 'approve', '乡镇审核通过');
  expect(review.status, JSON.stringify(review.body)).toBe(200);
  expect(review.body.stage).toBe('县级审定');
  return step(county, id, 'approve', '县级审定');
}

async function householdRow(id: string) {
  const { db } = await getTestDb();
  return db.selectFrom('households').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

// ── Tests ───────────────────────────────────────────────────────────────────────────────────────
describe('procedures: allowed paths to completion', () => {
  const from: Record<ProcedureType, HouseholdState> = {
    识别纳入: '待识别',
    监测对象认定: '脱贫户',
    标注脱贫: '未脱贫户',
    风险消除: '监测户',
    返贫: '脱贫户',
    再次纳入: '已消除风险',
    自然减少: '监测户',
    清退: '未脱贫户',
  };

  it.each(PROCEDURE_TYPES.map((t) => [t]))('%s goes through the whole chain and changes the household', async (type) => {
    const id = await household(from[type], 1);
    if (type === '标注脱贫') await yearRecord(id, 5000);
    if (type === '风险消除') await yearRecord(id, 8000);
    const { db } = await getTestDb();
    let payload = PAYLOADS[type];
    if (type === '自然减少') {
      const m = await db.selectFrom('members').select('id').where('household_id', '=', id).executeTakeFirstOrThrow();
      payload = { reasonCode: '全户死亡', members: [{ memberId: m.id, personStatus: '死亡', statusDate: '2025-03-01' }] };
    }
    const before = await householdRow(id);

    const started = await start(cadre, id, type, payload);
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ status: 'open', stage: '村级评议', type });
    expect(started.body.allowedActions).toEqual(['approve', 'reject', 'withdraw']);

    const done = await runChain(started.body.id);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', stage: null, householdState: TRANSITIONS[type].to });
    expect(done.body.steps.map((s) => `${s.stage}:${s.action}`)).toEqual([
      '发起:start',
      '村级评议:approve',
      '村内公示:approve',
      '乡镇审核:approve',
      '县级审定:approve',
    ]);
    expect(done.body.allowedActions).toEqual([]);

    const after = await householdRow(id);
    expect(after.version).toBe(before.version + 1);
    switch (type) {
      case '识别纳入':
        expect(after).toMatchObject({
          registry_state: '在册',
          status: '未脱贫户',
          identified_year: YEAR,
          identification_standard: '国家标准',
          main_cause: '因病',
        });
        break;
      case '监测对象认定':
        expect(after).toMatchObject({ status: '监测户', monitoring_category: '脱贫不稳定户', risk_types: ['因病', '因务工就业不稳'] });
        break;
      case '标注脱贫':
        expect(after).toMatchObject({ status: '脱贫户', exit_year: YEAR });
        break;
      case '风险消除':
        expect(after).toMatchObject({ status: '已消除风险', risk_eliminated_year: YEAR, monitoring_category: '脱贫不稳定户' });
        break;
      case '返贫':
        expect(after).toMatchObject({ status: '未脱贫户', exit_year: null, main_cause: '因灾' });
        break;
      case '再次纳入':
        expect(after).toMatchObject({ status: '监测户', monitoring_category: '突发严重困难户', risk_types: ['因意外事故'], risk_eliminated_year: null });
        break;
      case '自然减少': {
        expect(after.registry_state).toBe('自然减少');
        expect(after.removed_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const m = await db.selectFrom('members').select(['person_status', 'status_date', 'version']).where('household_id', '=', id).executeTakeFirstOrThrow();
        expect(m).toEqual({ person_status: '死亡', status_date: '2025-03-01', version: 2 });
        break;
      }
      case '清退':
        expect(after.registry_state).toBe('清退');
        break;
    }

    // Audit: every step and the household change, all on the card's history (subject = household).
    const entries = await db
      .selectFrom('audit_log')
      .select(['action', 'entity', 'entity_id', 'actor_name', 'diff'])
      .where('subject_id', '=', id)
      .orderBy('seq')
      .execute();
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['procedure.start', 'procedure.approve', 'household.procedure_applied']));
    expect(actions.filter((a) => a === 'procedure.approve')).toHaveLength(4);
    const applied = entries.find((e) => e.action === 'household.procedure_applied');
    expect(applied?.actor_name).toBe(demoName('qinglong_county'));
    expect((applied?.diff as Record<string, unknown>).version).toEqual([before.version, before.version + 1]);
    if (type === '自然减少') expect(actions).toContain('member.update');
  });
});

describe('procedures: refused transitions', () => {
  it('every procedure not in the table for a state is refused with a message naming the state', async () => {
    for (const state of HOUSEHOLD_STATES) {
      const id = await household(state);
      for (const type of PROCEDURE_TYPES.filter((t) => !TRANSITIONS[t].from.includes(state))) {
        const r = await start(cadre, id, type);
        expect(r.status, `${type} from ${state}`).toBe(409);
        expect(r.body.error.message).toContain(`当前状态为“${state}”`);
        expect(r.body.error.message).toContain(type);
      }
    }
  });

  it('refuses in English too, and a monitoring category that does not fit the state', async () => {
    const id = await household('未脱贫户');
    const en = await loginAs('baojia_cadre', { lang: 'en' });
    const r = await en.post('/api/procedures', startBody(id, '风险消除'));
    expect(r.status).toBe(409);
    expect(((await r.json()) as ErrorBody).error.message).toBe(
      'The household is “not yet out of poverty”; risk elimination (风险消除) can start only from: monitored',
    );

    const tuopin = await household('脱贫户');
    const bad = await start(cadre, tuopin, '监测对象认定', { monitoringCategory: '边缘易致贫户', riskTypes: ['因病'] });
    expect(bad.status).toBe(409);
    expect(bad.body.error.message).toContain('不能认定为“边缘易致贫户”');
    const candidate = await household('待识别');
    const ok = await start(cadre, candidate, '监测对象认定', { monitoringCategory: '边缘易致贫户', riskTypes: ['因病'] });
    expect(ok.status).toBe(201);
  });

  it('validates the payload per type with field paths', async () => {
    const id = await household('脱贫户');
    const r = await start(cadre, id, '监测对象认定', { monitoringCategory: '不存在', riskTypes: [] });
    expect(r.status).toBe(400);
    expect(r.body.error.fields?.map((f) => f.path).sort()).toEqual(['payload.monitoringCategory', 'payload.riskTypes']);
    const missing = await cadre.post('/api/procedures', { householdId: id, type: '清退' });
    expect(missing.status).toBe(400);
    const fields = ((await missing.json()) as ErrorBody).error.fields?.map((f) => f.path);
    expect(fields).toEqual(expect.arrayContaining(['reason', 'evidence', 'origin']));
  });

  it('records where it came from: 农户申请, 干部走访, or 部门预警 with the finding that raised it', async () => {
    const id = await household('脱贫户');
    const body = startBody(id, '返贫');
    const unknown = await cadre.post('/api/procedures', { ...body, origin: '电话' });
    expect(unknown.status).toBe(400);
    const alert = await cadre.post('/api/procedures', { ...body, origin: '部门预警' });
    expect(alert.status).toBe(400);
    expect(((await alert.json()) as ErrorBody).error.fields).toEqual([
      expect.objectContaining({ path: 'findingId', message: '来源为“部门预警”时须指明引发它的比对疑点' }),
    ]);
    const stray = await cadre.post('/api/procedures', { ...body, findingId: crypto.randomUUID() });
    expect(stray.status).toBe(400);
    const notHers = await cadre.post('/api/procedures', { ...body, origin: '部门预警', findingId: crypto.randomUUID() });
    expect(notHers.status).toBe(400);
    expect(((await notHers.json()) as ErrorBody).error.fields?.[0]?.path).toBe('findingId');
    const ok = await cadre.post('/api/procedures', { ...body, origin: '农户申请' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ origin: '农户申请', findingId: null });
  });

  it('only one open procedure per household; a retry with the same id returns the same procedure', async () => {
    const id = await household('脱贫户');
    const procId = crypto.randomUUID();
    const first = await cadre.post('/api/procedures', { ...startBody(id, '返贫'), id: procId });
    expect(first.status).toBe(201);
    const retry = await cadre.post('/api/procedures', { ...startBody(id, '返贫'), id: procId });
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as Proc).id).toBe(procId);
    const second = await start(township, id, '清退');
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain('已有未办结的“返贫”流程');
    expect(second.body.error.details?.openProcedureId).toBe(procId);
  });
});

describe('procedures: guards on 标注脱贫 and 风险消除', () => {
  it('refuses without a yearly record, naming it', async () => {
    const id = await household('未脱贫户');
    const r = await start(cadre, id, '标注脱贫');
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe('不能标注脱贫：该户没有收入年度记录，两不愁三保障和收入无法核验');
  });

  it('names every unmet guarantee and the income below the poverty line (zh-CN and en)', async () => {
    const id = await household('未脱贫户');
    await yearRecord(id, 3000, { housing_secure: false, water_secure: null });
    const r = await start(cadre, id, '标注脱贫');
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe(
      '不能标注脱贫：2025 年度住房安全有保障、饮水安全有保障未达标或未填写；2025 年人均纯收入 3,000.00 元低于贫困线 4,500.00 元',
    );
    expect(r.body.error.details).toMatchObject({ unmet: ['housing_secure', 'water_secure'], incomeFen: 300000, lineFen: 450000, year: 2025 });
    const en = await loginAs('baojia_cadre', { lang: 'en' });
    const e = (await (await en.post('/api/procedures', startBody(id, '标注脱贫'))).json()) as ErrorBody;
    expect(e.error.message).toBe(
      'Cannot complete poverty exit (标注脱贫): in 2025 not met or not recorded: safe housing, safe drinking water; per-capita net income in 2025 is 3,000.00 yuan, below the poverty line of 4,500.00 yuan',
    );
  });

  it('uses the latest year and its county line: 风险消除 needs the monitoring line, not just the poverty line', async () => {
    const id = await household('监测户');
    await yearRecord(id, 9000, {}, 2024);
    await yearRecord(id, 6000); // 2025: above poverty (4,500), below monitoring (7,900)
    const r = await start(cadre, id, '风险消除');
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe('不能风险消除：2025 年人均纯收入 6,000.00 元低于监测线 7,900.00 元');
    const noLine = await household('未脱贫户');
    await yearRecord(noLine, 9000, {}, 2031);
    const n = await start(cadre, noLine, '标注脱贫');
    expect(n.body.error.message).toContain('县 522324 尚未设置 2031 年度的贫困线和监测线');
  });

  it('is checked again at 县级审定: a guarantee lost meanwhile blocks the approval and nothing changes', async () => {
    const id = await household('未脱贫户');
    await yearRecord(id, 5000);
    const { body } = await start(cadre, id, '标注脱贫');
    await step(cadre, body.id, 'approve', '评议通过');
    await endPublicity(body.id);
    await step(cadre, body.id, 'approve');
    await step(township, body.id, 'approve');
    const { db } = await getTestDb();
    await db.updateTable('household_years').set({ medical_secure: false }).where('household_id', '=', id).execute();
    const before = await householdRow(id);
    const r = await step(county, body.id, 'approve');
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe('不能标注脱贫：2025 年度基本医疗有保障未达标或未填写');
    const after = await householdRow(id);
    expect(after).toMatchObject({ status: '未脱贫户', version: before.version });
    const p = (await (await county.get(`/api/procedures/${body.id}`)).json()) as Proc;
    expect(p).toMatchObject({ status: 'open', stage: '县级审定' });
    // The county may reject it instead.
    const rej = await step(county, body.id, 'reject', '医疗保障未落实，退回');
    expect(rej.body.status).toBe('rejected');
  });

  it('风险消除 waits half a year after the household entered monitoring, at start and again at 县级审定', async () => {
    const id = await household('脱贫户');
    const monitoringOf = async () => ((await (await cadre.get(`/api/households/${id}`)).json()) as { monitoring: unknown }).monitoring;
    expect(await monitoringOf()).toBeNull();
    const designation = await start(cadre, id, '监测对象认定');
    expect(designation.status, JSON.stringify(designation.body)).toBe(201);
    expect((await runChain(designation.body.id)).body.status).toBe('completed');
    await yearRecord(id, 8000); // above the monitoring line, every guarantee met
    const { db } = await getTestDb();
    const closedAt = async () =>
      new Date((await db.selectFrom('procedures').select('closed_at').where('id', '=', designation.body.id).executeTakeFirstOrThrow()).closed_at as Date);
    const cst = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const since = await closedAt();

    // The card says since when, and from when 风险消除 may be marked.
    expect(await monitoringOf()).toEqual({ since: since.toISOString(), riskEliminationFrom: addMonths(since, 6).toISOString(), months: 6 });

    const early = await start(cadre, id, '风险消除');
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe(`不能风险消除：该户 ${cst(since)} 纳入监测，未满 6 个月（${cst(addMonths(since, 6))} 起方可标注风险消除）`);
    expect(early.body.error.details).toMatchObject({ monitoredSince: since.toISOString(), earliest: addMonths(since, 6).toISOString() });

    // Monitored since six months and a minute ago: it may start — unless the county asks more this year.
    const setSince = (d: Date) => db.updateTable('procedures').set({ closed_at: d }).where('id', '=', designation.body.id).execute();
    await setSince(new Date(addMonths(new Date(), -6).getTime() - 60_000));
    const thisYear = Number(cst(new Date()).slice(0, 4));
    const setMonths = (m: number) =>
      db
        .insertInto('county_year_settings')
        .values({ county_code: '522324', year: thisYear, poverty_line: 450000, monitoring_line: 790000, risk_elimination_months: m })
        .onConflict((oc) => oc.columns(['county_code', 'year']).doUpdateSet({ risk_elimination_months: m }))
        .execute();
    await setMonths(12);
    try {
      const longer = await start(cadre, id, '风险消除');
      expect(longer.status).toBe(409);
      expect(longer.body.error.message).toContain('未满 12 个月');
      expect(((await monitoringOf()) as { months: number }).months).toBe(12);
    } finally {
      await setMonths(6);
    }
    const ok = await start(cadre, id, '风险消除');
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    // Checked again at 县级审定: the household is refused if (as here, by the data) it has been monitored only a day.
    await setSince(new Date(Date.now() - DAY));
    const before = await householdRow(id);
    const refused = await runChain(ok.body.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('未满 6 个月');
    expect(await householdRow(id)).toMatchObject({ status: '监测户', version: before.version });
  });

  it('counts half a year by the calendar, the last day of a shorter month', () => {
    expect(addMonths(new Date('2025-01-15T02:00:00Z'), 6).toISOString()).toBe('2025-07-15T02:00:00.000Z');
    expect(addMonths(new Date('2025-08-31T02:00:00Z'), 6).toISOString()).toBe('2026-02-28T02:00:00.000Z');
    expect(addMonths(new Date('2023-08-31T02:00:00Z'), 6).toISOString()).toBe('2024-02-29T02:00:00.000Z');
    expect(addMonths(new Date('2025-09-30T02:00:00Z'), -6).toISOString()).toBe('2025-03-30T02:00:00.000Z');
    // By China's calendar: 00:30 on 1 December in China is still 30 November in UTC.
    expect(addMonths(new Date('2025-11-30T16:30:00Z'), 6).toISOString()).toBe('2026-05-31T16:30:00.000Z');
    expect(addMonths(new Date('2025-08-30T16:30:00Z'), 6).toISOString()).toBe('2026-02-27T16:30:00.000Z');
  });

  it('自然减少 needs every member deceased or moved out, consistent with the reason code', async () => {
    const id = await household('脱贫户', 2);
    const { db } = await getTestDb();
    const members = await db.selectFrom('members').select('id').where('household_id', '=', id).orderBy('relation').execute();
    const one = [{ memberId: members[0]?.id, personStatus: '死亡', statusDate: '2025-01-02' }];
    const r = await start(cadre, id, '自然减少', { reasonCode: '全户死亡', members: one });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe('自然减少要求全户成员均已死亡或迁出，仍有 1 名成员在户');
    const both = [...one, { memberId: members[1]?.id, personStatus: '迁出', statusDate: '2025-02-03' }];
    const mismatch = await start(cadre, id, '自然减少', { reasonCode: '全户死亡', members: both });
    expect(mismatch.body.error.message).toContain('减少原因“全户死亡”与成员状态不符');
    const stranger = await start(cadre, id, '自然减少', { reasonCode: '死亡及迁出', members: [{ ...both[0], memberId: crypto.randomUUID() }] });
    expect(stranger.status).toBe(400);
    const ok = await start(cadre, id, '自然减少', { reasonCode: '死亡及迁出', members: both });
    expect(ok.status).toBe(201);
  });
});

describe('procedures: roles and scope', () => {
  it('each stage is signed off only by its role in its area; read-only roles read but cannot act', async () => {
    const id = await household('脱贫户');
    const { body } = await start(cadre, id, '监测对象认定');
    const pid = body.id;

    const early = await step(township, pid, 'approve');
    expect(early.status).toBe(403);
    expect(early.body.error.message).toBe('“村级评议”环节须由本村村干部办理');
    for (const agent of [inspector, supervisor]) {
      expect((await agent.get(`/api/procedures/${pid}`)).status).toBe(200);
      const r = await step(agent, pid, 'approve', 'x');
      expect(r.status).toBe(403);
      expect(r.body.error.message).toBe('您的角色只能查看，不能修改数据');
      expect((await start(agent, await household('脱贫户'), '返贫')).status).toBe(403);
    }
    // Another village's cadre: 403, and the refusal is audited.
    const other = await step(sanhe, pid, 'approve', 'x');
    expect(other.status).toBe(403);
    expect((await sanhe.get(`/api/procedures/${pid}`)).status).toBe(403);
    const { db } = await getTestDb();
    const denied = await db.selectFrom('audit_log').select('actor_name').where('action', '=', 'access.denied').where('entity_id', '=', pid).execute();
    expect(denied.map((d) => d.actor_name)).toContain(demoName('sanhe_cadre'));

    await step(cadre, pid, 'approve', '评议通过');
    await endPublicity(pid);
    expect((await step(township, pid, 'approve')).status).toBe(403); // 村内公示 is the village's
    await step(cadre, pid, 'approve');
    const cadreAtTownship = await step(cadre, pid, 'approve');
    expect(cadreAtTownship.status).toBe(403);
    expect(cadreAtTownship.body.error.message).toBe('“乡镇审核”环节须由本乡镇干部办理');
    await step(township, pid, 'approve');
    const en = await loginAs('shazi_township', { lang: 'en' });
    const r = await en.post(`/api/procedures/${pid}/steps`, { action: 'approve' });
    expect(((await r.json()) as ErrorBody).error.message).toBe('The county approval (县级审定) step must be done by a county official of the county');
    expect((await step(county, pid, 'approve')).body.status).toBe('completed');
  });

  it('the review queue lists what the caller’s role signs off, only in the caller’s area', async () => {
    const id = await household('脱贫户');
    const { body } = await start(county, id, '返贫'); // the county office may start one too
    expect(body.steps[0]?.actorName).toBe(demoName('qinglong_county'));
    type List = { items: { id: string; stage: string }[]; total: number };
    const queue = async (agent: Agent, qs: string) => ((await (await agent.get(`/api/procedures?${qs}`)).json()) as List).items.map((i) => i.id);
    expect(await queue(cadre, 'actionable=true&limit=500')).toContain(body.id);
    expect(await queue(township, 'actionable=true&limit=500')).not.toContain(body.id);
    expect(await queue(inspector, 'actionable=true')).toEqual([]);
    expect(await queue(sanhe, 'limit=500')).not.toContain(body.id);
    expect(await queue(inspector, `householdId=${id}`)).toEqual([body.id]);
    expect(await queue(cadre, `householdId=${id}&status=completed`)).toEqual([]);
    expect(await queue(cadre, `householdId=${id}&type=返贫&stage=村级评议&area=${BAOJIA}`)).toEqual([body.id]);
    expect((await sanhe.get(`/api/procedures?area=${BAOJIA}`)).status).toBe(403);
    await step(cadre, body.id, 'approve', '评议通过');
    await endPublicity(body.id);
    await step(cadre, body.id, 'approve');
    expect(await queue(township, 'actionable=true&limit=500')).toContain(body.id);
  });
});

describe('procedures: notice period, objections, withdraw, reject, versions', () => {
  it('the notice cannot be closed before 7 full days (time passed in as `now`)', async () => {
    const { db } = await getTestDb();
    const id = await household('脱贫户');
    const account = await db.selectFrom('accounts').select(['id', 'username', 'role']).where('username', '=', 'baojia_cadre').executeTakeFirstOrThrow();
    const ctx = (now: Date) => testCtx(db, new Scope(BAOJIA, 'village_cadre'), { actor: actorOf(account), now });
    const t0 = new Date('2026-03-01T09:00:00Z');
    const { id: pid } = await startProcedure(ctx(t0), startBody(id, '返贫') as never);
    await takeStep(ctx(t0), pid, { action: 'approve', note: '评议通过' });
    const early = takeStep(ctx(new Date(t0.getTime() + 7 * DAY - 1)), pid, { action: 'approve' });
    await expect(early).rejects.toMatchObject({
      code: 'CONFLICT',
      key: 'procedure.publicityRunning',
      params: { days: 7, endsAt: '2026-03-08 17:00 (UTC+8)' },
      details: { publicityEndsAt: '2026-03-08T09:00:00.000Z' },
    });
    const onTime = await takeStep(ctx(new Date(t0.getTime() + 7 * DAY)), pid, { action: 'approve' });
    expect(onTime.status).toBe('open');
    const p = await db.selectFrom('procedures').select(['stage', 'publicity_started_at']).where('id', '=', pid).executeTakeFirstOrThrow();
    expect(p.stage).toBe('乡镇审核');
    expect(new Date(p.publicity_started_at as Date).toISOString()).toBe(t0.toISOString());
  });

  it('over HTTP: refused with the end time while the notice runs; objections must be answered first', async () => {
    const id = await household('脱贫户');
    const { body } = await start(cadre, id, '清退');
    const pid = body.id;
    expect((await step(cadre, pid, 'object', '不在公示期')).status).toBe(409);
    const noNote = await step(cadre, pid, 'approve');
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.fields?.[0]?.path).toBe('note');
    const appraised = await step(cadre, pid, 'approve', '评议通过');
    expect(appraised.body.publicityEndsAt).not.toBeNull();
    const running = await step(cadre, pid, 'approve');
    expect(running.status).toBe(409);
    expect(running.body.error.message).toContain('村内公示须满 7 天');
    await endPublicity(pid, 7 * DAY - 60_000); // one minute short
    expect((await step(cadre, pid, 'approve')).status).toBe(409);

    const objected = await step(township, pid, 'object', '村民张某反映该户已在县城购房');
    expect(objected.status).toBe(200);
    expect(objected.body.openObjections).toBe(1);
    await endPublicity(pid);
    const blocked = await step(cadre, pid, 'approve');
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toBe('公示期间有 1 条异议尚未答复，答复后才能结束公示');
    const current = (await (await cadre.get(`/api/procedures/${pid}`)).json()) as Proc;
    expect(current.allowedActions).toEqual(['reject', 'object', 'answer', 'withdraw']);
    const objectionId = current.steps.find((s) => s.action === 'object')?.id;
    expect((await step(cadre, pid, 'answer', '已核实', { objectionId: crypto.randomUUID() })).status).toBe(400);
    expect((await step(cadre, pid, 'answer', '经核实购房属实，清退理由成立', { objectionId })).status).toBe(200);
    expect((await step(cadre, pid, 'answer', '再次答复', { objectionId })).status).toBe(409);
    const closed = await step(cadre, pid, 'approve', '公示结束');
    expect(closed.status).toBe(200);
    expect(closed.body.stage).toBe('乡镇审核');
    expect(closed.body.steps.map((s) => s.action)).toEqual(['start', 'approve', 'object', 'answer', 'approve']);
  });

  it('withdraw (initiator or above, with a note) and reject close the procedure; a new one may start', async () => {
    const id = await household('脱贫户');
    const first = await start(cadre, id, '返贫');
    expect((await step(cadre, first.body.id, 'withdraw')).status).toBe(400);
    const w = await step(cadre, first.body.id, 'withdraw', '申请人撤回');
    expect(w.body).toMatchObject({ status: 'withdrawn', stage: null, allowedActions: [] });
    const again = await step(cadre, first.body.id, 'approve', 'x');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('该流程已撤回，不能再办理');

    const second = await start(township, id, '返贫');
    expect(second.status).toBe(201);
    // A village cadre who did not start it cannot withdraw it; the township officer who did can.
    expect((await step(cadre, second.body.id, 'withdraw', 'x')).body.error.message).toContain('只有发起人');
    await step(cadre, second.body.id, 'approve', '评议通过');
    await endPublicity(second.body.id);
    await step(cadre, second.body.id, 'approve');
    const stale = await step(township, second.body.id, 'reject', '材料不全', { version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details?.currentVersion).toBe(3);
    const rejected = await step(township, second.body.id, 'reject', '材料不全', { version: 3 });
    expect(rejected.body).toMatchObject({ status: 'rejected', stage: null });
    expect((await householdRow(id)).status).toBe('脱贫户');
    expect((await start(cadre, id, '返贫')).status).toBe(201);

    const { db } = await getTestDb();
    const actions = await db.selectFrom('audit_log').select('action').where('subject_id', '=', id).where('entity', '=', 'procedure').orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual([
      'procedure.start',
      'procedure.withdraw',
      'procedure.start',
      'procedure.approve',
      'procedure.approve',
      'procedure.reject',
      'procedure.start',
    ]);
  });

  it('startProcedure can be called inside another module’s transaction (cross-check review)', async () => {
    const { db } = await getTestDb();
    const id = await household('脱贫户');
    const account = await db.selectFrom('accounts').select(['id', 'username', 'role']).where('username', '=', 'qinglong_county').executeTakeFirstOrThrow();
    const ctx = testCtx(db, new Scope('522324', 'county_official'), { actor: actorOf(account) });
    const r = await db.transaction().execute(async (trx) => {
      // The caller's transaction handed on as the context's db: startProcedure joins it.
      const started = await startProcedure(
        { ...ctx, db: trx },
        {
          householdId: id,
          type: '清退',
          origin: '干部走访',
          reason: '比对发现：家庭成员为财政供养人员',
          evidence: { text: '公职人员比对结果已确认', references: [{ kind: 'finding', id: crypto.randomUUID() }] },
          payload: { reasonCode: '有财政供养人员' },
        },
      );
      await sql`select 1`.execute(trx); // the caller keeps using its transaction
      return started;
    });
    expect(r.created).toBe(true);
    const p = await db.selectFrom('procedures').select(['type', 'stage', 'started_by_name']).where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(p).toEqual({ type: '清退', stage: '村级评议', started_by_name: 'qinglong_county' });
    // Invalid payloads are refused the same way as over HTTP.
    const bad = db
      .transaction()
      .execute((trx) =>
        startProcedure({ ...ctx, db: trx }, { householdId: id, type: '监测对象认定', origin: '干部走访', reason: 'x', evidence: { text: 'x' }, payload: {} }),
      );
    await expect(bad).rejects.toMatchObject({ code: 'CONFLICT' }); // one open procedure already
  });
});

describe('procedures: concurrency and documentation', () => {
  it('two simultaneous starts on one household: one wins, the other gets 409', async () => {
    const id = await household('脱贫户');
    const township2 = await loginAs('shazi_township');
    const results = await Promise.all([start(cadre, id, '返贫'), start(township2, id, '清退')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const { db } = await getTestDb();
    const open = await db.selectFrom('procedures').select('id').where('household_id', '=', id).where('status', '=', 'open').execute();
    expect(open).toHaveLength(1);
  });

  it('two simultaneous approvals of one stage: one advances, the other is refused', async () => {
    const id = await household('脱贫户');
    const { body } = await start(cadre, id, '返贫');
    const cadre2 = await loginAs('baojia_cadre');
    const results = await Promise.all([
      step(cadre, body.id, 'approve', '评议通过', { version: 1 }),
      step(cadre2, body.id, 'approve', '评议通过', { version: 1 }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const p = (await (await cadre.get(`/api/procedures/${body.id}`)).json()) as Proc;
    expect(p.steps.filter((s) => s.action === 'approve')).toHaveLength(1);
  });

  it('is documented in /api/openapi.json', async () => {
    const doc = (await (await (await anonymous()).get('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    const paths = Object.keys(doc.paths).map((p) => p.replace(/^\/api/, '').replace(/(.)\/$/, '$1'));
    expect(paths).toEqual(expect.arrayContaining(['/procedures', '/procedures/{id}', '/procedures/{id}/steps', '/county-settings/{countyCode}/years/{year}']));
  });
});
