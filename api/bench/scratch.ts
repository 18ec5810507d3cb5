// A scratch database for a benchmark, on the backend the run uses: a temporary data directory
// for embedded PGlite, or a database created next to DATABASE_URL's (dropped afterwards).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type DbHandle, openDatabase } from '../db/connect.ts';
import { loadConfig } from '../config.ts';
import { migrateToLatest } from '../db/migrate.ts';

async function admin(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

export interface Scratch {
  handle: DbHandle;
  where: string;
  /** Environment for a child process (e.g. `dripline seed`) to use the same database. */
  env: Record<string, string>;
  /** Closes the handle (an embedded database admits one process at a time), runs fn, reopens. */
  release<T>(fn: () => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

/** A migrated, empty scratch database; `drop` removes it. */
export async function scratchDatabase(label: string, poolSize = 20): Promise<Scratch> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const u = new URL(url);
    const name = `${u.pathname.replace(/^\//, '') || 'postgres'}_bench_${label}_${process.pid}`;
    await admin(url, `drop database if exists "${name}"`);
    await admin(url, `create database "${name}"`);
    u.pathname = `/${name}`;
    const handle = await openDatabase({ databaseUrl: u.toString(), dataDir: '', preparedStatements: loadConfig().preparedStatements }, { poolSize });
    await migrateToLatest(handle.db);
    const scratch: Scratch = {
      handle,
      where: `PostgreSQL (scratch database ${name}, pool ${poolSize})`,
      env: { DATABASE_URL: u.toString() },
      release: (fn) => fn(),
      drop: async () => {
        await scratch.handle.close();
        await admin(url, `drop database if exists "${name}" with (force)`);
      },
    };
    return scratch;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dripline-bench-${label}-`));
  const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir });
  await migrateToLatest(handle.db);
  const scratch: Scratch = {
    handle,
    where: 'embedded PGlite (temp data dir)',
    env: { DRIPLINE_DATA_DIR: dir },
    release: async (fn) => {
      await scratch.handle.close();
      try {
        return await fn();
      } finally {
        scratch.handle = await openDatabase({ databaseUrl: undefined, dataDir: dir });
      }
    },
    drop: async () => {
      await scratch.handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return scratch;
}
