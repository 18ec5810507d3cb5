// The map's figures and the county dashboard at county scale (issue 16 §2, §5): 100k households in one
// county (晴隆县, BENCH_MAP_HOUSEHOLDS) with three members each and a visit for two in three, then over
// HTTP as the pages ask, 20 times each after a warm-up:
//   - GET /api/stats/522324/children (the area map's choropleths: the county's townships) and
//     /api/stats/522324101/children (a township's villages);
//   - GET /api/stats/522324 (the county dashboard, whose children table is the same query).
// Target (the issue's): the county dashboard ≤ 300 ms for 100k households.
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '../../seeds/demo-accounts.ts';
import { seedDemo } from '../../seeds/index.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { DbHandle } from '../db/connect.ts';
import { scratchDatabase } from './scratch.ts';

const HOUSEHOLDS = Number(process.env.BENCH_MAP_HOUSEHOLDS ?? 100_000);
const RUNS = 20;
const COUNTY = '522324';
const TARGET_DASHBOARD_MS = 300;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms  p95 ${pct(xs, 95).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`;

/** The demo county plus households (3 members each, a visit for two in three) spread over its villages, by SQL. */
async function load(h: DbHandle): Promise<void> {
  const t0 = performance.now();
  await seedDemo({ db: h.db, bulk: h.bulk }, { households: 1_000, seed: 20261205, projects: true });
  await sql`
    with v as (select array_agg(code order by code) as codes from areas where level = 'village' and county_code = ${COUNTY})
    insert into households (county_code, village_code, household_no, head_name, status, registry_state)
    select ${COUNTY}, v.codes[1 + g % cardinality(v.codes)], 'M' || lpad(g::text, 12, '0'), '户主' || g,
      (array['未脱贫户', '脱贫户', '脱贫户', '脱贫户', '监测户', '已消除风险'])[1 + g % 6], '在册'
    from v, generate_series(1, ${HOUSEHOLDS - 1_000}) g`.execute(h.db);
  await sql`
    insert into members (household_id, county_code, name, id_number, relation)
    select h.id, h.county_code, '成员' || k, 'X' || h.household_no || k, case when k = 1 then '户主' else '之子' end
    from households h cross join generate_series(1, 3) k where h.household_no like 'M%'`.execute(h.db);
  await sql`
    insert into visits (household_id, county_code, visited_at, visitor_name)
    select h.id, h.county_code, now() - (random() * 200 || ' days')::interval, '帮扶干部'
    from households h where h.household_no like 'M%' and right(h.household_no, 1) not in ('0', '3', '6')`.execute(h.db);
  await sql`analyze`.execute(h.db);
  const n = await sql<{ n: number }>`select count(*)::int as n from households where county_code = ${COUNTY}`.execute(h.db);
  console.log(`${n.rows[0]?.n} households in ${COUNTY} (loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

async function mapFiguresBench(): Promise<void> {
  const scratch = await scratchDatabase('mapfigures');
  const h = scratch.handle;
  try {
    console.log(`database: ${scratch.where}`);
    await load(h);
    const app = createApp({ db: h.db, bulk: h.bulk, config: { ...loadConfig(), logLevel: 'silent' as const }, listen: h.listen });
    const login = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'qinglong_county', password: DEMO_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const timed = async (path: string) => {
      const get = async () => {
        const res = await app.request(path, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      };
      await get();
      const ms: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await get();
        ms.push(performance.now() - t0);
      }
      return ms;
    };
    const townships = await timed(`/api/stats/${COUNTY}/children`);
    const villages = await timed(`/api/stats/${COUNTY}101/children`);
    const dashboard = await timed(`/api/stats/${COUNTY}`);
    console.log(`map figures, the county's townships:  ${fmt(townships)}`);
    console.log(`map figures, a township's villages:   ${fmt(villages)}`);
    console.log(`county dashboard:                     ${fmt(dashboard)}`);
    const p95 = pct(dashboard, 95);
    console.log(
      `dashboard p95 ${p95.toFixed(1)} ms = ${(p95 / TARGET_DASHBOARD_MS).toFixed(2)} × the target (≤ ${TARGET_DASHBOARD_MS} ms) — ${p95 <= TARGET_DASHBOARD_MS ? 'met' : 'NOT met'}`,
    );
    console.log(`map figures / dashboard p95: ${(pct(townships, 95) / p95).toFixed(2)}`);
  } finally {
    if (process.env.BENCH_KEEP !== '1') await scratch.drop();
  }
}

export const mapFiguresBenchmarks = { 'map-figures': mapFiguresBench };
