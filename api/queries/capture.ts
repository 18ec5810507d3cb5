// SQL snapshots (docs/decisions/0019): every query function of every module, compiled without a
// database and written as formatted SQL under api/queries/<module>.sql, so that a change to a
// query shows up in review as SQL. This file is the machinery: a Kysely whose driver is Kysely's
// DummyDriver except that it records each compiled statement (and may answer with rows a case
// provides, so that code after a query runs on), the spec types each module's
// queries.sql-spec.ts fills in, and the rendering of one module's file.
import {
  type CompiledQuery,
  type DatabaseConnection,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';
import { format } from 'sql-formatter';
import type { Database } from '../db/schema.ts';

/**
 * Rows the "database" answers a statement with (default: none, as DummyDriver does). Lets a case
 * reach the statements after one whose result the code needs (`executeTakeFirstOrThrow`, an id
 * read from `returning`). `index` counts the case's statements from 0. Undefined: no rows.
 */
export type Responder = (query: CompiledQuery, index: number) => readonly Record<string, unknown>[] | undefined;

export interface SqlCase {
  /** Tells the cases of one function apart in the file: `listAreas (village cadre, search)`. */
  label?: string;
  /** Calls the function with representative arguments. Its result is ignored; what it compiled is kept. */
  run(db: Kysely<Database>): unknown;
  respond?: Responder;
}

/** An exported function of a queries file that runs no SQL of its own (says why). */
export interface NotSql {
  notSql: string;
}

export type Entry = readonly SqlCase[] | NotSql;

type FunctionKeys<M> = { [K in keyof M]: M[K] extends (...args: never[]) => unknown ? K : never }[keyof M] & string;

/** One case (or the reason there is none) for every exported function of the module: a missing one is a type error. */
export type Cases<M> = { [K in FunctionKeys<M>]: Entry };

export interface ModuleSpec {
  /** File name under api/queries/ (without .sql). */
  module: string;
  /** The queries file, relative to the repository (api/modules/<m>/queries.ts). */
  file: string;
  /** The queries file's exports (import * as q): every function among them needs an entry. */
  exports: object;
  entries: Record<string, Entry>;
  /**
   * Hot SQL outside the queries file (the cross-check rules, the run's merge, …), headed by these
   * names (e.g. `run.ts runCrosscheck`).
   */
  extra: Record<string, readonly SqlCase[]>;
}

export function moduleSpec<M extends object>(
  module: string,
  file: string,
  exports: M,
  entries: Cases<M>,
  extra: Record<string, readonly SqlCase[]> = {},
): ModuleSpec {
  return { module, file, exports, entries, extra };
}

/** Names of the functions a module exports (what its spec must cover). */
export const exportedFunctions = (exports: object): string[] =>
  Object.entries(exports)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k)
    .sort();

class CapturingDriver extends DummyDriver {
  constructor(private readonly sink: { execute(q: CompiledQuery): QueryResult<unknown> }) {
    super();
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const sink = this.sink;
    return {
      executeQuery: async <R>(q: CompiledQuery) => sink.execute(q) as QueryResult<R>,
      // biome-ignore lint/correctness/useYield: a stream of no rows.
      async *streamQuery() {},
    };
  }
}

/** A Kysely over PostgreSQL's compiler that runs nothing: `take()` returns what it compiled since the last take. */
export function capturingDb() {
  let compiled: CompiledQuery[] = [];
  let respond: Responder | undefined;
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () =>
        new CapturingDriver({
          execute(q) {
            compiled.push(q);
            const rows = respond?.(q, compiled.length - 1) ?? [];
            return { rows: [...rows], numAffectedRows: BigInt(rows.length) };
          },
        }),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return {
    db,
    /** Runs one case; the statements it compiled, and the error it stopped on (if any). */
    async run(c: SqlCase): Promise<{ statements: string[]; stoppedBy?: string }> {
      compiled = [];
      respond = c.respond;
      let stoppedBy: string | undefined;
      try {
        await c.run(db);
      } catch (e) {
        // What was compiled before the error is kept (the code after a query met no rows).
        stoppedBy = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
      }
      respond = undefined;
      return { statements: compiled.map((q) => q.sql), ...(stoppedBy ? { stoppedBy } : {}) };
    },
  };
}

/** sql-formatter's PostgreSQL dialect, keywords as written (Kysely and the raw SQL write them in lower case). */
export function formatSql(statement: string): string {
  return format(statement, { language: 'postgresql', tabWidth: 2, keywordCase: 'preserve', linesBetweenQueries: 1 }).trim();
}

export const HEADER = (spec: ModuleSpec) =>
  `-- Generated by \`npm run sql\` from ${spec.file.replace(/queries\.ts$/, 'queries.sql-spec.ts')}: do not edit.\n` +
  '-- Every query of the module compiled for PostgreSQL ($1, $2 … are the parameters); see docs/decisions/0019.\n';

/** The text of api/queries/<module>.sql. */
export async function renderModule(spec: ModuleSpec): Promise<string> {
  const cap = capturingDb();
  const blocks: string[] = [];
  const section = async (name: string, cases: readonly SqlCase[]) => {
    for (const c of cases) {
      const title = c.label ? `${name} (${c.label})` : name;
      const { statements, stoppedBy } = await cap.run(c);
      const body = statements.map((s) => `${formatSql(s)};`);
      if (!statements.length) body.push('-- (no statement)');
      if (stoppedBy) body.push(`-- (stopped here: ${stoppedBy})`);
      blocks.push(`-- ${title}\n${body.join('\n\n')}`);
    }
  };
  // In the spec's order (the queries file's order), so that related queries stay together.
  for (const name of Object.keys(spec.entries)) {
    const entry = spec.entries[name] as Entry;
    if ('notSql' in entry) continue;
    await section(name, entry);
  }
  for (const [name, cases] of Object.entries(spec.extra)) await section(name, cases);
  await cap.db.destroy();
  return `${HEADER(spec)}\n${blocks.join('\n\n')}\n`;
}

/** A responder answering every statement with these rows (for code that needs one to go on). */
export const answer =
  (...rows: Record<string, unknown>[]): Responder =>
  () =>
    rows;

/** A responder answering the case's statements in turn: the first with the first list, and so on (none after the last). */
export const inTurn =
  (...lists: Record<string, unknown>[][]): Responder =>
  (_q, i) =>
    lists[i];
