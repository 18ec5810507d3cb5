// kill -9 in the middle of a registry import, a department dataset import and a cross-check run
// (real `dripline` child processes) leaves the database as it was before — counts, the audit chain
// — and the next run succeeds. On the embedded database the data directory reopens cleanly: the
// dead process's lock is detected as stale and PostgreSQL's recovery runs. "In the middle" is
// shown, not guessed: on PostgreSQL a probe sees the child's transaction holding a transaction id
// (it has written) while its COPY or rule is running; on the embedded database the child's debug
// output names the step it has finished inside its transaction and the table's file on disk has
// grown with uncommitted rows.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRegistryCsv } from '../../seeds/registry-generator.ts';
import { verifyAuditChain } from '../modules/audit/audit.ts';
import { cloneTemplate } from '../test/cli.ts';
import { ROOT, TMP, testAuditKeyFile, useTestAuditKey } from '../test/template.ts';
import type { DbHandle } from './connect.ts';
import { lockFilePath, readLock } from './lock.ts';
import type { Database } from './schema.ts';

const BIN = path.join(ROOT, 'api/bin/dripline.js');
const COUNTY = '522301'; // 兴义市: no households in the test template, so the registry file is a first load
const HOUSEHOLDS = 4000;
const VEHICLES = 300_000;

type Target = Awaited<ReturnType<typeof cloneTemplate>>;

interface Snapshot {
  counts: Record<string, number>;
  registryJobs: Record<string, number>;
  auditOk: boolean;
  auditEntries: number;
}

async function snapshot(db: Kysely<Database>): Promise<Snapshot> {
  const counts: Record<string, number> = {};
  for (const table of ['households', 'members', 'audit_log', 'dataset_versions', 'ds_vehicles', 'findings', 'crosscheck_runs']) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
    counts[table] = Number(r.rows[0]?.n);
  }
  const jobs = await sql<{ status: string; n: number }>`select status, count(*)::int as n from registry_imports group by status`.execute(db);
  const verify = await verifyAuditChain(db);
  return { counts, registryJobs: Object.fromEntries(jobs.rows.map((r) => [r.status, Number(r.n)])), auditOk: verify.ok, auditEntries: verify.entries };
}

async function withDb<T>(target: Target, fn: (h: DbHandle) => Promise<T>): Promise<T> {
  const h = await target.open();
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

function start(args: string[], env: Record<string, string>) {
  // The run's audit key, as every CLI child of the tests signs with (api/test/cli.ts).
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DRIPLINE_LOG_LEVEL: 'debug', DRIPLINE_AUDIT_KEY_FILE: testAuditKeyFile() };
  delete childEnv.DATABASE_URL;
  delete childEnv.DRIPLINE_DATA_DIR;
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => {
    out.stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out.stderr += d.toString();
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, out, exited };
}

async function runToEnd(args: string[], env: Record<string, string>) {
  const { out, exited } = start(args, env);
  const [code] = await exited;
  return { code, ...out };
}

/** Polls `cond` until it holds; fails (naming what it waited for) if the child ends first. */
async function waitFor(what: string, child: ChildProcess, out: { stderr: string }, cond: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the child ended before ${what}:\n${out.stderr.slice(-2000)}`);
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}:\n${out.stderr.slice(-2000)}`);
}

/** PostgreSQL: the child's backend is inside a transaction that has written, running `query`. */
async function pgWriting(url: string, query: RegExp, minCopied = 0): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ query: string; copied: string | null }>(
      `select a.query, p.tuples_processed::text as copied
       from pg_stat_activity a left join pg_stat_progress_copy p on p.pid = a.pid
       where a.datname = current_database() and a.pid <> pg_backend_pid() and a.backend_xid is not null and a.state = 'active'`,
    );
    return r.rows.some((row) => query.test(row.query) && Number(row.copied ?? 0) >= minCopied);
  } finally {
    await client.end();
  }
}

/** Embedded: the size of a table's file in the data directory (uncommitted rows are written there too). */
async function relationFile(target: Target, table: string): Promise<string | undefined> {
  if (!target.env.DRIPLINE_DATA_DIR) return undefined;
  const rel = await withDb(target, async (h) => (await sql<{ p: string }>`select pg_relation_filepath(${table}) as p`.execute(h.db)).rows[0]?.p);
  return path.join(target.env.DRIPLINE_DATA_DIR, 'pgdata', rel as string);
}
const sizeOf = (file: string | undefined) => (file && fs.existsSync(file) ? fs.statSync(file).size : 0);

async function killAndCheck(target: Target, run: ReturnType<typeof start>, before: Snapshot) {
  run.child.kill('SIGKILL');
  const [code, signal] = await run.exited;
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
  if (target.env.DRIPLINE_DATA_DIR) {
    // The dead process's lock is still there; the next opener finds it stale.
    const lock = readLock(target.env.DRIPLINE_DATA_DIR);
    expect(lock?.pid).toBe(run.child.pid);
    expect(fs.existsSync(lockFilePath(target.env.DRIPLINE_DATA_DIR))).toBe(true);
  }
  const after = await withDb(target, (h) => snapshot(h.db));
  expect({ ...after, registryJobs: undefined }).toEqual({ ...before, registryJobs: undefined });
  return after;
}

// Each test opens the database several times and runs a real import twice: minutes on a shared machine.
describe('kill -9 in the middle of a write', { timeout: 900_000 }, () => {
  let target: Target;
  const scratch = path.join(TMP, `kill9-${process.pid}`);
  const registryFile = path.join(scratch, 'registry.csv');
  const vehiclesFile = path.join(scratch, 'vehicles.csv');

  beforeAll(async () => {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.mkdirSync(scratch, { recursive: true });
    // This process verifies the chains the children sign: it trusts the run's key.
    useTestAuditKey();
    target = await cloneTemplate('kill9');
    const villages = await withDb(target, (h) =>
      h.db
        .selectFrom('areas')
        .select(['code', 'name', sql<number>`st_x(label_point)`.as('lon'), sql<number>`st_y(label_point)`.as('lat')])
        .where('level', '=', 'village')
        .where('county_code', '=', COUNTY)
        .orderBy('code')
        .execute(),
    );
    const out = fs.createWriteStream(registryFile);
    await writeRegistryCsv(
      { households: HOUSEHOLDS, seed: 13, countyCode: COUNTY, villages: villages.map((v) => ({ ...v, lon: Number(v.lon), lat: Number(v.lat) })) },
      out,
    );
    out.end();
    await once(out, 'close');
  }, 300_000);

  afterAll(async () => {
    await target?.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('a registry import killed mid-write keeps nothing; the data directory reopens; the next import succeeds', async () => {
    const before = await withDb(target, (h) => snapshot(h.db));
    expect(before.auditOk).toBe(true);
    const membersFile = await relationFile(target, 'members');
    const sizeBefore = sizeOf(membersFile);
    const run = start(['registry', 'import', registryFile], target.env);
    if (target.env.DATABASE_URL) {
      // A first load on PostgreSQL writes the cards while it reads (COPY into households/members).
      await waitFor('the import to be copying cards inside its transaction', run.child, run.out, () =>
        pgWriting(target.env.DATABASE_URL as string, /^COPY "(households|members)"/i, 2000),
      );
    } else {
      await waitFor('the merge to have written the cards', run.child, run.out, () => /registry import: merge done/.test(run.out.stderr));
      expect(sizeOf(membersFile)).toBeGreaterThan(sizeBefore);
    }
    const after = await killAndCheck(target, run, before);
    // Only the job's own record is left, saying "running" (it is written before the transaction,
    // so that progress can be polled) …
    expect(after.registryJobs).toEqual({ ...before.registryJobs, running: (before.registryJobs.running ?? 0) + 1 });

    const again = await runToEnd(['registry', 'import', registryFile], target.env);
    expect(again.stderr.replace(/^\[debug\].*\n/gm, '')).toBe('');
    expect(again.code).toBe(0);
    const done = await withDb(target, (h) => snapshot(h.db));
    expect(done.counts.households).toBe((before.counts.households as number) + HOUSEHOLDS);
    expect(done.auditOk).toBe(true);
    // … until the next import marks it failed: interrupted.
    expect(done.registryJobs.running ?? 0).toBe(0);
    const jobs = await withDb(target, (h) =>
      h.db.selectFrom('registry_imports').select(['status', 'file_error']).orderBy('created_at', 'desc').limit(2).execute(),
    );
    expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'failed']);
    const fileError = jobs[1]?.file_error;
    expect(typeof fileError === 'string' ? JSON.parse(fileError) : fileError).toMatchObject({ key: 'registry.interrupted' });
  });

  it('a department dataset import killed mid-write keeps nothing; the next import succeeds', async () => {
    // Vehicles of people in the registry just imported (so the cross-check below has work to do).
    const ids = await withDb(target, async (h) =>
      (await sql<{ id: string }>`select id_number as id from members where county_code = ${COUNTY} order by id_number`.execute(h.db)).rows.map((r) => r.id),
    );
    expect(ids.length).toBeGreaterThan(HOUSEHOLDS);
    const lines = ['所有人,身份证号,号牌号码,车辆类型,初次登记日期,状态'];
    for (let i = 0; i < VEHICLES; i++)
      lines.push(`某某,${ids[i % ids.length]},贵E${String(i).padStart(6, '0')},${['小型轿车', '轻型货车', '摩托车'][i % 3]},2020-01-01,正常`);
    fs.writeFileSync(vehiclesFile, `${lines.join('\n')}\n`);

    const before = await withDb(target, (h) => snapshot(h.db));
    const dsFile = await relationFile(target, 'ds_vehicles');
    const sizeBefore = sizeOf(dsFile);
    const run = start(['datasets', 'import', '--source', 'vehicles', '--county', COUNTY, vehiclesFile], target.env);
    if (target.env.DATABASE_URL) {
      await waitFor('the COPY into ds_vehicles to be under way', run.child, run.out, () =>
        pgWriting(target.env.DATABASE_URL as string, /^COPY "ds_vehicles"/i, 20_000),
      );
    } else {
      // Rows reach the table's file in 8 MB pieces while the rest of the file is still being read.
      await waitFor('uncommitted rows in the file of ds_vehicles', run.child, run.out, () => sizeOf(dsFile) > sizeBefore + 4 * 1024 * 1024);
      expect(run.out.stderr).toMatch(/dataset import: \d+ rows read and sent/);
    }
    await killAndCheck(target, run, before);

    const again = await runToEnd(['datasets', 'import', '--source', 'vehicles', '--county', COUNTY, vehiclesFile], target.env);
    expect(again.code, again.stderr).toBe(0);
    const done = await withDb(target, (h) => snapshot(h.db));
    expect(done.counts.ds_vehicles).toBe((before.counts.ds_vehicles as number) + VEHICLES);
    expect(done.counts.dataset_versions).toBe((before.counts.dataset_versions as number) + 1);
    expect(done.auditOk).toBe(true);
  });

  it('a cross-check run killed mid-run keeps nothing; the next run succeeds', async () => {
    const before = await withDb(target, (h) => snapshot(h.db));
    const run = start(['crosscheck', 'run', '--county', COUNTY, '--as-of', '2026-06-30'], target.env);
    if (target.env.DATABASE_URL) {
      await waitFor('a rule inserting candidates inside the run’s transaction', run.child, run.out, () =>
        pgWriting(target.env.DATABASE_URL as string, /insert into cc_candidates/i),
      );
    } else {
      await waitFor('a rule to have inserted its candidates', run.child, run.out, () => /crosscheck run: rule \S+ done/.test(run.out.stderr));
    }
    await killAndCheck(target, run, before);

    const again = await runToEnd(['crosscheck', 'run', '--county', COUNTY, '--as-of', '2026-06-30'], target.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/VEHICLE\s+[1-9]\d*/);
    const done = await withDb(target, (h) => snapshot(h.db));
    expect(done.counts.crosscheck_runs).toBe((before.counts.crosscheck_runs as number) + 1);
    expect(done.counts.findings).toBeGreaterThan(before.counts.findings as number);
    expect(done.auditOk).toBe(true);
  });
});
