// Bulk loading with COPY inside one transaction, on either backend. Imports stage rows with
// copyFrom (PostgreSQL: COPY … FROM STDIN streamed through pg-copy-streams; PGlite: COPY … FROM
// '/dev/blob' in chunks) and then merge them with set-based SQL through `db` — all on the same
// connection and in the same transaction, so a failure anywhere keeps nothing.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import type { Database } from './schema.ts';

export interface BulkSession {
  /** The transaction: use only this for queries inside the bulk session. */
  db: Transaction<Database>;
  /**
   * COPY CSV text into `table (columns)`: pieces that each end at a line end (one line, or many
   * joined), fields already CSV-escaped. Returns the number of pieces sent.
   */
  copyFrom(table: string, columns: string[], lines: Iterable<string> | AsyncIterable<string>): Promise<number>;
}

export type BulkRunner = (<T>(fn: (s: BulkSession) => Promise<T>) => Promise<T>) & {
  /**
   * Other connections stay usable while a session runs (PostgreSQL: the session has its own
   * connection). PGlite has one connection: a session holds the whole database until it ends.
   */
  readonly concurrent?: boolean;
};

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
};
const copySql = (table: string, columns: string[], source: string) =>
  `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM ${source} WITH (FORMAT csv)`;

const NEEDS_QUOTES = /[",\n\r]/;

/** Escapes one CSV field for COPY (null → empty unquoted = NULL). */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const s = typeof v === 'string' ? v : String(v);
  return s === '' || NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One CSV line for COPY (the hot loop of every import). Joined, not concatenated: `a + b` makes a
 * rope of one object per piece, and lines kept until their chunk is sent would each keep ~60
 * objects alive through every minor GC; join makes one flat string.
 */
export function csvLine(values: (string | number | boolean | null | undefined)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = csvField(values[i]);
  return `${parts.join(',')}\n`;
}

export function pgBulkRunner(pool: pg.Pool): BulkRunner {
  const run = async <T>(fn: (s: BulkSession) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      // A Kysely bound to this one client, so the transaction and COPY share the connection.
      // Kysely "releases" a wrapper; the real client goes back to the pool only in `finally`.
      const borrowed = new Proxy(client, {
        get: (target, prop) => (prop === 'release' ? () => {} : Reflect.get(target, prop, target)),
      });
      const single = new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: { connect: async () => borrowed, end: async () => {} } as unknown as pg.Pool,
        }),
      });
      return await single.transaction().execute(async (trx) => {
        // Set-based merges over ~100k staged rows: JIT compilation cost 0.3–0.5 s per statement
        // (more than most of them take to run), and 4 MB of work_mem sent sorts to disk.
        await sql`set local jit = off`.execute(trx);
        await sql`set local work_mem = '64MB'`.execute(trx);
        return fn({
          db: trx,
          async copyFrom(table, columns, lines) {
            let n = 0;
            // Lines are joined into ~256 KB messages: one CopyData message (and one stream write)
            // per line costs more than the parsing that produced it.
            const batched = async function* () {
              let buf: string[] = [];
              let size = 0;
              for await (const l of lines as AsyncIterable<string>) {
                n++;
                buf.push(l);
                size += l.length;
                if (size >= 256 * 1024) {
                  yield buf.join('');
                  buf = [];
                  size = 0;
                }
              }
              if (buf.length) yield buf.join('');
            };
            const sink = client.query(copyFromStream(copySql(table, columns, 'STDIN')));
            await pipeline(Readable.from(batched(), { objectMode: false }), sink);
            return n;
          },
        });
      });
    } catch (e) {
      broken = (e as { code?: string }).code === undefined;
      throw e;
    } finally {
      client.release(broken ? true : undefined);
    }
  };
  return Object.assign(run, { concurrent: true });
}

interface PgliteLike {
  query(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown>;
}

export function pgliteBulkRunner(db: Kysely<Database>, pglite: PgliteLike, chunkBytes = 8 * 1024 * 1024): BulkRunner {
  return (fn) =>
    // Holding Kysely's one connection keeps every other query out while we use PGlite directly.
    db.connection().execute((conn) =>
      conn.transaction().execute((trx) =>
        fn({
          db: trx,
          async copyFrom(table, columns, lines) {
            let n = 0;
            let chunk: string[] = [];
            let size = 0;
            const flush = async () => {
              if (!chunk.length) return;
              await pglite.query(copySql(table, columns, "'/dev/blob'"), [], { blob: new Blob(chunk) });
              chunk = [];
              size = 0;
            };
            for await (const l of lines as AsyncIterable<string>) {
              chunk.push(l);
              size += l.length;
              n++;
              if (size >= chunkBytes) await flush();
            }
            await flush();
            return n;
          },
        }),
      ),
    );
}
