// COPY-class bulk loading on both backends: values round-trip exactly, and a failure keeps nothing.
import { type RawBuilder, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { getOwnerDb, getTestDb } from '../test/db.ts';
import { CopyText, copyLine } from './bulk.ts';

/**
 * A scratch table for one test: made by the owner (the server's role may not create tables: the
 * role split, docs/decisions/0017) and open to the server's role.
 */
async function scratch(table: string, columns: RawBuilder<unknown>) {
  const owner = await getOwnerDb();
  await sql`create table if not exists ${sql.table(table)} (${columns})`.execute(owner);
  await sql`grant all on ${sql.table(table)} to public`.execute(owner);
}
const dropScratch = async (table: string) => void (await sql`drop table ${sql.table(table)}`.execute(await getOwnerDb()));

describe('bulk COPY in a transaction', () => {
  it('loads tricky values exactly and merges them with SQL in the same transaction', async () => {
    const { db, handle } = await getTestDb();
    const table = `bulk_t_${process.pid}`;
    await scratch(table, sql`a text, b integer, c text`);
    const rows: [string, number | null, string | null][] = [
      ['张 三,"引号"', 1, null],
      ['多行\n文本\r\n', null, ''],
      ['5223241945080901 31', 3, '元'],
      ['tab\there', 4, '\\N'],
      ['back\\slash \\.', 5, '{"a": "b\\"c"}'],
    ];
    async function* lines() {
      for (const r of rows) yield copyLine(r);
    }
    const total = await handle.bulk(async ({ db: trx, copyFrom }) => {
      const n = await copyFrom(table, ['a', 'b', 'c'], lines());
      const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx);
      expect(Number(r.rows[0]?.n)).toBe(rows.length);
      return n;
    });
    expect(total).toBe(rows.length);
    const back = await sql<{ a: string; b: number | null; c: string | null }>`select a, b, c from ${sql.table(table)} order by a`.execute(db);
    expect(back.rows).toEqual([...rows].map(([a, b, c]) => ({ a, b, c })).sort((x, y) => (x.a < y.a ? -1 : 1)));
    await dropScratch(table);
  });

  it('loads UTF-8 pieces gathered by CopyText, growing past its buffer and reusing recycled memory', async () => {
    const { db, handle } = await getTestDb();
    const table = `bulk_u_${process.pid}`;
    await scratch(table, sql`a text, b integer`);
    const text = new CopyText(64); // smaller than one chunk: it must grow
    const expected: { a: string; b: number }[] = [];
    await handle.bulk(async ({ copyFrom }) => {
      for (let chunk = 0; chunk < 3; chunk++) {
        for (let i = 0; i < 40; i++) {
          const a = `黔西南州 ${chunk}-${i} 兴义市\t`;
          expected.push({ a, b: chunk * 100 + i });
          text.push(copyLine([a, chunk * 100 + i]));
        }
        expect(text.lines).toBe(40);
        const piece = text.take();
        expect(text.lines).toBe(0);
        await copyFrom(table, ['a', 'b'], [piece]);
        text.recycle(piece);
      }
    });
    const back = await sql<{ a: string; b: number }>`select a, b from ${sql.table(table)} order by b`.execute(db);
    expect(back.rows).toEqual(expected);
    await dropScratch(table);
  });

  it('takes CSV lines when asked (a raw CSV file): quoted commas, empty = null', async () => {
    const { db, handle } = await getTestDb();
    const table = `bulk_c_${process.pid}`;
    await scratch(table, sql`a text, b integer, c text`);
    await handle.bulk(({ copyFrom }) => copyFrom(table, ['a', 'b', 'c'], ['"张三,李四",1,\n', '"say ""hi""",,x\n'], 'csv'));
    const back = await sql<{ a: string; b: number | null; c: string | null }>`select a, b, c from ${sql.table(table)} order by b nulls last`.execute(db);
    expect(back.rows).toEqual([
      { a: '张三,李四', b: 1, c: null },
      { a: 'say "hi"', b: null, c: 'x' },
    ]);
    await dropScratch(table);
  });

  it('keeps nothing when the session fails after copying', async () => {
    const { db, handle } = await getTestDb();
    const table = `bulk_f_${process.pid}`;
    await scratch(table, sql`a text not null`);
    await expect(
      handle.bulk(async ({ copyFrom }) => {
        await copyFrom(table, ['a'], ['x\n', 'y\n']);
        throw new Error('row 3 is bad');
      }),
    ).rejects.toThrow('row 3 is bad');
    await expect(handle.bulk(({ copyFrom }) => copyFrom(table, ['a'], ['ok\n', '\\N\n']))).rejects.toThrow();
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
    expect(Number(r.rows[0]?.n)).toBe(0);
    // The connection is usable afterwards.
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]?.one).toBe(1);
    await dropScratch(table);
  });

  it('gives its connection back: more sessions than the pool has connections all finish', async () => {
    const { db, handle } = await getTestDb();
    const table = `bulk_p_${process.pid}`;
    await scratch(table, sql`a integer`);
    for (let i = 0; i < 25; i++) await handle.bulk(({ copyFrom }) => copyFrom(table, ['a'], [`${i}\n`]));
    await expect(handle.bulk(() => Promise.reject(new Error('fails')))).rejects.toThrow('fails');
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
    expect(Number(r.rows[0]?.n)).toBe(25);
    await dropScratch(table);
  });
});
