// Runs the `dripline` CLI as an operator would (a real child process) against a database of its
// own cloned from the test template.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { openDatabase } from '../db/connect.ts';
import { adminQuery, adminUrl, ROOT, TMP, withDatabase } from './template.ts';

const run = promisify(execFile);
const BIN = path.join(ROOT, 'api/bin/dripline.js');

export async function dripline(args: string[], env: Record<string, string | undefined>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DRIPLINE_LOG_LEVEL: 'silent' };
  delete childEnv.DATABASE_URL;
  delete childEnv.DRIPLINE_DATA_DIR;
  Object.assign(childEnv, env);
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: childEnv, cwd: ROOT, timeout: 170_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A database of its own, cloned from the test template, that no process holds open. */
export async function cloneTemplate(label = 'cli'): Promise<{ env: Record<string, string>; open: () => ReturnType<typeof openDatabase>; drop: () => Promise<void> }> {
  const template = inject('templateDb');
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `${adminUrl(url).base}_w${label}_${process.pid}`;
    await adminQuery(url, `drop database if exists "${name}"`);
    await adminQuery(url, `create database "${name}" template "${template}"`);
    const dbUrl = withDatabase(url, name);
    return {
      env: { DATABASE_URL: dbUrl },
      open: () => openDatabase({ databaseUrl: dbUrl, dataDir: '' }, { poolSize: 1 }),
      drop: async () => void (await adminQuery(url, `drop database if exists "${name}" with (force)`)),
    };
  }
  const dir = path.join(TMP, `w-${label}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(template, dir, { recursive: true });
  return {
    env: { DRIPLINE_DATA_DIR: dir },
    open: () => openDatabase({ databaseUrl: undefined, dataDir: dir }),
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

