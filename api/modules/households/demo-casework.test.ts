// The demo case work (seeds/demo-casework.ts) is made through the domain: a procedure waits at every
// stage of the sign-off chain and others are done or 驳回, every demo account's workbench has
// something waiting, the steps, records and the audit name the demo people (never a login id),
// yearly records sit above and below the county's lines, some households are visited lately and
// some are overdue, nothing is dated after the day it was seeded, and a second run adds nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../context.ts';
import type { DbHandle } from '../../db/connect.ts';
import type { Db } from '../../db/schema.ts';
import { verifyAuditChain } from '../audit/audit.ts';
import { STAGES } from '../../shared/state-machine.ts';
import { VISIT_INTERVAL_DAYS, VISIT_INTERVAL_DAYS_MONITORED } from '../../shared/todo.ts';
import { cloneTemplate } from '../../test/cli.ts';
import { useTestAuditKey } from '../../test/template.ts';
import { Scope } from '../auth/scope.ts';
import { workbench } from '../workbench/workbench.ts';
import { type CaseworkCounts, hasDemoCasework, seedDemoCasework } from '../../../seeds/demo-casework.ts';
import { DEMO_ACCOUNTS } from '../../../seeds/demo-accounts.ts';

const QINGLONG = '522324';
const BAOJIA = '522324101209';
const SANHE = '522324101002';
const TODAY = new Date('2026-11-30T04:00:00Z');
const SEED = 7;
const DAY = 86_400_000;

/** What the seed told, without ids or audit times: equal for equal seeds. */
async function fingerprint(db: Db) {
  const r = await sql<{ f: string }>`
    select concat_ws(' | ',
      (select string_agg(concat_ws(',', p.village_code, p.type, p.status, p.stage, h.head_name), ';' order by p.created_at) from procedures p join households h on h.id = p.household_id),
      (select string_agg(concat_ws(',', s.stage, s.action, s.actor_name, s.at::text, s.note), ';' order by s.at, s.seq) from procedure_steps s),
      (select string_agg(concat_ws(',', v.visited_at::text, v.visitor_name, v.purpose), ';' order by v.visited_at, v.purpose) from visits v),
      (select string_agg(concat_ws(',', y.year, y.household_size, y.per_capita_income), ';' order by h.head_name, y.year, y.per_capita_income)
         from household_years y join households h on h.id = y.household_id),
      (select string_agg(concat_ws(',', m.category, m.measure_date::text, m.amount), ';' order by m.measure_date, m.category) from assistance_measures m),
      (select string_agg(p.sha256, ';' order by p.taken_at) from photos p)) as f`.execute(db);
  return r.rows[0]?.f ?? '';
}

describe('demo case work', { timeout: 300_000 }, () => {
  let target: Awaited<ReturnType<typeof cloneTemplate>>;
  let h: DbHandle;
  let result: CaseworkCounts;
  let accounts: { id: string; username: string; display_name: string; role: Scope['role']; area_code: string }[];
  const ctxOf = (username: string): Ctx => {
    const a = accounts.find((x) => x.username === username);
    if (!a) throw new Error(`no demo account ${username}`);
    return { db: h.db, scope: new Scope(a.area_code, a.role), actor: { id: a.id, name: a.display_name, role: a.role }, origin: { via: 'test' }, now: TODAY };
  };

  beforeAll(async () => {
    useTestAuditKey();
    target = await cloneTemplate('demo-casework');
    h = await target.openOwner();
    expect(await hasDemoCasework(h.db, QINGLONG)).toBe(false);
    accounts = await h.db.selectFrom('accounts').select(['id', 'username', 'display_name', 'role', 'area_code']).execute();
    result = await seedDemoCasework(h.db, { today: TODAY, seed: SEED });
  });
  afterAll(async () => {
    await h?.close();
    await target?.drop();
  });

  it('tells its story in the demo villages whatever the template holds for them', async () => {
    // The template's 300 generated households give 保家村 and 三合社区 a few cards at most (三合社区 one):
    // the seed registers the applicants its stories need as candidates (待识别) and works on those.
    const registry = await h.db.selectFrom('households').select(['village_code', 'registry_state']).where('village_code', 'in', [BAOJIA, SANHE]).execute();
    for (const v of [BAOJIA, SANHE]) expect(registry.filter((r) => r.village_code === v).length, v).toBeGreaterThan(2);
    expect(registry.some((r) => r.registry_state === '待识别')).toBe(true);
    expect(await hasDemoCasework(h.db, QINGLONG)).toBe(true);
  });

  it('puts a procedure at every stage of the chain, in both villages, and closes others (办结, 驳回)', async () => {
    const rows = await h.db.selectFrom('procedures').select(['type', 'status', 'stage', 'village_code']).where('county_code', '=', QINGLONG).execute();
    expect(rows).toHaveLength(result.procedures);
    for (const stage of STAGES)
      expect(
        rows.some((r) => r.status === 'open' && r.stage === stage),
        stage,
      ).toBe(true);
    expect(rows.some((r) => r.status === 'completed')).toBe(true);
    expect(rows.some((r) => r.status === 'rejected')).toBe(true);
    for (const t of ['识别纳入', '监测对象认定', '标注脱贫', '风险消除'] as const)
      expect(
        rows.some((r) => r.type === t && r.status === 'open'),
        t,
      ).toBe(true);
    for (const v of [BAOJIA, SANHE]) {
      for (const stage of STAGES)
        expect(
          rows.some((r) => r.village_code === v && r.stage === stage),
          `${v} ${stage}`,
        ).toBe(true);
    }
    expect(rows.every((r) => r.village_code === BAOJIA || r.village_code === SANHE)).toBe(true);
  });

  it('leaves every demo account’s workbench something waiting', async () => {
    const count = async (username: string, key: string) => (await workbench(ctxOf(username))).items.find((i) => i.key === key)?.count ?? 0;
    for (const cadre of ['baojia_cadre', 'sanhe_cadre']) {
      expect(await count(cadre, 'villageReview'), cadre).toBeGreaterThan(0);
      expect(await count(cadre, 'noticesToPost'), cadre).toBeGreaterThan(0);
      expect(await count(cadre, 'visitOverdue'), cadre).toBeGreaterThan(0);
    }
    // A 监测户 monitored long enough, its income above the monitoring line: 风险消除 can be tried.
    expect(await count('baojia_cadre', 'riskEliminationDue')).toBeGreaterThan(0);
    const township = (await workbench(ctxOf('shazi_township'))).items;
    expect(township.find((i) => i.key === 'signoff')?.entries.some((e) => e.detail?.endsWith('乡镇审核'))).toBe(true);
    expect(township.find((i) => i.key === 'noticeEnding')?.count).toBeGreaterThan(0);
    const county = (await workbench(ctxOf('qinglong_county'))).items;
    expect(county.find((i) => i.key === 'signoff')?.entries.some((e) => e.detail?.endsWith('县级审定'))).toBe(true);
  });

  it('logs each step and record as the demo person who made it, never a login id; the audit chain stays sound', async () => {
    const names = new Map(DEMO_ACCOUNTS.map((a) => [a.displayName, a]));
    const logins = new Set(DEMO_ACCOUNTS.map((a) => a.username));
    const steps = await h.db
      .selectFrom('procedure_steps')
      .select(['actor_name', 'actor_role', 'stage', 'action'])
      .where('county_code', '=', QINGLONG)
      .execute();
    expect(steps.length).toBeGreaterThan(result.procedures);
    for (const s of steps) {
      expect(names.get(s.actor_name)?.role, s.actor_name).toBe(s.actor_role);
      expect(logins.has(s.actor_name)).toBe(false);
    }
    const by = (stage: string) => new Set(steps.filter((s) => s.stage === stage && s.action === 'approve').map((s) => s.actor_name));
    expect([...by('村级评议')].sort()).toEqual(['三合社区 陈主任', '保家村 罗书记']);
    expect([...by('乡镇审核')]).toEqual(['沙子镇 杨干部']);
    expect([...by('县级审定')]).toEqual(['晴隆县扶贫办 王主任']);
    const audit = await sql<{ actor_name: string; action: string; n: number }>`
      select actor_name, action, count(*)::int as n from audit_log
      where area_code in (${BAOJIA}, ${SANHE}) and actor_role <> 'system'
      group by actor_name, action`.execute(h.db);
    const actions = new Set(audit.rows.map((r) => r.action));
    for (const a of ['procedure.start', 'procedure.approve', 'procedure.reject', 'visit.create', 'measure.create', 'household_year.create', 'household.create'])
      expect(actions, a).toContain(a);
    for (const r of audit.rows) {
      expect(names.has(r.actor_name), `${r.action} by ${r.actor_name}`).toBe(true);
      expect(logins.has(r.actor_name)).toBe(false);
    }
    expect((await verifyAuditChain(h.db)).problems).toEqual([]);
  });

  it('records two years of income against the county’s lines: above both, between them and below', async () => {
    const r = await sql<{ year: number; income: number; poverty: number; monitoring: number; village_code: string; status: string }>`
      select y.year, y.per_capita_income as income, s.poverty_line as poverty, s.monitoring_line as monitoring, h.village_code, h.status
      from household_years y
      join households h on h.id = y.household_id
      join county_year_settings s on s.county_code = y.county_code and s.year = y.year
      where y.county_code = ${QINGLONG} and y.deleted_at is null`.execute(h.db);
    const years = new Set(r.rows.map((x) => Number(x.year)));
    expect([...years].sort()).toEqual([2025, 2026]);
    const latest = r.rows.filter((x) => Number(x.year) === 2026);
    expect(latest.some((x) => Number(x.income) >= Number(x.monitoring))).toBe(true);
    expect(latest.some((x) => Number(x.income) >= Number(x.poverty) && Number(x.income) < Number(x.monitoring))).toBe(true);
    expect(latest.some((x) => Number(x.income) < Number(x.poverty))).toBe(true);
    for (const v of [BAOJIA, SANHE]) expect(latest.filter((x) => x.village_code === v).length, v).toBeGreaterThan(2);
    const versions = await h.db
      .selectFrom('household_years')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('county_code', '=', QINGLONG)
      .executeTakeFirstOrThrow();
    expect(Number(versions.n)).toBeLessThanOrEqual(result.incomeYears);
    expect(Number(versions.n)).toBeGreaterThan(0);
  });

  it('visits some households lately and leaves others overdue (遍访), with measures and photos on the cards', async () => {
    const visits = await h.db.selectFrom('visits').select(['household_id', 'visited_at', 'visitor_name']).where('county_code', '=', QINGLONG).execute();
    expect(visits).toHaveLength(result.visits);
    expect(new Set(visits.map((v) => v.visitor_name))).toEqual(new Set(['保家村 罗书记', '三合社区 陈主任']));
    const last = new Map<string, number>();
    for (const v of visits) last.set(v.household_id, Math.max(last.get(v.household_id) ?? 0, new Date(v.visited_at).getTime()));
    const households = await h.db
      .selectFrom('households')
      .select(['id', 'status', 'village_code'])
      .where('village_code', 'in', [BAOJIA, SANHE])
      .where('registry_state', '=', '在册')
      .execute();
    for (const v of [BAOJIA, SANHE]) {
      const mine = households.filter((x) => x.village_code === v);
      const overdue = mine.filter(
        (x) => (last.get(x.id) ?? 0) < TODAY.getTime() - (x.status === '监测户' ? VISIT_INTERVAL_DAYS_MONITORED : VISIT_INTERVAL_DAYS) * DAY,
      );
      expect(overdue.length, v).toBeGreaterThan(0);
      expect(overdue.length, v).toBeLessThan(mine.length);
    }
    expect(result.measures).toBeGreaterThan(0);
    const measures = await h.db.selectFrom('assistance_measures').select('id').where('county_code', '=', QINGLONG).execute();
    expect(measures).toHaveLength(result.measures);
    expect(result.photos).toBeGreaterThan(0);
    const photos = await h.db.selectFrom('photos').select(['content_type', 'storage_key', 'kind']).where('county_code', '=', QINGLONG).execute();
    expect(photos).toHaveLength(result.photos);
    expect(new Set(photos.map((p) => p.content_type))).toEqual(new Set(['image/png']));
    const blobs = await h.db
      .selectFrom('photo_blobs')
      .select('storage_key')
      .where(
        'storage_key',
        'in',
        photos.map((p) => p.storage_key),
      )
      .execute();
    expect(blobs.length).toBe(new Set(photos.map((p) => p.storage_key)).size);
  });

  it('dates nothing after the day it was seeded', async () => {
    const r = await sql<{ t: Date | string | null }>`
      select greatest(
        (select max(at) from procedure_steps),
        (select max(greatest(created_at, updated_at, publicity_started_at, closed_at)) from procedures),
        (select max(visited_at) from visits),
        (select max(measure_date)::timestamptz from assistance_measures),
        (select max(taken_at) from photos)) as t`.execute(h.db);
    const t = r.rows[0]?.t;
    expect(t).not.toBeNull();
    expect(new Date(t as Date | string).getTime()).toBeLessThanOrEqual(TODAY.getTime());
  });

  it('adds nothing when run again, and tells the same story for the same seed', async () => {
    const before = await fingerprint(h.db);
    expect(await seedDemoCasework(h.db, { today: TODAY, seed: SEED })).toEqual({ procedures: 0, visits: 0, measures: 0, photos: 0, incomeYears: 0 });
    expect(await fingerprint(h.db)).toBe(before);
    const other = await cloneTemplate('demo-casework-again');
    const h2 = await other.openOwner();
    try {
      expect(await seedDemoCasework(h2.db, { today: TODAY, seed: SEED })).toEqual(result);
      expect(await fingerprint(h2.db)).toBe(before);
    } finally {
      await h2.close();
      await other.drop();
    }
  });
});
