// Runs the `dripline` CLI as an operator would (a real child process) against a database of its
// own cloned from the test template.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { openDatabase } from '../db/connect.ts';
import { adminQuery, adminUrl, asOwner, ROOT, testAuditKeyFile, TMP, withDatabase } from './template.ts';

const run = promisify(execFile);
const BIN = path.join(ROOT, 'api/bin/dripline.js');

/** The CLI child's environment: the run's audit key unless the test says otherwise (a key of `undefined` unsets it). */
function childEnvFor(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DRIPLINE_LOG_LEVEL: 'silent', DRIPLINE_AUDIT_KEY_FILE: testAuditKeyFile() };
  delete childEnv.DATABASE_URL;
  delete childEnv.DRIPLINE_DATA_DIR;
  delete childEnv.DRIPLINE_MIGRATE_URL;
  Object.assign(childEnv, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return childEnv;
}

export async function dripline(args: string[], env: Record<string, string | undefined>, timeoutMs = 170_000) {
  const childEnv = childEnvFor(env);
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: childEnv, cwd: ROOT, timeout: timeoutMs });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Like dripline(), with `input` written to the command's stdin (for --password-stdin). */
export function driplineWithStdin(args: string[], env: Record<string, string | undefined>, input: string) {
  const childEnv = childEnvFor(env);
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: childEnv, cwd: ROOT, timeout: 500_000 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.on('error', reject);
    child.stdin?.end(input);
  });
}

/**
 * A database of its own, cloned from the test template, that no process holds open. `open` connects
 * as the server's role, `openOwner` as the owner (the same but for the role split).
 */
export async function cloneTemplate(label = 'cli'): Promise<{
  env: Record<string, string>;
  open: () => ReturnType<typeof openDatabase>;
  openOwner: () => ReturnType<typeof openDatabase>;
  drop: () => Promise<void>;
}> {
  const template = inject('templateDb');
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `${adminUrl(url).base}_w${label}_${process.pid}`;
    await adminQuery(url, `drop database if exists "${name}"`);
    await adminQuery(url, `create database "${name}" template "${template}"`);
    const dbUrl = withDatabase(url, name);
    return {
      env: { DATABASE_URL: dbUrl, ...(process.env.DRIPLINE_MIGRATE_URL ? { DRIPLINE_MIGRATE_URL: asOwner(dbUrl) } : {}) },
      open: () => openDatabase({ databaseUrl: dbUrl, dataDir: '' }, { poolSize: 1 }),
      openOwner: () => openDatabase({ databaseUrl: asOwner(dbUrl), dataDir: '' }, { poolSize: 1 }),
      drop: async () => void (await adminQuery(url, `drop database if exists "${name}" with (force)`)),
    };
  }
  const dir = path.join(TMP, `w-${label}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(template, dir, { recursive: true });
  return {
    env: { DRIPLINE_DATA_DIR: dir },
    open: () => openDatabase({ databaseUrl: undefined, dataDir: dir }),
    openOwner: () => openDatabase({ databaseUrl: undefined, dataDir: dir }),
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
