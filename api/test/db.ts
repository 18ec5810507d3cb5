// One database per test worker, cloned from the template built by global-setup.ts.
// Tests share it within the worker, so each test creates its own uniquely named data.
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { type Backend, type DbHandle, openDatabase } from '../db/connect.ts';
import type { Db } from '../db/schema.ts';
import { adminQuery, adminUrl, asOwner, TMP, useTestAuditKey, withDatabase } from './template.ts';

export interface TestDb {
  db: Db;
  backend: Backend;
  handle: DbHandle;
}

const g = globalThis as unknown as { __driplineTestDb?: Promise<TestDb> };

async function open(): Promise<TestDb> {
  // The worker writes as the server does: every audited write signs with the run's key.
  useTestAuditKey();
  const template = inject('templateDb');
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const { base } = adminUrl(databaseUrl);
    const name = `${base}_w${process.env.VITEST_POOL_ID ?? '0'}_${process.pid}`;
    await adminQuery(databaseUrl, `drop database if exists "${name}"`);
    await adminQuery(databaseUrl, `create database "${name}" template "${template}"`);
    const handle = await openDatabase({ databaseUrl: withDatabase(databaseUrl, name), dataDir: '' }, { poolSize: 10 });
    return { db: handle.db, backend: handle.backend, handle };
  }
  const dir = path.join(TMP, `w-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(template, dir, { recursive: true });
  const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir });
  return { db: handle.db, backend: handle.backend, handle };
}

export function getTestDb(): Promise<TestDb> {
  g.__driplineTestDb ??= open();
  return g.__driplineTestDb;
}

const owner = globalThis as unknown as { __driplineOwnerDb?: Promise<Db> };

/**
 * The worker's database as its owner — the migrations' role, which can alter the audit tables
 * (disable their triggers, rewrite rows). With the role split (DRIPLINE_MIGRATE_URL) that is
 * another connection than getTestDb's; otherwise, and on PGlite (a single user), the same one.
 */
export function getOwnerDb(): Promise<Db> {
  owner.__driplineOwnerDb ??= getTestDb().then(async (t) => {
    const url = process.env.DATABASE_URL;
    if (!url || !process.env.DRIPLINE_MIGRATE_URL) return t.db;
    const { base } = adminUrl(url);
    const name = `${base}_w${process.env.VITEST_POOL_ID ?? '0'}_${process.pid}`;
    const h = await openDatabase({ databaseUrl: asOwner(withDatabase(url, name)), dataDir: '' }, { poolSize: 2 });
    return h.db;
  });
  return owner.__driplineOwnerDb;
}

let counter = 0;
/** A short unique suffix for names and codes created by one test. */
export function unique(prefix = 't'): string {
  counter++;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${counter}`;
}

/**
 * A database of its own (cloned from the template) for tests that need exclusive data, e.g. a
 * county without the generated demo households. Close it with `dispose()`.
 */
export async function freshTestDb(label: string): Promise<TestDb & { owner: Db; dispose: () => Promise<void> }> {
  useTestAuditKey();
  const template = inject('templateDb');
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const { base } = adminUrl(databaseUrl);
    const name = `${base}_w${label}_${process.pid}`;
    await adminQuery(databaseUrl, `drop database if exists "${name}"`);
    await adminQuery(databaseUrl, `create database "${name}" template "${template}"`);
    const handle = await openDatabase({ databaseUrl: withDatabase(databaseUrl, name), dataDir: '' }, { poolSize: 4 });
    // The owner's connection (see getOwnerDb): another one with the role split.
    const ownerHandle = process.env.DRIPLINE_MIGRATE_URL
      ? await openDatabase({ databaseUrl: asOwner(withDatabase(databaseUrl, name)), dataDir: '' }, { poolSize: 2 })
      : undefined;
    return {
      db: handle.db,
      backend: handle.backend,
      handle,
      owner: ownerHandle?.db ?? handle.db,
      dispose: async () => {
        await ownerHandle?.close();
        await handle.close();
        await adminQuery(databaseUrl, `drop database if exists "${name}" with (force)`);
      },
    };
  }
  const dir = path.join(TMP, `w-${label}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(template, dir, { recursive: true });
  const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir });
  return {
    db: handle.db,
    backend: handle.backend,
    handle,
    owner: handle.db,
    dispose: async () => {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
