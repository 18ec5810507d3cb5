// The test database template: migrated and seeded once per run (and cached while its inputs
// are unchanged), then cloned per worker — a CREATE DATABASE … TEMPLATE on PostgreSQL, a copy
// of the data directory for PGlite.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateKeyFile, keyIdOf, readPrivateKey, useAuditKey } from '../modules/audit/signing.ts';

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
  // The template's audit is signed with the run's key, and its grants name the server's role.
  h.update(keyIdOf(readPrivateKey(testAuditKeyFile())));
  h.update(serverRole() ?? '');
  return h.digest('hex').slice(0, 12);
}

/**
 * The audit key of test runs (made once in the scratch space), exported as DRIPLINE_AUDIT_KEY_FILE
 * so that the CLI and server processes the tests start sign with it too.
 */
export function testAuditKeyFile(): string {
  const file = path.join(TMP, 'audit-test-key.pem');
  if (!fs.existsSync(file)) {
    try {
      generateKeyFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  process.env.DRIPLINE_AUDIT_KEY_FILE = file;
  return file;
}

/** Loads the test key as this process's audit key (what the server and the CLI do at start). */
export function useTestAuditKey(): void {
  useAuditKey(readPrivateKey(testAuditKeyFile()));
}

/**
 * With DRIPLINE_MIGRATE_URL (CI's role split, docs/decisions/0017) the harness creates, migrates
 * and seeds databases as that owner, while the code under test connects as DATABASE_URL's role;
 * without it, DATABASE_URL's role does everything.
 */
export function asOwner(databaseUrl: string): string {
  const owner = process.env.DRIPLINE_MIGRATE_URL;
  if (!owner) return databaseUrl;
  const o = new URL(owner);
  const u = new URL(databaseUrl);
  u.username = o.username;
  u.password = o.password;
  return u.toString();
}

/** The server's role when it is not the owner (the role split), else undefined. */
export function serverRole(): string | undefined {
  const url = process.env.DATABASE_URL;
  const owner = process.env.DRIPLINE_MIGRATE_URL;
  if (!url || !owner) return undefined;
  const user = decodeURIComponent(new URL(url).username);
  return user && user !== decodeURIComponent(new URL(owner).username) ? user : undefined;
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

/** One statement as the owner (asOwner): creating, cloning and dropping databases. */
export async function adminQuery(databaseUrl: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: asOwner(databaseUrl) });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

export const pgliteTemplateDir = (key: string) => path.join(TMP, `pglite-template-${key}`);
