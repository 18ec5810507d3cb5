// One code path, two backends: `pg` against PostgreSQL+PostGIS when DATABASE_URL is set,
// otherwise embedded PGlite+PostGIS persisted in the data directory. Everything above this
// file sees only a Kysely<Database>; result types are normalised here so that both backends
// return the same JS values (int8 → number, date → 'YYYY-MM-DD', numeric → string).
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { prepareRepeatedStatements } from './prepared.ts';
import { type BulkRunner, pgBulkRunner, pgliteBulkRunner } from './bulk.ts';
import { acquireDataDirLock } from './lock.ts';
import type { Database } from './schema.ts';

export type Backend = 'postgres' | 'pglite';

export interface DbHandle {
  db: Kysely<Database>;
  backend: Backend;
  /** Human description without secrets, for logs. */
  describe: string;
  /** COPY-class bulk loading inside one transaction (api/db/bulk.ts). */
  bulk: BulkRunner;
  /**
   * Calls `onNotice` with the payload of every NOTIFY on `channel` (delivered at commit). On
   * PostgreSQL a dedicated connection listens, reconnecting after an error; `onState(false)` says
   * notices may be missed from now on (the connection dropped), `onState(true)` that they are heard
   * again — so that a cache keeps nothing in between.
   */
  listen: Listen;
  close(): Promise<void>;
}

export type Listen = (channel: string, onNotice: (payload: string) => void, onState?: (listening: boolean) => void) => Promise<() => Promise<void>>;

const OID_INT8 = 20;
const OID_DATE = 1082;

const int8 = (v: string) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
};

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'preparedStatements'>,
  opts: { memory?: boolean; poolSize?: number } = {},
): Promise<DbHandle> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, opts.poolSize ?? 10, config.preparedStatements ?? true);
  return openPglite(opts.memory ? undefined : config.dataDir);
}

function openPostgres(url: string, max: number, prepared: boolean): DbHandle {
  const pool = new pg.Pool({
    connectionString: url,
    // Short interactive queries: a plan over jit_above_cost (a 2-letter initials search over
    // thousands of cards) spent more time compiling than running. A URL's own options win.
    ...(new URL(url).searchParams.has('options') ? {} : { options: '-c jit=off' }),
    max,
    // Connections stay open while the server runs: a new backend's first statements load PostGIS
    // and fill its catalogue caches (≈ 40 ms), and pg's default of closing clients idle for 10 s
    // turned every lull into a burst of cold connections — 2-second stalls at 300 req/s.
    idleTimeoutMillis: 10 * 60_000,
    allowExitOnIdle: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === OID_INT8) return int8;
        if (oid === OID_DATE) return (v: string) => v;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's network error must not crash the process.
  pool.on('error', (err) => console.error(`[db] idle client error: ${err.message}`));
  if (prepared) prepareRepeatedStatements(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<() => Promise<void>>();
  const u = new URL(url);
  return {
    db,
    backend: 'postgres',
    describe: `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`,
    bulk: pgBulkRunner(pool),
    listen: async (channel, onNotice, onState) => {
      const stop = await pgListen(url, channel, onNotice, onState);
      listeners.add(stop);
      return () => (listeners.delete(stop), stop());
    },
    // Listening connections end with the pool (they would keep the process alive).
    close: async () => {
      await Promise.all([...listeners].map((stop) => stop()));
      await db.destroy();
    },
  };
}

/** LISTEN on a connection of its own (a pooled one would be handed to other queries). */
async function pgListen(url: string, channel: string, onNotice: (payload: string) => void, onState?: (listening: boolean) => void) {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`listen: bad channel name ${channel}`);
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel === channel) onNotice(n.payload ?? '');
    });
    c.on('error', (err) => {
      console.error(`[db] listen connection lost: ${err.message}`);
      lost(c);
    });
    c.on('end', () => lost(c));
    await c.connect();
    await c.query(`listen ${channel}`);
    if (stopped) await c.end();
    else {
      const again = retry !== undefined;
      client = c;
      if (again) onState?.(true);
    }
  };
  // Notices sent while no connection listened are gone: tell the caller, then try again.
  const lost = (c: pg.Client) => {
    if (client !== c || stopped) return;
    client = undefined;
    onState?.(false);
    schedule();
  };
  const schedule = () => {
    retry = setTimeout(() => void connect().catch(() => !stopped && schedule()), 2000);
    retry.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const c = client;
    client = undefined;
    await c?.end().catch(() => {});
  };
}

async function openPglite(dataDir: string | undefined): Promise<DbHandle> {
  const release = dataDir ? acquireDataDirLock(dataDir) : () => {};
  try {
    const [{ PGlite }, { postgis }, { PGliteDialect }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-postgis'),
      import('kysely-pglite-dialect'),
    ]);
    const pglite = await PGlite.create(dataDir ? `${dataDir}/pgdata` : undefined, {
      extensions: { postgis },
      parsers: { [OID_INT8]: int8, [OID_DATE]: (v: string) => v },
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      backend: 'pglite',
      describe: dataDir ? `embedded PGlite in ${dataDir}` : 'embedded PGlite in memory',
      bulk: pgliteBulkRunner(db, pglite),
      // One process owns the embedded database (lock.ts): every notice is this process's own.
      listen: async (channel, onNotice) => {
        const stop = await pglite.listen(channel, onNotice);
        return () => (pglite.closed ? Promise.resolve() : stop());
      },
      close: async () => {
        try {
          await db.destroy();
          if (!pglite.closed) await pglite.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

export async function ping(db: Kysely<Database>) {
  await sql`select 1`.execute(db);
}
