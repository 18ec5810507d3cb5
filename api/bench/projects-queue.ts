// The approval queue at county scale (issue 15 target: p95 ≤ 100 ms at 20 concurrent users).
// 晴隆县 (522324) gets BENCH_QUEUE_PROJECTS projects (default 5000) spread over its villages and
// every state of the chain, each with its steps so far and two budget lines, on top of the demo
// registry and accounts. Then 20 clients (closed loop: each asks again as soon as it is answered,
// the way 20 people keep reloading their queue) request /api/projects/queue — the county office,
// the township and the village cadre in turn — and the p95 is printed with its ratio to the target
// and to /api/health under the same load. BENCH_SECONDS (default 10); BENCH_KEEP=1 keeps the database.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '../../seeds/demo-accounts.ts';
import { seedDemo } from '../../seeds/index.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { FUND_SOURCES } from '../modules/funds/code-lists.ts';
import { PROJECT_STATES, PROJECT_TYPES } from '../modules/projects/code-lists.ts';
import { type LoadResult, runLoad } from './load.ts';
import { scratchDatabase } from './scratch.ts';

const PROJECTS = Number(process.env.BENCH_QUEUE_PROJECTS ?? 5_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const USERS = 20;
const TARGET_P95_MS = 100;
const COUNTY = '522324';

const show = (label: string, r: LoadResult) =>
  console.log(
    `${label.padEnd(40)} ${r.rps.toFixed(0).padStart(5)} req/s  p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  errors ${r.errors}`,
  );

async function queueBench() {
  const scratch = await scratchDatabase('queue');
  const db = scratch.handle.db;
  try {
    console.log(`database: ${scratch.where}`);
    const t0 = performance.now();
    await seedDemo({ db, bulk: scratch.handle.bulk }, { households: 2_000, seed: 20261204, projects: false });
    const villages = (
      await db.selectFrom('areas').select('code').where('level', '=', 'village').where('county_code', '=', COUNTY).orderBy('code').execute()
    ).map((v) => v.code);
    // Every tenth project in the demo cadre's village 保家村, so the village's own queue is not empty.
    await sql`
      insert into projects (county_code, village_code, plan_year, name, type, state, created_by_name, created_at)
      select ${COUNTY}, case when g % 10 = 0 then '522324101209' else (${villages}::text[])[1 + g % ${villages.length}] end, 2024 + g % 3, '项目' || g,
        (${[...PROJECT_TYPES]}::text[])[1 + g % ${PROJECT_TYPES.length}], (${[...PROJECT_STATES]}::text[])[1 + g % ${PROJECT_STATES.length}], 'bench',
        timestamptz '2024-01-01 09:00+08' + (g % 700) * interval '1 day'
      from generate_series(1, ${PROJECTS}) g`.execute(db);
    await sql`insert into project_villages (project_id, county_code, village_code) select id, county_code, village_code from projects`.execute(db);
    await sql`
      insert into project_budget_lines (project_id, county_code, source, amount_fen)
      select p.id, p.county_code, s.source, 10000000 from projects p
      cross join lateral (values ((${[...FUND_SOURCES]}::text[])[1 + abs(hashtext(p.id::text)) % 4]), ((${[...FUND_SOURCES]}::text[])[5 + abs(hashtext(p.id::text)) % 4])) s(source)`.execute(
      db,
    );
    // The steps so far: one per state the project has passed (its position in the chain).
    await sql`
      insert into project_steps (project_id, county_code, seq, action, from_state, to_state, actor_name, actor_role, at)
      select p.id, p.county_code, k, 'approve', (${[...PROJECT_STATES]}::text[])[k], (${[...PROJECT_STATES]}::text[])[k + 1], 'bench', 'bench',
        p.created_at + k * interval '9 days'
      from projects p cross join lateral generate_series(1, array_position(${[...PROJECT_STATES]}::text[], p.state) - 1) k`.execute(db);
    await sql`
      update projects p set state_since = coalesce((select max(s.at) from project_steps s where s.project_id = p.id), p.created_at)`.execute(db);
    await sql`vacuum analyze`.execute(db);
    const n = await sql<{ steps: number }>`select count(*)::int as steps from project_steps`.execute(db);
    console.log(
      `${PROJECTS} projects with ${n.rows[0]?.steps} steps in ${villages.length} villages (made in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );

    const config = { ...loadConfig(), logLevel: 'silent' as const };
    const app = createApp({ db, bulk: scratch.handle.bulk, config });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const login = async (username: string) => {
        const r = await fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: DEMO_PASSWORD }),
        });
        return r.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');
      };
      const run = (paths: string[], headers: Record<string, string>) => runLoad({ url, paths, headers, connections: USERS, seconds: SECONDS });
      const results: [string, LoadResult][] = [];
      await fetch(`${url}/api/health`);
      const health = await run(['/api/health'], {});
      show('/api/health (floor)', health);
      for (const [who, username] of [
        ['county office (县扶贫办)', 'qinglong_county'],
        ['township (沙子镇)', 'shazi_township'],
        ['village cadre (保家村)', 'baojia_cadre'],
      ] as const) {
        const cookie = await login(username);
        const one = (await (await fetch(`${url}/api/projects/queue`, { headers: { cookie } })).json()) as { items: unknown[]; total?: number };
        const alone = await runLoad({ url, paths: ['/api/projects/queue'], headers: { cookie }, connections: 1, seconds: Math.min(SECONDS, 3) });
        show(`queue: ${who}, one user alone (service time)`, alone);
        const r = await run(['/api/projects/queue'], { cookie });
        results.push([who, r]);
        show(`queue: ${who}, ${one.total ?? one.items.length} waiting`, r);
      }
      const worst = Math.max(...results.map(([, r]) => r.p95));
      const errors = results.reduce((s, [, r]) => s + r.errors, 0);
      console.log(
        `target p95 ≤ ${TARGET_P95_MS} ms at ${USERS} concurrent users: ${worst <= TARGET_P95_MS && errors === 0 ? 'met' : 'NOT met'} — worst p95 ${worst.toFixed(1)} ms = ` +
          `${(worst / TARGET_P95_MS).toFixed(2)}× the target (${(worst / health.p95).toFixed(1)}× /api/health's p95 under the same load)`,
      );
    } finally {
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    }
  } finally {
    if (process.env.BENCH_KEEP) await scratch.handle.close();
    else await scratch.drop();
  }
}

export const projectsQueueBenchmarks = { 'projects-queue': queueBench };
