// /api/oversight through the typed client on a real database: who may raise, answer, close, read
// and comment (the permission table), where (scope), the queue's filters and order, masking of
// personal data in texts and evidence, the audit of every write, and nothing written on bad input.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { getTestDb } from '../../test/db.ts';
import { createHousehold, makeIdNumber, newAccount } from '../../test/factories.ts';
import { type Agent, bodyOf, loginAs } from '../../test/http.ts';
import { BAOJIA, createProject, SANHE } from '../funds/test-projects.ts';
import { entry, runRule } from './rules/test-helpers.ts';

let db: Db;
let inspector: Agent;
let county: Agent;
let township: Agent;
let cadre: Agent;
let supervisor: Agent;
let sanheCadre: Agent;
let otherTownship: Agent;

beforeAll(async () => {
  db = (await getTestDb()).db;
  [inspector, county, township, cadre, supervisor, sanheCadre] = await Promise.all([
    loginAs('qinglong_inspector'),
    loginAs('qinglong_county'),
    loginAs('shazi_township'),
    loginAs('baojia_cadre'),
    loginAs('baojia_supervisor'),
    loginAs('sanhe_cadre'),
  ]);
  const other = await newAccount({ role: 'township_officer', area: '522324106' });
  otherTownship = await loginAs(other.username, { password: other.password });
});

/** Alerts, comments and audit entries about the project: what "nothing written" compares. */
async function written(projectId: string) {
  const r = await sql<{ alerts: number; comments: number; audit: number }>`
    select (select count(*) from oversight_alerts where project_id = ${projectId})::int as alerts,
      (select count(*) from project_comments where project_id = ${projectId})::int as comments,
      (select count(*) from audit_log where subject_id = ${projectId})::int as audit`.execute(db);
  return r.rows[0];
}

describe('alerts', () => {
  it('the inspector raises, the office answers, the inspector closes — each audited, each by its role only', async () => {
    const p = await createProject(db);
    const raise = (a: Agent, body: object) => a.api.oversight.alerts.$post({ json: body as { text: string } });
    expect((await raise(county, { projectId: p.id, text: '预算不符' })).status).toBe(403);
    expect((await raise(supervisor, { projectId: p.id, text: '预算不符' })).status).toBe(403);

    const id = makeIdNumber('19800101');
    const a = await bodyOf(await raise(inspector, { projectId: p.id, text: `实地核查发现施工方负责人${id}未到岗`, severity: 'high' }), 201);
    expect(a).toMatchObject({ rule: 'manual', status: 'open', severity: 'high', projectId: p.id, subjectKind: 'project', villageCode: BAOJIA });
    expect(a.evidenceText).not.toContain(id);
    expect(a.evidenceText).toContain(id.slice(-4));

    // The office answers, once; the inspector may not answer, a township elsewhere may not either.
    const answer = (ag: Agent, text: string) => ag.api.oversight.alerts[':id'].answer.$post({ param: { id: a.id }, json: { answer: text } });
    expect((await answer(inspector, '已整改')).status).toBe(403);
    expect((await answer(otherTownship, '已整改')).status).toBe(403);
    const answered = await bodyOf(await answer(township, '施工方负责人已到岗，附考勤记录'), 200);
    expect(answered).toMatchObject({ status: 'answered', answeredByRole: 'township_officer', answer: '施工方负责人已到岗，附考勤记录' });
    expect((await answer(county, '再答复')).status).toBe(409);

    const close = (ag: Agent) => ag.api.oversight.alerts[':id'].close.$post({ param: { id: a.id }, json: { note: '核实无误，关闭' } });
    expect((await close(county)).status).toBe(403);
    const closed = await bodyOf(await close(inspector), 200);
    expect(closed).toMatchObject({ status: 'closed', closeNote: '核实无误，关闭' });
    expect(closed.closedAt).toBeTruthy();
    expect((await close(inspector)).status).toBe(409);

    const audit = await db.selectFrom('audit_log').select('action').where('entity_id', '=', a.id).orderBy('seq').execute();
    // the other township's attempt is on record as an out-of-scope access
    expect(audit.map((x) => x.action)).toEqual(['oversight.alert.raise', 'access.denied', 'oversight.alert.answer', 'oversight.alert.close']);
  });

  it('raises on a ledger entry; refuses bad input with nothing written', async () => {
    const p = await createProject(db);
    const other = await createProject(db);
    const e = await entry(db, p.id, '拨付', 100_000, '2026-05-01');
    const before = await written(p.id);
    for (const body of [
      { projectId: p.id, ledgerEntryId: e, text: '两者都给' },
      { text: '都没给' },
      { projectId: p.id, text: '   ' },
      { projectId: p.id, text: '多余字段', extra: 1 },
      { projectId: p.id, text: '坏等级', severity: 'urgent' },
      { projectId: 'not-a-uuid', text: 'x' },
    ]) {
      expect((await inspector.post('/api/oversight/alerts', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await inspector.post('/api/oversight/alerts', { projectId: '00000000-0000-4000-8000-000000000000', text: 'x' })).status).toBe(404);
    expect(await written(p.id)).toEqual(before);

    const a = await bodyOf(await inspector.api.oversight.alerts.$post({ json: { ledgerEntryId: e, text: '拨付凭证缺失' } }), 201);
    expect(a).toMatchObject({ subjectKind: 'ledger_entry', ledgerEntryId: e, projectId: p.id });
    // answer and close refuse empty text, changing nothing
    expect((await county.post(`/api/oversight/alerts/${a.id}/answer`, { answer: '' })).status).toBe(400);
    expect((await inspector.post(`/api/oversight/alerts/${a.id}/close`, {})).status).toBe(400);
    expect((await county.post('/api/oversight/alerts/00000000-0000-4000-8000-000000000000/answer', { answer: '有' })).status).toBe(404);
    const row = await db.selectFrom('oversight_alerts').select(['status', 'version']).where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'open', version: 1 });
    expect((await written(other.id))?.alerts).toBe(0);
  });

  it('lists the alerts in scope, oldest first, by status, rule and project; not for cadres or supervisors', async () => {
    const p = await createProject(db, { state: '县级审定' });
    const far = await createProject(db, { villages: ['522324106204'] });
    await entry(db, p.id, '拨付', 100_000, '2026-05-01');
    await runRule(db, 'DISBURSED_BEFORE_APPROVAL', '2026-06-30');
    const manual = await bodyOf(await inspector.api.oversight.alerts.$post({ json: { projectId: p.id, text: '请说明' } }), 201);
    const farAlert = await bodyOf(await inspector.api.oversight.alerts.$post({ json: { projectId: far.id, text: '请说明' } }), 201);

    const list = await bodyOf(await county.api.oversight.alerts.$get({ query: { projectId: p.id } }), 200);
    expect(list.map((a) => a.rule)).toEqual(['DISBURSED_BEFORE_APPROVAL', 'manual']);
    expect(list[0]?.ruleTitle).toContain('拨付');
    const raisedAts = list.map((a) => a.raisedAt);
    expect([...raisedAts].sort()).toEqual(raisedAts);
    expect((await bodyOf(await county.api.oversight.alerts.$get({ query: { projectId: p.id, rule: 'manual' } }), 200)).map((a) => a.id)).toEqual([manual.id]);
    expect(await bodyOf(await county.api.oversight.alerts.$get({ query: { projectId: p.id, status: 'answered' } }), 200)).toEqual([]);

    // The township sees its own township's alerts only.
    const mine = await bodyOf(await township.api.oversight.alerts.$get({ query: { rule: 'manual', limit: 500 } }), 200);
    expect(mine.some((a) => a.id === manual.id)).toBe(true);
    expect(mine.some((a) => a.id === farAlert.id)).toBe(false);
    expect((await bodyOf(await otherTownship.api.oversight.alerts.$get({ query: { projectId: far.id } }), 200)).map((a) => a.id)).toEqual([farAlert.id]);
    // …and answering outside it is refused (and audited as out of scope).
    expect((await township.api.oversight.alerts[':id'].answer.$post({ param: { id: farAlert.id }, json: { answer: '不归我' } })).status).toBe(403);

    expect((await cadre.api.oversight.alerts.$get({ query: {} })).status).toBe(403);
    expect((await supervisor.api.oversight.alerts.$get({ query: {} })).status).toBe(403);
    expect((await county.get('/api/oversight/alerts?status=bogus')).status).toBe(400);
  });

  it("shows a rule's evidence masked: the shared account's last four digits only", async () => {
    const [a, b] = await Promise.all([createHousehold({ village: BAOJIA }), createHousehold({ village: BAOJIA })]);
    const account = `6228${String(Date.now()).slice(-9)}123456`;
    await db.updateTable('households').set({ bank_account: account }).where('id', 'in', [a.id, b.id]).execute();
    const p = await createProject(db);
    await entry(db, p.id, '到户', 10_000, '2026-05-01', { householdId: a.id });
    await entry(db, p.id, '到户', 10_000, '2026-05-02', { householdId: b.id });
    await runRule(db, 'SHARED_BANK_ACCOUNT', '2026-06-30');
    const list = await bodyOf(await inspector.api.oversight.alerts.$get({ query: { rule: 'SHARED_BANK_ACCOUNT', limit: 500 } }), 200);
    const alert = list.find((x) => x.evidence.householdNos === [a.householdNo, b.householdNo].sort().join('、'));
    expect(alert?.evidence.account).toBe(`****${account.slice(-4)}`);
    expect(JSON.stringify(list)).not.toContain(account);
  });
});

describe('comments', () => {
  it('the inspector and officials comment; the village supervisor reads its village’s; others are refused', async () => {
    const p = await createProject(db);
    const e = await entry(db, p.id, '报账', 100_000, '2026-05-01');
    const id = makeIdNumber('19750505');
    const post = (ag: Agent, json: { text: string; ledgerEntryId?: string }) => ag.api.oversight.projects[':id'].comments.$post({ param: { id: p.id }, json });
    const c1 = await bodyOf(await post(inspector, { text: `请核实收款人${id}的身份` }), 201);
    expect(c1.authorRole).toBe('inspector');
    const c2 = await bodyOf(await post(county, { text: '已安排核实', ledgerEntryId: e }), 201);
    expect(c2.ledgerEntryId).toBe(e);
    expect((await post(supervisor, { text: '村监委意见' })).status).toBe(403);
    expect((await post(cadre, { text: '村干部意见' })).status).toBe(403);

    const read = await bodyOf(await supervisor.api.oversight.projects[':id'].comments.$get({ param: { id: p.id } }), 200);
    expect(read.map((c) => c.id)).toEqual([c1.id, c2.id]);
    expect(read[0]?.text).not.toContain(id);
    expect(read[0]?.text).toContain(id.slice(-4));
    expect((await sanheCadre.api.oversight.projects[':id'].comments.$get({ param: { id: p.id } })).status).toBe(403);
    expect((await otherTownship.api.oversight.projects[':id'].comments.$get({ param: { id: p.id } })).status).toBe(403);

    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('subject_id', '=', p.id)
      .where('action', '=', 'oversight.comment')
      .execute();
    expect(audit.map((x) => x.entity_id).sort()).toEqual([c1.id, c2.id].sort());
    // the table itself refuses changes: comments are append-only
    await expect(sql`update project_comments set text = 'x' where id = ${c1.id}`.execute(db)).rejects.toThrow();
    await expect(sql`delete from project_comments where id = ${c2.id}`.execute(db)).rejects.toThrow();
  });

  it('refuses bad comments with nothing written', async () => {
    const p = await createProject(db);
    const other = await createProject(db, { villages: [SANHE] });
    const foreign = await entry(db, other.id, '拨付', 100_000, '2026-05-01');
    const before = await written(p.id);
    expect((await inspector.post(`/api/oversight/projects/${p.id}/comments`, { text: '' })).status).toBe(400);
    expect((await inspector.post(`/api/oversight/projects/${p.id}/comments`, { text: 'x', extra: true })).status).toBe(400);
    expect((await inspector.post(`/api/oversight/projects/${p.id}/comments`, { text: '别的项目的记录', ledgerEntryId: foreign })).status).toBe(400);
    expect(
      (await inspector.post(`/api/oversight/projects/${p.id}/comments`, { text: '无此记录', ledgerEntryId: '00000000-0000-4000-8000-000000000000' })).status,
    ).toBe(404);
    expect((await inspector.post('/api/oversight/projects/00000000-0000-4000-8000-000000000000/comments', { text: '无此项目' })).status).toBe(404);
    expect((await inspector.get('/api/oversight/projects/00000000-0000-4000-8000-000000000000/comments')).status).toBe(404);
    expect(await written(p.id)).toEqual(before);
  });
});

describe('runs from the web (POST /api/oversight/runs)', () => {
  it('the county office and the inspector run the rules for their county: counts, idempotent, audited; others refused', async () => {
    const p = await createProject(db, { state: '县级审定' });
    await entry(db, p.id, '拨付', 100_000, '2026-05-01');
    const audits = async () =>
      Number((await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'oversight.run'`.execute(db)).rows[0]?.n);
    const before = await audits();
    const first = await bodyOf(await county.api.oversight.runs.$post({ json: { asOf: '2026-06-30' } }), 201);
    expect(first).toMatchObject({ countyCode: '522324', asOf: '2026-06-30' });
    expect(first.counts.DISBURSED_BEFORE_APPROVAL?.found).toBeGreaterThanOrEqual(1);
    expect(first.raised).toBe(Object.values(first.counts).reduce((s, c) => s + c.raised, 0));
    const mine = await bodyOf(await county.api.oversight.alerts.$get({ query: { projectId: p.id, rule: 'DISBURSED_BEFORE_APPROVAL' } }), 200);
    expect(mine).toHaveLength(1);
    // Again, as the inspector: nothing new, the alert kept.
    const again = await bodyOf(await inspector.api.oversight.runs.$post({ json: { asOf: '2026-06-30' } }), 201);
    expect(again.raised).toBe(0);
    expect(again.kept).toBeGreaterThanOrEqual(1);
    expect(await bodyOf(await county.api.oversight.alerts.$get({ query: { projectId: p.id, rule: 'DISBURSED_BEFORE_APPROVAL' } }), 200)).toHaveLength(1);
    expect(await audits()).toBe(before + 2);

    for (const a of [township, cadre, supervisor]) expect((await a.api.oversight.runs.$post({ json: {} })).status).toBe(403);
    expect((await county.api.oversight.runs.$post({ json: { countyCode: '522301' } })).status).toBe(403);
    const bad = await county.post('/api/oversight/runs', { asOf: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toEqual(['asOf']);
    expect(await audits()).toBe(before + 2);
  });

  it('filters the queue by area (a village or township inside the caller’s), refusing one outside', async () => {
    const p = await createProject(db);
    const far = await createProject(db, { villages: ['522324106204'] });
    const a = await bodyOf(await inspector.api.oversight.alerts.$post({ json: { projectId: p.id, text: '请说明' } }), 201);
    const b = await bodyOf(await inspector.api.oversight.alerts.$post({ json: { projectId: far.id, text: '请说明' } }), 201);
    const inVillage = await bodyOf(await inspector.api.oversight.alerts.$get({ query: { area: BAOJIA, rule: 'manual', limit: 500 } }), 200);
    expect(inVillage.some((x) => x.id === a.id)).toBe(true);
    expect(inVillage.some((x) => x.id === b.id)).toBe(false);
    expect(inVillage.every((x) => x.villageCode.startsWith(BAOJIA))).toBe(true);
    const inTownship = await bodyOf(await inspector.api.oversight.alerts.$get({ query: { area: '522324106', rule: 'manual', limit: 500 } }), 200);
    expect(inTownship.map((x) => x.id)).toContain(b.id);
    expect((await township.api.oversight.alerts.$get({ query: { area: '522324106' } })).status).toBe(403);
    expect((await inspector.get('/api/oversight/alerts?area=52232')).status).toBe(400);
  });
});
