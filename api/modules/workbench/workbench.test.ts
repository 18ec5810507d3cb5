// The workbench (工作台) against a real database (both backends): each role gets its own items;
// every count equals what direct reads of the tables give for the account's area (the seeded
// registry plus what this file adds) and equals the total of the page the item links to (the
// same scoped list); a visit takes a household off 遍访; a procedure waiting for the township
// shows with its days, the longest-waiting first; a refused request shows on the inspector's
// workbench; read-only roles get no work items; nothing of another village reaches a cadre.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { VISIT_INTERVAL_DAYS, VISIT_INTERVAL_DAYS_MONITORED } from '../../shared/todo.ts';
import { testCtx } from '../../test/context.ts';
import { getTestDb } from '../../test/db.ts';
import { newHousehold, newProcedure, newProject } from '../../test/factories.ts';
import { bodyOf, loginAs } from '../../test/http.ts';
import { Scope } from '../auth/scope.ts';
import { createChild, visitSpec } from '../households/children.ts';
import { workbench, type WorkbenchOutput } from './workbench.ts';

const QINGLONG = '522324'; // 晴隆县 — qinglong_county, qinglong_inspector
const SHAZI = '522324101'; // 沙子镇 — shazi_township
const BAOJIA = '522324101209'; // 保家村 — baojia_cadre, baojia_supervisor
const SANHE = '522324101002'; // 三合社区 (same township)
const DAY = 24 * 60 * 60 * 1000;

let db: Db;
beforeAll(async () => {
  db = (await getTestDb()).db;
});

const itemOf = (w: WorkbenchOutput, key: string) => {
  const i = w.items.find((x) => x.key === key);
  if (!i) throw new Error(`no item ${key} in ${w.items.map((x) => x.key).join(', ')}`);
  return i;
};
const capped = (n: number) => Math.min(n, 1000);
const ctxOf = (area: string, role: Scope['role'], now = new Date()) => testCtx(db, new Scope(area, role), { now });

/** 在册 households of the village with no visit within their interval, read from the tables. */
async function overdueIn(village: string, now: Date) {
  const hs = await db
    .selectFrom('households')
    .select(['id', 'status'])
    .where('village_code', '=', village)
    .where('deleted_at', 'is', null)
    .where('registry_state', '=', '在册')
    .execute();
  const visits = await db
    .selectFrom('visits')
    .select(['household_id', 'visited_at'])
    .where('county_code', '=', QINGLONG)
    .where('deleted_at', 'is', null)
    .execute();
  const last = new Map<string, number>();
  for (const v of visits) last.set(v.household_id, Math.max(last.get(v.household_id) ?? 0, new Date(v.visited_at).getTime()));
  return hs.filter((h) => (last.get(h.id) ?? 0) < now.getTime() - (h.status === '监测户' ? VISIT_INTERVAL_DAYS_MONITORED : VISIT_INTERVAL_DAYS) * DAY);
}

describe('village cadre (保家村)', () => {
  it('lists its village’s to-dos, each counted as the linked list counts it', async () => {
    const now = new Date();
    const w = await workbench(ctxOf(BAOJIA, 'village_cadre', now));
    expect(w.readOnly).toBe(false);
    expect(w.area).toMatchObject({ code: BAOJIA, name: '保家村' });
    expect(w.items.map((i) => i.key)).toEqual([
      'visitOverdue',
      'villageReview',
      'noticesToPost',
      'findingsToVerify',
      'incomplete',
      'riskEliminationDue',
      'projectQueue',
    ]);

    const overdue = itemOf(w, 'visitOverdue');
    expect(overdue.count).toBe(capped((await overdueIn(BAOJIA, now)).length));
    expect(overdue.count).toBeGreaterThan(0); // the seeded registry has no visits
    expect(overdue.params).toEqual({ days: VISIT_INTERVAL_DAYS, monitoredDays: VISIT_INTERVAL_DAYS_MONITORED });
    expect(overdue.link).toEqual({ name: 'households', query: { todo: 'visitOverdue' } });
    for (const e of overdue.entries) expect(e.link?.name).toBe('household');

    // The incomplete cards: per missing field as the tables hold them.
    const rows = await db
      .selectFrom('households')
      .select(['phone', 'bank_account', 'main_cause', 'risk_types', sql<boolean>`location is null`.as('no_location')])
      .where('village_code', '=', BAOJIA)
      .where('deleted_at', 'is', null)
      .where('registry_state', '=', '在册')
      .execute();
    const missing = {
      phone: rows.filter((r) => !r.phone).length,
      location: rows.filter((r) => r.no_location).length,
      mainCause: rows.filter((r) => !r.main_cause && r.risk_types.length === 0).length,
      bankAccount: rows.filter((r) => !r.bank_account).length,
    };
    const incomplete = itemOf(w, 'incomplete');
    expect(incomplete.params).toEqual(missing);
    expect(incomplete.count).toBe(
      capped(rows.filter((r) => !r.phone || r.no_location || (!r.main_cause && r.risk_types.length === 0) || !r.bank_account).length),
    );

    // The same counts through HTTP, and the linked list's total agrees.
    const cadre = await loginAs('baojia_cadre');
    const viaHttp = await bodyOf(await cadre.api.workbench.$get(), 200);
    expect(itemOf(viaHttp, 'incomplete').count).toBe(incomplete.count);
    for (const todo of ['visitOverdue', 'incomplete', 'riskEliminationDue'] as const) {
      const list = await bodyOf(await cadre.api.households.$get({ query: { todo, pageSize: '5' } }), 200);
      expect(list.total, todo).toBe(itemOf(viaHttp, todo).count);
      expect(
        list.items.map((h) => h.id),
        todo,
      ).toEqual(itemOf(viaHttp, todo).entries.map((e) => e.link?.params?.id));
    }
  });

  it('a visit takes the household off 遍访; a monitored household counts after 30 days, others after 90', async () => {
    const monitored = await newHousehold({ village: BAOJIA, state: '监测户', members: 1 });
    const other = await newHousehold({ village: BAOJIA, state: '脱贫户', members: 1 });
    const onList = async (now: Date) => {
      const ids = new Set((await overdueIn(BAOJIA, now)).map((h) => h.id));
      return { monitored: ids.has(monitored.id), other: ids.has(other.id) };
    };
    const before = await workbench(ctxOf(BAOJIA, 'village_cadre'));
    expect(await onList(new Date())).toEqual({ monitored: true, other: true });

    const cadre = ctxOf(BAOJIA, 'village_cadre');
    const visitedAt = new Date(Date.now() - 40 * DAY).toISOString();
    for (const h of [monitored, other]) await createChild(cadre, h.id, visitSpec, { visitedAt, purpose: '遍访' });
    const after = await workbench(ctxOf(BAOJIA, 'village_cadre'));
    // 40 days ago: still overdue for the 监测户 (30), no longer for the 脱贫户 (90).
    expect(itemOf(after, 'visitOverdue').count).toBe(capped((await overdueIn(BAOJIA, new Date())).length));
    expect(await onList(new Date())).toEqual({ monitored: true, other: false });
    if (!itemOf(before, 'visitOverdue').capped) expect(itemOf(after, 'visitOverdue').count).toBe(itemOf(before, 'visitOverdue').count - 1);
  });

  it('procedures at 村级评议 and 村内公示 of its village show; another village’s do not', async () => {
    await newProcedure({ village: BAOJIA, atStage: '村级评议' });
    const notice = await newProcedure({ village: BAOJIA, atStage: '村内公示' });
    const elsewhere = await newProcedure({ village: SANHE, atStage: '村级评议' });
    const w = await workbench(ctxOf(BAOJIA, 'village_cadre'));
    const open = async (stage: string) =>
      Number(
        (
          await db
            .selectFrom('procedures')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('village_code', '=', BAOJIA)
            .where('status', '=', 'open')
            .where('stage', '=', stage)
            .where('deleted_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(itemOf(w, 'villageReview').count).toBe(await open('村级评议'));
    expect(itemOf(w, 'noticesToPost').count).toBe(await open('村内公示'));
    const households = (key: string) => itemOf(w, key).entries.map((e) => e.link?.params?.id);
    expect(households('noticesToPost').length).toBeGreaterThan(0);
    expect(itemOf(w, 'noticesToPost').entries.find((e) => e.link?.params?.id === notice.householdId)?.days).toBe(7);
    expect(households('villageReview')).not.toContain(elsewhere.householdId);
    expect(itemOf(w, 'villageReview').link).toEqual({ name: 'procedure-queue', query: {} });
    // The longest-waiting first.
    const at = itemOf(w, 'villageReview').entries.map((e) => e.at as string);
    expect([...at].sort()).toEqual(at);
  });

  it('风险消除 is due for a 监测户 whose months under monitoring have passed, not for one just monitored', async () => {
    const due = await newProcedure({ village: BAOJIA, type: '监测对象认定', atStage: 'completed', at: new Date(Date.now() - 250 * DAY) });
    const recent = await newProcedure({ village: BAOJIA, type: '监测对象认定', atStage: 'completed' });
    const cadre = await loginAs('baojia_cadre');
    const list = await bodyOf(await cadre.api.households.$get({ query: { todo: 'riskEliminationDue', pageSize: '500' } }), 200);
    const ids = list.items.map((h) => h.id);
    expect(ids).toContain(due.householdId);
    expect(ids).not.toContain(recent.householdId);
    const w = await bodyOf(await cadre.api.workbench.$get(), 200);
    expect(itemOf(w, 'riskEliminationDue').count).toBe(list.total);
    // Started: an open procedure takes it off the list.
    await newProcedure({ village: BAOJIA, type: '风险消除', householdId: due.householdId, atStage: '村级评议' });
    const after = await bodyOf(await cadre.api.households.$get({ query: { todo: 'riskEliminationDue', pageSize: '500' } }), 200);
    expect(after.items.map((h) => h.id)).not.toContain(due.householdId);
  });
});

describe('township officer (沙子镇)', () => {
  it('lists the procedures waiting for its sign-off, the longest-waiting first with the days waited', async () => {
    const p = await newProcedure({ village: SANHE, atStage: '乡镇审核' });
    const later = new Date(Date.now() + 3 * DAY);
    const w = await workbench(ctxOf(SHAZI, 'township_officer', later));
    expect(w.items.map((i) => i.key)).toEqual(['signoff', 'noticeEnding', 'openFindings', 'registryImports', 'crosscheckRuns', 'projectQueue']);
    const signoff = itemOf(w, 'signoff');
    const direct = await db
      .selectFrom('procedures')
      .select(['household_id', 'updated_at'])
      .where('village_code', 'like', `${SHAZI}%`)
      .where('status', '=', 'open')
      .where('stage', '=', '乡镇审核')
      .where('deleted_at', 'is', null)
      .orderBy('updated_at')
      .execute();
    expect(signoff.count).toBe(direct.length);
    expect(signoff.entries.map((e) => e.link?.params?.id)).toEqual(direct.slice(0, 5).map((r) => r.household_id));
    const days = signoff.entries.map((e) => e.days as number);
    expect([...days].sort((a, b) => b - a)).toEqual(days);
    if (direct.length <= 5) expect(signoff.entries.find((e) => e.link?.params?.id === p.householdId)?.days).toBeGreaterThanOrEqual(3);
  });

  it('a notice (村内公示) ending within two days shows as ending; one just started does not', async () => {
    const old = await newProcedure({ village: SANHE, atStage: '村内公示', at: new Date(Date.now() - 6 * DAY) });
    const fresh = await newProcedure({ village: SANHE, atStage: '村内公示' });
    const w = await workbench(ctxOf(SHAZI, 'township_officer'));
    const ids = itemOf(w, 'noticeEnding').entries.map((e) => e.link?.params?.id);
    const direct = await db
      .selectFrom('procedures')
      .select('household_id')
      .where('village_code', 'like', `${SHAZI}%`)
      .where('status', '=', 'open')
      .where('stage', '=', '村内公示')
      .where('publicity_started_at', '<=', new Date(Date.now() - 5 * DAY))
      .execute();
    expect(itemOf(w, 'noticeEnding').count).toBe(direct.length);
    if (direct.length <= 5) expect(ids).toContain(old.householdId);
    expect(ids).not.toContain(fresh.householdId);
  });
});

describe('county official (晴隆县)', () => {
  it('open findings by rule add up to the findings queue’s total; the project queue is the approval queue', async () => {
    const project = await newProject({ atState: '县级审定' });
    const county = await loginAs('qinglong_county');
    const w = await bodyOf(await county.api.workbench.$get(), 200);
    const findings = itemOf(w, 'openFindings');
    const queue = await bodyOf(await county.api.crosscheck.findings.$get({ query: { status: 'open', limit: '1' } }), 200);
    expect(findings.count).toBe(queue.total);
    expect(findings.entries.filter((e) => e.link?.query?.rule).reduce((n, e) => n + (e.count ?? 0), 0)).toBe(queue.total);
    const projects = await bodyOf(await county.api.projects.queue.$get({ query: {} }), 200);
    expect(itemOf(w, 'projectQueue').count).toBe(projects.total);
    expect(itemOf(w, 'projectQueue').count).toBeGreaterThan(0);
    if (projects.total <= 5) expect(itemOf(w, 'projectQueue').entries.map((e) => e.link)).toContainEqual({ name: 'project', params: { id: project.id } });
    // Imports of the last days: the seed's own import of the registry counts when it is recent.
    const imports = await bodyOf(await county.api.registry.imports.$get(), 200);
    const since = new Date(w.since).getTime();
    expect(itemOf(w, 'registryImports').count).toBe(imports.items.filter((j) => new Date(j.createdAt).getTime() >= since).length);
  });
});

describe('read-only roles', () => {
  it('the inspector sees what changed, findings opened and closed, and refused actions — including its own refusal', async () => {
    const inspector = await loginAs('qinglong_inspector');
    const before = itemOf(await bodyOf(await inspector.api.workbench.$get(), 200), 'accessDenied');
    // Refused: the dashboard of another county (audited as access.denied in the inspector's area).
    expect((await inspector.get('/api/stats/522325')).status).toBe(403);
    const w = await bodyOf(await inspector.api.workbench.$get(), 200);
    expect(w.readOnly).toBe(true);
    expect(w.items.map((i) => i.key)).toEqual(['recentChanges', 'findingsOpened', 'findingsClosed', 'accessDenied']);
    const denied = itemOf(w, 'accessDenied');
    if (!before.capped) expect(denied.count).toBe(before.count + 1);
    expect(denied.entries[0]).toMatchObject({ label: 'access.denied' });
    expect(itemOf(w, 'recentChanges').count).toBeGreaterThan(0);
    // Sign-ins change nothing: not among the changes (the inspector has just signed in).
    for (const e of itemOf(w, 'recentChanges').entries) expect(e.label).not.toMatch(/^auth\./);
    expect(w.items.some((i) => i.key === 'signoff' || i.key === 'projectQueue')).toBe(false);
  });

  it('the village supervisor sees its village’s changes only', async () => {
    const mine = await newHousehold({ village: BAOJIA, members: 1 });
    const theirs = await newHousehold({ village: SANHE, members: 1 });
    const cadre = ctxOf(BAOJIA, 'village_cadre');
    await createChild(cadre, mine.id, visitSpec, { visitedAt: new Date().toISOString(), purpose: '遍访' });
    await createChild(ctxOf(SANHE, 'village_cadre'), theirs.id, visitSpec, { visitedAt: new Date().toISOString(), purpose: '遍访' });
    const w = await workbench(ctxOf(BAOJIA, 'village_supervisor'));
    const changes = itemOf(w, 'recentChanges');
    const direct = await db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('area_code', 'like', `${BAOJIA}%`)
      .where('at', '>=', new Date(w.since))
      .where('action', '<>', 'access.denied')
      .where('action', 'not like', 'auth.%')
      .executeTakeFirstOrThrow();
    expect(changes.count).toBe(capped(Number(direct.n)));
    const ids = changes.entries.map((e) => e.link?.params?.id);
    expect(ids).not.toContain(theirs.id);
    expect(ids).toContain(mine.id); // the visit just recorded opens its household's card
    const areaCodes = await db.selectFrom('audit_log').select('area_code').where('area_code', 'like', `${SANHE}%`).limit(1).execute();
    expect(areaCodes.length).toBe(1); // the other village's change exists — and is not on this workbench
  });
});
