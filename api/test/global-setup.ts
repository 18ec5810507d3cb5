// Vitest global setup for the integration project: build the web app if stale, and build
// (or reuse) the migrated + seeded template database; workers clone it (api/test/db.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { grantServerRole } from '../db/roles.ts';
import { seedDemo } from '../../seeds/index.ts';
import {
  adminQuery,
  adminUrl,
  asOwner,
  pgliteTemplateDir,
  ROOT,
  serverRole,
  TEST_HOUSEHOLDS,
  TMP,
  templateKey,
  useTestAuditKey,
  withDatabase,
} from './template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateKey: string;
    templateDb: string;
  }
}

function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

function buildWebIfStale() {
  const index = path.join(ROOT, 'web/dist/index.html');
  // The web app is web/src and the code it shares with the server (api/shared, the @shared alias).
  const sources = Math.max(newest(path.join(ROOT, 'web/src')), newest(path.join(ROOT, 'api/shared')));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return;
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    // API tests do not need the web app; the browser tests fail on the missing build, visibly.
    fs.rmSync(path.join(ROOT, 'web/dist/index.html'), { force: true });
    console.error('\nThe web app does not build (see above): browser tests will fail.\n');
  }
}

async function seedTemplate(handle: Awaited<ReturnType<typeof openDatabase>>) {
  await migrateToLatest(handle.db);
  useTestAuditKey();
  // Without the demo projects: the tests make their own (factories), and count them.
  await seedDemo(handle, { households: TEST_HOUSEHOLDS, seed: 42, projects: false, story: false });
  // The role split: the clones carry the server role's privileges.
  const role = handle.backend === 'postgres' ? serverRole() : undefined;
  if (role) await grantServerRole(handle.db, role);
}

export default async function setup(project: TestProject) {
  fs.mkdirSync(TMP, { recursive: true });
  useTestAuditKey();
  if (fs.existsSync(path.join(ROOT, 'web/index.html'))) buildWebIfStale();
  const key = templateKey();
  const databaseUrl = process.env.DATABASE_URL;
  project.provide('templateKey', key);
  if (databaseUrl) {
    const { base } = adminUrl(databaseUrl);
    const name = `${base}_tpl_${key}`;
    const exists = await adminQuery(databaseUrl, 'select 1 from pg_database where datname = $1', [name]);
    if (!exists.rowCount) {
      const building = `${name}_building`;
      await adminQuery(databaseUrl, `drop database if exists "${building}"`);
      await adminQuery(databaseUrl, `create database "${building}"`);
      const handle = await openDatabase({ databaseUrl: asOwner(withDatabase(databaseUrl, building)), dataDir: '' }, { poolSize: 2 });
      try {
        await seedTemplate(handle);
      } finally {
        await handle.close();
      }
      await adminQuery(databaseUrl, `alter database "${building}" rename to "${name}"`);
      // Older templates of this base are no longer needed.
      const old = await adminQuery(databaseUrl, 'select datname from pg_database where datname like $1 and datname <> $2', [`${base}\\_tpl\\_%`, name]);
      for (const r of old.rows as { datname: string }[]) await adminQuery(databaseUrl, `drop database if exists "${r.datname}"`);
    }
    project.provide('templateDb', name);
    return async () => {
      const workers = await adminQuery(databaseUrl, 'select datname from pg_database where datname like $1', [`${base}\\_w%`]);
      for (const r of workers.rows as { datname: string }[]) {
        await adminQuery(databaseUrl, `drop database if exists "${r.datname}" with (force)`);
      }
    };
  }
  const dir = pgliteTemplateDir(key);
  if (!fs.existsSync(path.join(dir, 'complete'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir });
    try {
      await seedTemplate(handle);
    } finally {
      await handle.close();
    }
    fs.writeFileSync(path.join(dir, 'complete'), new Date().toISOString());
    for (const e of fs.readdirSync(TMP)) {
      if (e.startsWith('pglite-template-') && e !== path.basename(dir)) fs.rmSync(path.join(TMP, e), { recursive: true, force: true });
    }
  }
  project.provide('templateDb', dir);
  return () => {
    for (const e of fs.readdirSync(TMP)) {
      if (e.startsWith('w-')) fs.rmSync(path.join(TMP, e), { recursive: true, force: true });
    }
  };
}
