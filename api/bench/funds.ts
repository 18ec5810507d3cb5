// The fund ledger at county scale (issue 15 targets): 5,000 projects and 200,000 entries in
// 晴隆县 (522324). Measured at the function (no routes yet):
//  - every balance of the county ≤ 200 ms (each grouping a county official asks for), with its
//    ratio to a bare sum over the county's entries measured in the same run;
//  - a village's figures (villageFunds: what the public page, the map and the SMS use), p95 over
//    villages drawn from the county (the page's target, p95 ≤ 50 ms at 200 req/s, is for HTTP);
//  - posting an entry (lock, totals, check, insert, audit): p50/p95.
// Sizes: BENCH_FUNDS_PROJECTS (default 5000), BENCH_FUNDS_ENTRIES_PER_PROJECT (default 40); BENCH_KEEP=1 keeps the database.
import { sql } from 'kysely';
import { seedAreas } from '../../seeds/areas.ts';
import { FUND_SOURCES } from '../modules/funds/code-lists.ts';
import { balances, postEntry, villageFunds, yearPeriod } from '../modules/funds/funds.ts';
import type { Dimension } from '../modules/funds/queries.ts';
import { PROJECT_STATES, PROJECT_TYPES } from '../modules/projects/code-lists.ts';
import { Scope } from '../modules/auth/scope.ts';
import type { Ctx } from '../context.ts';
import { scratchDatabase } from './scratch.ts';

const PROJECTS = Number(process.env.BENCH_FUNDS_PROJECTS ?? 5_000);
const PER_PROJECT = Number(process.env.BENCH_FUNDS_ENTRIES_PER_PROJECT ?? 40);
const COUNTY = '522324';

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1] as number };
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

async function fundsBench() {
  const scratch = await scratchDatabase('funds', 4);
  const db = scratch.handle.db;
  try {
    console.log(`database: ${scratch.where}`);
    const t0 = performance.now();
    await seedAreas(db);
    const villages = (
      await db.selectFrom('areas').select('code').where('level', '=', 'village').where('county_code', '=', COUNTY).orderBy('code').execute()
    ).map((v) => v.code);
    // Projects spread over the county's villages, every type and chain state, plan years 2024–2026.
    await sql`
      insert into projects (county_code, village_code, plan_year, name, type, state, created_by_name)
      select ${COUNTY}, (${villages}::text[])[1 + g % ${villages.length}], 2024 + g % 3, '项目' || g,
        (${[...PROJECT_TYPES]}::text[])[1 + g % ${PROJECT_TYPES.length}], (${[...PROJECT_STATES.slice(3, 9)]}::text[])[1 + g % 6], 'bench'
      from generate_series(1, ${PROJECTS}) g`.execute(db);
    await sql`insert into project_villages (project_id, county_code, village_code) select id, county_code, village_code from projects`.execute(db);
    // Two fund sources per project; entries: a fifth allocations, a third disbursements, the rest reimbursements.
    await sql`
      insert into project_budget_lines (project_id, county_code, source, amount_fen)
      select p.id, p.county_code, s.source, 10000000 from projects p
      cross join lateral (values ((${[...FUND_SOURCES]}::text[])[1 + abs(hashtext(p.id::text)) % 4]), ((${[...FUND_SOURCES]}::text[])[5 + abs(hashtext(p.id::text)) % 4])) s(source)`.execute(
      db,
    );
    await sql`
      insert into ledger_entries (county_code, project_id, kind, source, amount_fen, booked_on, voucher_no, created_by_name, created_by_role)
      select p.county_code, p.id,
        case when i * 5 <= ${PER_PROJECT} then '下达' when i * 2 <= ${PER_PROJECT} then '拨付' else '报账' end,
        (select source from project_budget_lines b where b.project_id = p.id order by source offset i % 2 limit 1),
        case when i * 5 <= ${PER_PROJECT} then 500000 when i * 2 <= ${PER_PROJECT} then 300000 else 50000 end,
        date '2024-01-01' + ((p.plan_year - 2024) * 365 + i * 7) % 1000,
        case when i * 2 > ${PER_PROJECT} then 'V-' || i end, 'bench', 'bench'
      from projects p cross join generate_series(1, ${PER_PROJECT}) i`.execute(db);
    // What autovacuum would have done by now on a live server (the visibility map for index-only scans).
    await sql`vacuum analyze`.execute(db);
    const n = await sql<{ n: number }>`select count(*)::int as n from ledger_entries`.execute(db);
    console.log(`${PROJECTS} projects, ${n.rows[0]?.n} entries in ${villages.length} villages (made in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    const ctx: Ctx = {
      db,
      scope: new Scope(COUNTY, 'county_official'),
      actor: { id: null, name: 'bench', role: 'county_official' },
      origin: { via: 'bench' },
      now: new Date(),
    };
    // The bare floor: one sum over the county's entries.
    const floor: number[] = [];
    for (let k = 0; k < 10; k++) floor.push((await time(() => sql`select sum(delta_fen) from ledger_entries where county_code = ${COUNTY}`.execute(db)))[0]);
    const base = stats(floor).p50;
    console.log(`bare sum over the county's entries: p50 ${base.toFixed(1)} ms`);
    const groupings: Dimension[][] = [[], ['project'], ['village'], ['township'], ['source'], ['year'], ['township', 'source', 'year']];
    let worst = 0;
    for (const by of groupings) {
      const ms: number[] = [];
      let rows = 0;
      for (let k = 0; k < 10; k++) {
        const [t, r] = await time(() => balances(ctx, { by }));
        ms.push(t);
        rows = r.length;
      }
      const s = stats(ms);
      worst = Math.max(worst, s.p95);
      console.log(
        `balances by [${by.join(', ') || 'total'}]`.padEnd(44) +
          `${String(rows).padStart(5)} rows  p50 ${s.p50.toFixed(1)} ms  p95 ${s.p95.toFixed(1)} ms  (${(s.p50 / base).toFixed(1)}× the bare sum)`,
      );
    }
    console.log(`target every balance of the county ≤ 200 ms: ${worst <= 200 ? 'met' : 'NOT met'} (worst p95 ${worst.toFixed(1)} ms)`);

    const vf: number[] = [];
    for (let k = 0; k < 300; k++) vf.push((await time(() => villageFunds(db, villages[(k * 37) % villages.length] as string, yearPeriod(2025))))[0]);
    const v = stats(vf);
    console.log(
      `villageFunds (one village, a year): p50 ${v.p50.toFixed(1)} ms  p95 ${v.p95.toFixed(1)} ms  max ${v.max.toFixed(1)} ms (the page's budget: p95 ≤ 50 ms)`,
    );

    const projects = (await db.selectFrom('projects').select('id').orderBy('id').limit(200).execute()).map((p) => p.id);
    const posts: number[] = [];
    for (const id of projects) {
      const line = await db.selectFrom('project_budget_lines').select('source').where('project_id', '=', id).orderBy('source').executeTakeFirstOrThrow();
      posts.push((await time(() => postEntry(ctx, { projectId: id, kind: '下达', source: line.source, amountFen: 100, bookedOn: '2025-06-01' })))[0]);
    }
    const p = stats(posts);
    console.log(`postEntry (lock, totals, check, insert, audit): p50 ${p.p50.toFixed(1)} ms  p95 ${p.p95.toFixed(1)} ms`);
  } finally {
    // BENCH_KEEP=1 leaves the scratch database for EXPLAIN (PostgreSQL).
    if (process.env.BENCH_KEEP) await scratch.handle.close();
    else await scratch.drop();
  }
}

export const fundsBenchmarks = { funds: fundsBench };
