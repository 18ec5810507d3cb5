// The test database template: migrated and seeded once per run (and cached while its inputs
// are unchanged), then cloned per worker — a CREATE DATABASE … TEMPLATE on PostgreSQL, a copy
// of the data directory for PGlite.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Scratch space for test databases; a separate one per concurrent run (DRIPLINE_TEST_TMP). */
export const TMP = path.resolve(ROOT, process.env.DRIPLINE_TEST_TMP ?? '.vitest-tmp');
export const TEST_HOUSEHOLDS = 300;

function* sourceFiles(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) yield p;
  }
}

/** Changes whenever a migration, a seed or API code changes. */
export function templateKey(): string {
  const h = createHash('sha256');
  for (const dir of ['migrations', 'seeds', 'api']) {
    for (const f of [...sourceFiles(path.join(ROOT, dir))].sort()) {
      h.update(f).update(fs.readFileSync(f));
    }
  }
  h.update(String(TEST_HOUSEHOLDS));
  return h.digest('hex').slice(0, 12);
}

export function adminUrl(databaseUrl: string): { url: URL; base: string } {
  const url = new URL(databaseUrl);
  const base = url.pathname.replace(/^\//, '') || 'postgres';
  return { url, base };
}

export function withDatabase(databaseUrl: string, name: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(databaseUrl: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

export const pgliteTemplateDir = (key: string) => path.join(TMP, `pglite-template-${key}`);
