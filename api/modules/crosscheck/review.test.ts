// The cross-check over HTTP as the county office and village cadres use it: upload a department
// file (a job with progress), run, the scoped and masked queue, review actions and what they do
// to the card (member marked deceased; 清退 and 监测对象认定 opened through the procedures), the
// map counts and the export.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTestDb, type TestDb } from '../../test/db.ts';
import { createHousehold } from '../../test/factories.ts';
import { type Agent, loginAs } from '../../test/http.ts';
import { datasetJobFinished } from '../datasets/jobs.ts';
import { demoName } from '../../test/factories.ts';

const BAOJIA = '522324101209';
let t: TestDb;
let county: Agent;
let cadre: Agent;

async function upload(source: string, csv: string, name = `${source}.csv`) {
  const form = new FormData();
  form.set('source', source);
  form.set('file', new File([csv], name, { type: 'text/csv' }));
  const res = await county.post('/api/crosscheck/datasets', form);
  expect(res.status).toBe(202);
  const job = (await res.json()) as { id: string; status: string };
  await datasetJobFinished(job.id);
  const polled = await county.get(`/api/crosscheck/datasets/jobs/${job.id}`);
  expect(polled.status).toBe(200);
  return (await polled.json()) as {
    status: string;
    rowsRead: number;
    result: { ok: boolean; versionId: string; errors: unknown[]; fileError?: { columns?: string[] } };
  };
}

async function run() {
  const res = await county.post('/api/crosscheck/runs', { asOf: '2026-11-01' });
  expect(res.status).toBe(200);
  return (await res.json()) as { counts: Record<string, number> };
}

interface FindingJson {
  id: string;
  rule: string;
  householdNo: string;
  idNumber: string | null;
  status: string;
  version: number;
  memberId: string | null;
  evidenceText: string;
}
async function findingsOf(agent: Agent, householdNo: string, rule: string) {
  const res = await agent.get(`/api/crosscheck/findings?rule=${rule}&limit=500`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: FindingJson[] };
  return body.items.filter((f) => f.householdNo === householdNo);
}

beforeAll(async () => {
  t = await getTestDb();
  county = await loginAs('qinglong_county');
  cadre = await loginAs('baojia_cadre');
});

describe('cross-check over HTTP', () => {
  it('imports an upload as a job, refuses a file without a required column, and records the version', async () => {
    const bad = await upload('vehicles', '所有人,身份证号,车辆类型,状态\n张三,522324194206141917,小型轿车,正常\n');
    expect(bad.status).toBe('failed');
    expect(bad.result.ok).toBe(false);
    expect(bad.result.fileError?.columns).toEqual(['号牌号码']);

    const cadreTry = new FormData();
    cadreTry.set('source', 'vehicles');
    cadreTry.set('file', new File(['x'], 'v.csv'));
    expect((await cadre.post('/api/crosscheck/datasets', cadreTry)).status).toBe(403);

    const versions = (await (await county.get('/api/crosscheck/datasets')).json()) as { status: string; file_name: string; sha256: string }[];
    expect(versions[0]).toMatchObject({ status: 'failed', file_name: 'vehicles.csv' });
    expect(versions[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('confirming DECEASED marks the member deceased on the card, audited; the queue is scoped and masked', async () => {
    const h = await createHousehold({ village: BAOJIA, members: 3 });
    const dead = h.rows[2] as Record<string, string>;
    const job = await upload('household_events', `姓名,身份证号,事件类型,事件日期,迁往地区\n${dead['姓名']},${dead['证件号码']},死亡,2026-09-12,\n`);
    expect(job).toMatchObject({ status: 'succeeded', rowsRead: 1 });
    const r = await run();
    expect(r.counts.DECEASED).toBeGreaterThanOrEqual(1);

    const [f] = await findingsOf(cadre, h.householdNo, 'DECEASED');
    expect(f).toBeDefined();
    expect(f?.idNumber).not.toBe(dead['证件号码']);
    expect(f?.idNumber).toMatch(/\*{4}/);
    expect(f?.evidenceText).toContain('2026-09-12');

    // Another village's cadre and the read-only supervisor cannot act on it.
    const sanhe = await loginAs('sanhe_cadre');
    expect(await findingsOf(sanhe, h.householdNo, 'DECEASED')).toEqual([]);
    expect((await sanhe.get(`/api/crosscheck/findings/${f?.id}`)).status).toBe(404);
    const supervisor = await loginAs('baojia_supervisor');
    expect((await supervisor.post(`/api/crosscheck/findings/${f?.id}/review`, { action: 'confirm' })).status).toBe(403);

    // Dismissing needs a reason; a stale version is refused.
    const noReason = await cadre.post(`/api/crosscheck/findings/${f?.id}/review`, { action: 'dismiss' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { fields: { path: string }[] } }).error.fields[0]?.path).toBe('reason');
    expect((await cadre.post(`/api/crosscheck/findings/${f?.id}/review`, { action: 'confirm', version: (f?.version ?? 1) + 5 })).status).toBe(409);

    const confirmed = await cadre.post(`/api/crosscheck/findings/${f?.id}/review`, { action: 'confirm', version: f?.version });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({
      status: 'confirmed',
      consequence: { kind: 'member.status', person_status: '死亡', status_date: '2026-09-12' },
    });

    const m = await t.db
      .selectFrom('members')
      .select(['person_status', 'status_date', 'version'])
      .where('id', '=', f?.memberId as string)
      .executeTakeFirstOrThrow();
    expect(m).toMatchObject({ person_status: '死亡', status_date: '2026-09-12' });
    expect(m.version).toBeGreaterThan(1);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'actor_name'])
      .where('entity_id', '=', f?.memberId as string)
      .where('action', '=', 'member.status')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.subject_id).toBe(h.id);

    // Confirming twice is an illegal transition; resolving is next.
    const again = await cadre.post(`/api/crosscheck/findings/${f?.id}/review`, { action: 'confirm' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain('已确认');
    expect((await cadre.post(`/api/crosscheck/findings/${f?.id}/review`, { action: 'resolve' })).status).toBe(200);

    // The map counts and the export see it. The export is masked for every role by default; a role
    // that needs ID numbers gets them only by asking (reveal=true), which is audited; others are refused.
    const counts = (await (await cadre.get('/api/crosscheck/findings/counts?all=true')).json()) as { byVillage: { village_code: string }[] };
    expect(counts.byVillage.map((v) => v.village_code)).toContain(BAOJIA);
    const masked = `5223**********${dead['证件号码']?.slice(-4)}`;
    for (const agent of [county, cadre, await loginAs('qinglong_inspector'), await loginAs('baojia_supervisor')]) {
      const csv = await (await agent.get('/api/crosscheck/findings.csv?rule=DECEASED&all=true&county=522324')).text();
      expect(csv).toContain(h.householdNo);
      expect(csv).toContain(masked);
      expect(csv).not.toContain(dead['证件号码']);
    }
    const admin = await loginAs('admin');
    const adminCsv = await admin.get('/api/crosscheck/findings.csv?rule=DECEASED&all=true&county=522324');
    expect(adminCsv.status).toBe(200);
    expect(await adminCsv.text()).not.toContain(dead['证件号码']);
    expect((await admin.get('/api/crosscheck/findings.csv?county=522324&reveal=true')).status).toBe(403);
    expect((await (await loginAs('baojia_supervisor')).get('/api/crosscheck/findings.csv?county=522324&reveal=true')).status).toBe(403);
    const revealed = await county.get('/api/crosscheck/findings.csv?rule=DECEASED&all=true&reveal=true');
    expect(revealed.status).toBe(200);
    expect(await revealed.text()).toContain(dead['证件号码']);
    const exported = await sql<{ note: { unmasked: boolean } }>`
      select diff->'_note' as note from audit_log where action = 'findings.export' and actor_name = ${demoName('qinglong_county')} order by id desc limit 1`.execute(
      t.db,
    );
    const note = exported.rows[0]?.note;
    expect(typeof note === 'string' ? JSON.parse(note) : note).toMatchObject({ unmasked: true });
  });

  it('confirming VEHICLE opens a 清退 review and MEDICAL_RISK proposes 监测对象认定 through the procedures', async () => {
    const car = await createHousehold({ village: BAOJIA, members: 1 });
    const sick = await createHousehold({ village: BAOJIA, members: 2 });
    const owner = car.rows[0] as Record<string, string>;
    const patient = sick.rows[1] as Record<string, string>;
    await upload('vehicles', `所有人,身份证号,号牌号码,车辆类型,初次登记日期,状态\n${owner['姓名']},${owner['证件号码']},贵E9A123,小型轿车,2022-01-01,正常\n`);
    await upload(
      'medical_claims',
      `姓名,身份证号,就诊机构,入院日期,出院日期,总费用,医保报销,个人自付\n${patient['姓名']},${patient['证件号码']},晴隆县人民医院,2026-07-01,2026-07-20,60000,38000,22000\n`,
    );
    await run();
    const [v] = await findingsOf(cadre, car.householdNo, 'VEHICLE');
    const [m] = await findingsOf(cadre, sick.householdNo, 'MEDICAL_RISK');
    expect(v && m).toBeTruthy();
    expect(m?.evidenceText).toContain('个人自付');
    // Medical evidence is health data: the village supervisor sees the finding, not the evidence.
    const [seen] = await findingsOf(await loginAs('baojia_supervisor'), sick.householdNo, 'MEDICAL_RISK');
    expect(seen?.evidenceText).toBe('比对依据涉及健康信息，您的角色不能查看');
    expect(JSON.stringify(seen)).not.toContain('22000');

    const rv = await cadre.post(`/api/crosscheck/findings/${v?.id}/review`, { action: 'confirm', reason: '入户核实：车辆为本人所有，日常自用' });
    expect(rv.status).toBe(200);
    const bodyV = (await rv.json()) as { procedureId: string };
    const pv = await cadre.get(`/api/procedures/${bodyV.procedureId}`);
    expect(pv.status).toBe(200);
    // Raised by a department's data: the procedure says so and names the finding.
    expect(await pv.json()).toMatchObject({ type: '清退', householdId: car.id, origin: '部门预警', findingId: v?.id });

    const rm = await cadre.post(`/api/crosscheck/findings/${m?.id}/review`, { action: 'confirm' });
    expect(rm.status).toBe(200);
    const bodyM = (await rm.json()) as { procedureId: string };
    const pm = (await (await cadre.get(`/api/procedures/${bodyM.procedureId}`)).json()) as { type: string; payload: { riskTypes: string[] } };
    expect(pm.type).toBe('监测对象认定');
    expect(pm.payload.riskTypes).toEqual(['因病']);

    // The finding links to its procedure; the queue says so.
    const stored = await sql<{ procedure_id: string; status: string }>`select procedure_id, status from findings where id = ${v?.id ?? ''}`.execute(t.db);
    expect(stored.rows[0]).toEqual({ procedure_id: bodyV.procedureId, status: 'confirmed' });
  });

  it('needs_visit then dismiss with a reason; a run with unchanged evidence keeps it dismissed', async () => {
    const h = await createHousehold({ village: BAOJIA, members: 1 });
    const p = h.rows[0] as Record<string, string>;
    await upload('public_payroll', `姓名,身份证号,工作单位,人员类别,入职日期\n${p['姓名']},${p['证件号码']},晴隆县某局,事业编制,2020-09-01\n`);
    await run();
    const [f] = await findingsOf(cadre, h.householdNo, 'PUBLIC_PAYROLL');
    expect((await cadre.post(`/api/crosscheck/findings/${f?.id}/review`, { action: 'needs_visit' })).status).toBe(200);
    expect((await cadre.post(`/api/crosscheck/findings/${f?.id}/review`, { action: 'dismiss', reason: '同名同号系录入错误，已由人社局更正' })).status).toBe(
      200,
    );
    await run();
    const after = await county.get(`/api/crosscheck/findings/${f?.id}`);
    expect(await after.json()).toMatchObject({ status: 'dismissed', statusReason: '同名同号系录入错误，已由人社局更正' });
  });
});
