// Repeated statements become named prepared statements on PostgreSQL connections (prepared.ts):
// from their second run, within the capacity, data statements with parameters only — and the
// results are those of the unprepared statement. PostgreSQL only: the embedded database has no
// connections to prepare on.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { prepareRepeatedStatements } from './prepared.ts';

const url = process.env.DATABASE_URL;

describe('DRIPLINE_PG_PREPARED', () => {
  it('is on unless set to 0, off or false', () => {
    expect(loadConfig({}).preparedStatements).toBe(true);
    expect(loadConfig({ DRIPLINE_PG_PREPARED: '1' }).preparedStatements).toBe(true);
    for (const v of ['0', 'off', 'OFF', 'false']) expect(loadConfig({ DRIPLINE_PG_PREPARED: v }).preparedStatements).toBe(false);
  });
});

describe.runIf(url)('prepared statements on PostgreSQL connections', () => {
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.end();
  });

  /** One connection, so that pg_prepared_statements shows what this client prepared. */
  function connect(options?: Parameters<typeof prepareRepeatedStatements>[1]) {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    prepareRepeatedStatements(pool, options);
    pools.push(pool);
    return new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
  }
  const preparedTexts = async (db: Kysely<Record<string, never>>) =>
    (await sql<{ statement: string }>`select statement from pg_prepared_statements where name like 'dl\\_%' order by prepare_time`.execute(db)).rows.map(
      (r) => r.statement,
    );

  it('prepares a statement the second time it runs, and its results stay the same', async () => {
    const db = connect();
    const square = (n: number) => sql<{ v: number }>`select ${n}::int * ${n}::int as v`.execute(db);
    expect((await square(3)).rows).toEqual([{ v: 9 }]);
    expect(await preparedTexts(db)).toEqual([]);
    expect((await square(4)).rows).toEqual([{ v: 16 }]);
    expect(await preparedTexts(db)).toEqual(['select $1::int * $2::int as v']);
    expect((await square(5)).rows).toEqual([{ v: 25 }]);
    expect(await preparedTexts(db)).toHaveLength(1);
  });

  it('leaves statements without parameters and non-data statements unprepared', async () => {
    const db = connect();
    for (let i = 0; i < 3; i++) {
      await sql`select 1 as one`.execute(db);
      await sql`set local statement_timeout = ${sql.lit('5s')}`.execute(db);
      await sql`show ${sql.raw('work_mem')}`.execute(db);
    }
    expect(await preparedTexts(db)).toEqual([]);
  });

  it('prepares nothing inside an explicit transaction (a load there never gets a plan made on small tables)', async () => {
    const db = connect();
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 3; i++) await sql`select ${i}::int + 1 as v`.execute(trx);
      await sql`savepoint s`.execute(trx);
      await sql`rollback to savepoint s`.execute(trx);
      for (let i = 0; i < 3; i++) await sql`select ${i}::int + 2 as v`.execute(trx);
    });
    expect(await preparedTexts(db)).toEqual([]);
    for (let i = 0; i < 2; i++) await sql`select ${i}::int + 1 as v`.execute(db);
    expect(await preparedTexts(db)).toEqual(['select $1::int + 1 as v']);
  });

  it('prepares at most `capacity` statements per connection; the rest still run', async () => {
    const db = connect({ capacity: 2 });
    for (let round = 0; round < 2; round++) {
      for (const k of [1, 2, 3]) {
        const r = await sql<{ v: string }>`select ${`x${k}`}::text || ${sql.raw(`'-${k}'`)} as v`.execute(db);
        expect(r.rows).toEqual([{ v: `x${k}-${k}` }]);
      }
    }
    expect(await preparedTexts(db)).toEqual(["select $1::text || '-1' as v", "select $1::text || '-2' as v"]);
  });

  it('a failing statement leaves the connection usable, prepared or not', async () => {
    const db = connect();
    const bad = () => sql`select 1 / ${0}::int as v`.execute(db);
    await expect(bad()).rejects.toThrow(/division by zero/);
    await expect(bad()).rejects.toThrow(/division by zero/);
    await expect(bad()).rejects.toThrow(/division by zero/);
    expect((await sql<{ v: number }>`select ${7}::int as v`.execute(db)).rows).toEqual([{ v: 7 }]);
  });
});
