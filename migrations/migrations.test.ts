// Migrations apply from an empty database on the backend under test, and re-applying is a no-op.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../api/db/connect.ts';
import { migrateToLatest } from '../api/db/migrate.ts';
import { adminQuery, adminUrl, asOwner, withDatabase } from '../api/test/template.ts';

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
      // Migrations run as the owner (with the role split, DRIPLINE_MIGRATE_URL's role).
      handle = await openDatabase({ databaseUrl: asOwner(withDatabase(url, name)), dataDir: '' }, { poolSize: 2 });
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
    // Codes compare as bytes (0020_code_collation): a new code column without COLLATE "C" shows here.
    const notC = await sql<{ column: string }>`
      select c.table_name || '.' || c.column_name as column
      from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.data_type = 'text'
        and (c.column_name like '%\_code' or c.column_name in ('code', 'household_no', 'id_number', 'chain'))
        and c.collation_name is distinct from 'C'
      order by 1`.execute(handle.db);
    expect(notC.rows.map((r) => r.column)).toEqual([]);
    const again = await migrateToLatest(handle.db);
    expect(again.applied).toEqual([]);
  });
});
