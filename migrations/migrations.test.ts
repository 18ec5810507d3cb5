// Migrations apply from an empty database on the backend under test, and re-applying is a no-op.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../api/db/connect.ts';
import { migrateToLatest } from '../api/db/migrate.ts';
import { adminQuery, adminUrl, withDatabase } from '../api/test/template.ts';

describe('migrations from empty', () => {
  let handle: DbHandle | undefined;
  const url = process.env.DATABASE_URL;
  const name = url ? `${adminUrl(url).base}_wmig_${process.pid}` : '';
  afterAll(async () => {
    await handle?.close();
    if (url) await adminQuery(url, `drop database if exists "${name}" with (force)`);
  });

  it('creates every table and PostGIS, and a second run applies nothing', async () => {
    if (url) {
      await adminQuery(url, `drop database if exists "${name}"`);
      await adminQuery(url, `create database "${name}"`);
      handle = await openDatabase({ databaseUrl: withDatabase(url, name), dataDir: '' }, { poolSize: 2 });
    } else {
      handle = await openDatabase({ databaseUrl: undefined, dataDir: '' }, { memory: true });
    }
    const first = await migrateToLatest(handle.db);
    expect(first.applied[0]).toBe('0001_postgis');
    expect(first.applied.length).toBeGreaterThanOrEqual(5);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(handle.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['accounts', 'areas', 'audit_heads', 'audit_log', 'households', 'members', 'sessions']),
    );
    const postgis = await sql<{ v: string }>`select postgis_lib_version() as v`.execute(handle.db);
    expect(postgis.rows[0]?.v).toMatch(/^3\.\d/);
    const again = await migrateToLatest(handle.db);
    expect(again.applied).toEqual([]);
  });
});
