// The map's figures per child area (GET /api/stats/{code}/children) against a real database (both
// backends), in a village no other test uses (紫塘村 of 鸡场镇): what this file adds there moves each
// figure by exactly what it should — 在册 households and people, 监测户 and their rate, households not
// visited within the visit interval, open findings by severity, the ledger's money and 资金支出进度 —
// and the township's and the county's rows hold the same deltas (rolled up by code prefix). Scoped
// like the other area reads: a village cadre reads its village only, a township officer its township's
// villages; 403 outside, 404 unknown, 400 malformed, 401 without a session. Counts only: no person.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { getTestDb } from '../../test/db.ts';
import { newAccount, newHousehold, roleCtx } from '../../test/factories.ts';
import { type Agent, anonymous, bodyOf, loginAs } from '../../test/http.ts';
import { postEntry } from '../funds/funds.ts';
import { createProject, ctxAs, SOURCE_A } from '../funds/test-projects.ts';
import { createChild, visitSpec } from '../households/children.ts';
import { VISIT_INTERVAL_DAYS } from './stats.ts';

const QINGLONG = '522324';
const JICHANG = '522324104'; // the township
const ZITANG = '522324104209'; // 紫塘村: this file's own village
const NEIGHBOUR = '522324104210'; // 大地村, beside it
const DAY = 86_400_000;

let db: Db;
let county: Agent;
let cadre: Agent;
let township: Agent;

type Figures = Awaited<ReturnType<typeof figuresOf>>;
async function figuresOf(agent: Agent, code: string, child: string) {
  const r = await bodyOf(await agent.api.stats[':code'].children.$get({ param: { code } }), 200);
  const item = r.items.find((i) => i.code === child);
  if (!item) throw new Error(`${child} not among the children of ${code}`);
  return item;
}

let before: { village: Figures; township: Figures; county: Figures };
let n = 0;
async function finding(village: string, severity: string, status: string, present = true) {
  n++;
  await sql`insert into findings (county_code, rule, household_no, id_number, village_code, severity, evidence, evidence_text, evidence_hash, status, present)
    values (${QINGLONG}, 'DECEASED', ${`地图${process.pid}-${n}`}, '', ${village}, ${severity}, '{}'::jsonb, '地图测试', ${`map${process.pid}-${n}`}, ${status}, ${present})`.execute(
    db,
  );
}

beforeAll(async () => {
  db = (await getTestDb()).db;
  const account = await newAccount({ role: 'village_cadre', area: ZITANG });
  [county, township, cadre] = await Promise.all([
    loginAs('qinglong_county'),
    loginAs('shazi_township'),
    loginAs(account.username, { password: account.password }),
  ]);
  before = {
    village: await figuresOf(county, JICHANG, ZITANG),
    township: await figuresOf(county, QINGLONG, JICHANG),
    county: await figuresOf(await loginAs('admin'), '5223', QINGLONG),
  };

  // Two households in the registry (5 people), one of them monitored; one candidate (not in the registry).
  const monitored = await newHousehold({ village: ZITANG, state: '监测户', members: 3 });
  const poor = await newHousehold({ village: ZITANG, state: '未脱贫户', members: 2 });
  const candidate = await newHousehold({ village: ZITANG, state: '待识别' });
  // Visits: the monitored household lately (not overdue), the poor one long ago (overdue), the candidate
  // lately (not in the registry: never counted). Any household of the village the seed had is overdue
  // already or not, as before: the difference is ours.
  const ctx = roleCtx(db, ZITANG, 'village_cadre');
  await createChild(ctx, monitored.id, visitSpec, { visitedAt: new Date(Date.now() - 10 * DAY).toISOString() });
  await createChild(ctx, poor.id, visitSpec, { visitedAt: new Date(Date.now() - (VISIT_INTERVAL_DAYS + 30) * DAY).toISOString() });
  await createChild(ctx, candidate.id, visitSpec, { visitedAt: new Date(Date.now() - DAY).toISOString() });

  await finding(ZITANG, 'exclude', 'open');
  await finding(ZITANG, 'exclude', 'open');
  await finding(ZITANG, 'risk', 'open');
  await finding(ZITANG, 'exclude', 'confirmed'); // reviewed: not open
  await finding(ZITANG, 'review', 'open', false); // gone from the latest run: not counted
  await finding(NEIGHBOUR, 'update', 'open'); // the neighbour's

  const official = ctxAs(db, 'county_official', QINGLONG);
  const spender = ctxAs(db, 'township_officer', JICHANG);
  const project = await createProject(db, { villages: [ZITANG], name: `地图紫塘村项目${process.pid}` });
  let v = 0;
  const post = (c: typeof official, kind: '下达' | '拨付' | '报账', amountFen: number) =>
    postEntry(c, { projectId: project.id, kind, source: SOURCE_A, amountFen, bookedOn: '2026-05-01', ...(kind === '报账' ? { voucherNo: `图-${v++}` } : {}) });
  await post(official, '下达', 2_000_000);
  await post(official, '拨付', 1_200_000);
  await post(spender, '报账', 500_000);
});

describe('GET /api/stats/{code}/children', () => {
  it('moves each figure of the village by what this file added, and the township’s and the county’s by the same', async () => {
    const after = {
      village: await figuresOf(county, JICHANG, ZITANG),
      township: await figuresOf(county, QINGLONG, JICHANG),
      county: await figuresOf(await loginAs('admin'), '5223', QINGLONG),
    };
    for (const level of ['village', 'township', 'county'] as const) {
      const a = after[level];
      const b = before[level];
      expect(a.households - b.households, level).toBe(2);
      expect(a.people - b.people, level).toBe(5);
      expect(a.monitoringHouseholds - b.monitoringHouseholds, level).toBe(1);
      expect(a.visitsOverdue - b.visitsOverdue, level).toBe(1);
      expect(a.openFindings - b.openFindings, level).toBe(level === 'village' ? 3 : 4);
      expect(a.openFindingsBySeverity.exclude - b.openFindingsBySeverity.exclude, level).toBe(2);
      expect(a.openFindingsBySeverity.risk - b.openFindingsBySeverity.risk, level).toBe(1);
      expect(a.openFindingsBySeverity.update - b.openFindingsBySeverity.update, level).toBe(level === 'village' ? 0 : 1);
      expect(a.openFindingsBySeverity.review - b.openFindingsBySeverity.review, level).toBe(0);
      expect(a.monitoringRate).toBe(Math.round((a.monitoringHouseholds / a.households) * 10_000) / 10_000);
      if (!a.funds || !b.funds) throw new Error('no funds');
      expect(a.funds.allocatedFen - b.funds.allocatedFen, level).toBe(2_000_000);
      expect(a.funds.disbursedFen - b.funds.disbursedFen, level).toBe(1_200_000);
      expect(a.funds.spentFen - b.funds.spentFen, level).toBe(500_000);
      expect(a.funds.progress).toBe(Math.round((a.funds.spentFen / a.funds.allocatedFen) * 10_000) / 10_000);
    }
    // The village's money is this file's only (no one else's project leads from 紫塘村).
    expect(after.village.funds).toMatchObject({ allocatedFen: 2_000_000, spentFen: 500_000, progress: 0.25 });
  });

  it('equals direct counts over the tables for the village', async () => {
    const r = await bodyOf(await county.api.stats[':code'].children.$get({ param: { code: JICHANG } }), 200);
    expect(r.area).toEqual({ code: JICHANG, name: expect.any(String) as string, level: 'township' });
    expect(r.visitIntervalDays).toBe(VISIT_INTERVAL_DAYS);
    expect(r.fundsShown).toBe(true);
    expect(r.items.every((i) => i.level === 'village' && i.code.startsWith(JICHANG))).toBe(true);
    const village = r.items.find((i) => i.code === ZITANG);
    const households = await db
      .selectFrom('households')
      .select(['id', 'status'])
      .where('village_code', '=', ZITANG)
      .where('deleted_at', 'is', null)
      .where('registry_state', '=', '在册')
      .execute();
    const since = new Date(Date.now() - VISIT_INTERVAL_DAYS * DAY);
    const visited = new Set(
      (
        await db
          .selectFrom('visits')
          .select('household_id')
          .where('deleted_at', 'is', null)
          .where('visited_at', '>=', since)
          .where(
            'household_id',
            'in',
            households.map((h) => h.id),
          )
          .execute()
      ).map((v) => v.household_id),
    );
    const people = await db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(
        'household_id',
        'in',
        households.map((h) => h.id),
      )
      .where('deleted_at', 'is', null)
      .where('person_status', 'not in', ['死亡', '迁出'])
      .executeTakeFirstOrThrow();
    expect(village).toMatchObject({
      name: '紫塘村',
      households: households.length,
      people: Number(people.n),
      monitoringHouseholds: households.filter((h) => h.status === '监测户').length,
      visitsOverdue: households.filter((h) => !visited.has(h.id)).length,
    });
  });

  it('gives a village cadre its village itself, and refuses the township and the village beside it', async () => {
    const r = await bodyOf(await cadre.api.stats[':code'].children.$get({ param: { code: ZITANG } }), 200);
    expect(r.area.level).toBe('village');
    expect(r.items.map((i) => i.code)).toEqual([ZITANG]);
    expect(r.items[0]).toEqual(await figuresOf(county, JICHANG, ZITANG));
    for (const code of [JICHANG, NEIGHBOUR, QINGLONG]) expect((await cadre.api.stats[':code'].children.$get({ param: { code } })).status, code).toBe(403);
  });

  it('gives a township officer its own township’s villages only', async () => {
    const r = await bodyOf(await township.api.stats[':code'].children.$get({ param: { code: '522324101' } }), 200);
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.every((i) => i.code.startsWith('522324101'))).toBe(true);
    expect((await township.api.stats[':code'].children.$get({ param: { code: JICHANG } })).status).toBe(403);
    expect((await township.api.stats[':code'].children.$get({ param: { code: QINGLONG } })).status).toBe(403);
  });

  it('names no person: only codes, names of areas and figures', async () => {
    const res = await county.get(`/api/stats/${JICHANG}/children`);
    const text = await res.text();
    const heads = await db
      .selectFrom('members as m')
      .innerJoin('households as h', 'h.id', 'm.household_id')
      .select(['m.name', 'm.id_number'])
      .where('h.village_code', '=', ZITANG)
      .execute();
    expect(heads.length).toBeGreaterThan(0);
    for (const m of heads) {
      expect(text).not.toContain(m.name);
      expect(text).not.toContain(m.id_number);
    }
  });

  it('refuses without a session, and refuses bad or unknown codes', async () => {
    expect((await (await anonymous()).get(`/api/stats/${QINGLONG}/children`)).status).toBe(401);
    expect((await county.get('/api/stats/52232/children')).status).toBe(400);
    expect((await county.get('/api/stats/522324101999/children')).status).toBe(404);
  });
});
