// Bulk loading with COPY inside one transaction, on either backend. Imports stage rows with
// copyFrom (PostgreSQL: COPY … FROM STDIN streamed through pg-copy-streams; PGlite: COPY … FROM
// '/dev/blob' in chunks) and then merge them with set-based SQL through `db` — all on the same
// connection and in the same transaction, so a failure anywhere keeps nothing.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import type { Database, Db, Trx } from './schema.ts';

export interface BulkSession {
  /** The transaction: use only this for queries inside the bulk session. */
  db: Trx;
  /**
   * COPY lines into `table (columns)`: pieces that each end at a line end (one line, many joined,
   * or UTF-8 bytes gathered by a CopyText). Lines are COPY's text format as copyLine makes them
   * (tab-separated, \N for null); `csv` takes CSV lines instead (a raw CSV file). Returns the
   * number of pieces sent.
   */
  copyFrom: (table: string, columns: string[], lines: Iterable<CopyPiece> | AsyncIterable<CopyPiece>, format?: CopyFormat) => Promise<number>;
}

/** COPY's input formats: its own text format (copyLine), or CSV. */
export type CopyFormat = 'text' | 'csv';

/** A piece of COPY text: a string, or UTF-8 bytes (CopyText.take). */
export type CopyPiece = string | Uint8Array;

export type BulkRunner = (<T>(fn: (s: BulkSession) => Promise<T>) => Promise<T>) & {
  /**
   * Other connections stay usable while a session runs (PostgreSQL: the session has its own
   * connection). PGlite has one connection: a session holds the whole database until it ends.
   */
  readonly concurrent?: boolean;
  /**
   * PostgreSQL: runs `fn` holding a session advisory lock on `key`, on a connection of its own
   * outside the pool (so a small pool is never starved by it); the server releases the lock when
   * that connection goes away, e.g. when the process is killed. Absent on PGlite.
   */
  readonly hold?: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
};

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
};
const copySql = (table: string, columns: string[], source: string, format: CopyFormat) =>
  `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM ${source} WITH (FORMAT ${format})`;

type CopyValue = string | number | boolean | null | undefined;
const TEXT_SPECIAL = /[\\\t\n\r]/;
const TEXT_ESCAPE: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One field in COPY's text format: null → \N; backslash, tab and line breaks escaped. Most values
 * need nothing (CSV quoted every JSON text and doubled its quotes: a copy of each audit diff).
 */
export function copyField(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  const s = typeof v === 'string' ? v : String(v);
  return TEXT_SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => TEXT_ESCAPE[c] as string) : s;
}

/**
 * One line for COPY (the hot loop of every import). Joined, not concatenated: `a + b` makes a
 * rope of one object per piece; join makes one flat string.
 */
export function copyLine(values: CopyValue[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = copyField(values[i]);
  return `${parts.join('\t')}\n`;
}

/**
 * COPY text gathered as UTF-8 bytes while it is made. Lines kept as strings until their chunk is
 * sent survive minor garbage collections and are copied by each (a first load's chunk is ~10 MB of
 * them); encoded at once into one buffer, outside the JavaScript heap, they die young.
 */
export class CopyText {
  private buf: Buffer;
  private used = 0;
  /** Lines pushed since the last take. */
  lines = 0;
  constructor(private readonly initialBytes = 1 << 20) {
    // allocUnsafeSlow: never a slice of Node's shared small-buffer pool, so recycle may reuse a
    // piece's whole memory.
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }
  /** Appends one line (or several joined), ending with a line break. */
  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.used + line.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + line.length * 3));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    this.used += this.buf.write(line, this.used);
    this.lines++;
  }
  /**
   * The bytes so far (a piece for copyFrom). The next lines go to a recycled buffer, or a new one of
   * the size this one reached.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.used);
    const spare = this.spare;
    this.spare = null;
    this.buf = spare && spare.length >= this.used ? spare : Buffer.allocUnsafeSlow(Math.max(this.initialBytes, this.used));
    this.used = 0;
    this.lines = 0;
    return out;
  }
  private spare: Buffer | null = null;
  /** Gives back a piece from take() once its COPY has finished: the next take reuses its memory. */
  recycle(piece: Buffer): void {
    if (piece.byteOffset === 0) this.spare = Buffer.from(piece.buffer, 0, piece.buffer.byteLength);
  }
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
          pool: { connect: async () => borrowed, end: async () => {} },
        }),
      });
      return await single.transaction().execute(async (trx) => {
        // Set-based merges over ~100k staged rows: JIT compilation cost 0.3–0.5 s per statement
        // (more than most of them take to run), and 4 MB of work_mem sent sorts to disk.
        await sql`set local jit = off`.execute(trx);
        await sql`set local work_mem = '64MB'`.execute(trx);
        return fn({
          db: trx,
          async copyFrom(table, columns, lines, format = 'text') {
            let n = 0;
            // Lines are joined into ~256 KB messages: one CopyData message (and one stream write)
            // per line costs more than the parsing that produced it.
            // Bytes (CopyText) go as they are.
            const batched = async function* () {
              let buf: string[] = [];
              let size = 0;
              for await (const l of lines as AsyncIterable<CopyPiece>) {
                n++;
                if (typeof l !== 'string') {
                  if (buf.length) yield buf.join('');
                  buf = [];
                  size = 0;
                  yield l;
                  continue;
                }
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
            const sink = client.query(copyFromStream(copySql(table, columns, 'STDIN', format)));
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
  const hold = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const client = new pg.Client(pool.options);
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
      return await fn();
    } finally {
      // Ending the session releases its advisory locks.
      await client.end().catch(() => {});
    }
  };
  return Object.assign(run, { concurrent: true, hold });
}

interface PgliteLike {
  query(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown>;
}

export function pgliteBulkRunner(db: Db, pglite: PgliteLike, chunkBytes = 8 * 1024 * 1024): BulkRunner {
  return (fn) =>
    // Holding Kysely's one connection keeps every other query out while we use PGlite directly.
    db.connection().execute((conn) =>
      conn.transaction().execute((trx) =>
        fn({
          db: trx,
          async copyFrom(table, columns, lines, format = 'text') {
            let n = 0;
            let chunk: CopyPiece[] = [];
            let size = 0;
            const flush = async () => {
              if (!chunk.length) return;
              await pglite.query(copySql(table, columns, "'/dev/blob'", format), [], { blob: new Blob(chunk as BlobPart[]) });
              chunk = [];
              size = 0;
            };
            for await (const l of lines as AsyncIterable<CopyPiece>) {
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
