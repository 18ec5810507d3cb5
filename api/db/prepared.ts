// Named prepared statements on PostgreSQL connections, so that a statement the app sends again and
// again (the session lookup behind every request, the household list's few shapes) is parsed and
// planned once per connection instead of on every request: planning was 0.3 – 0.9 ms of every
// ~2 ms list request on PostgreSQL (docs/BENCHMARKS.md). PostgreSQL then decides per statement
// whether a generic plan serves or a custom plan is made for each set of parameters (a LIKE
// prefix keeps its custom plans), so results and plans for skewed values are what they were.
//
// Kysely's pg driver sends text and parameters; this wraps each pooled client's query():
// - only data statements with parameters (select/insert/update/delete/with …), and only outside
//   an explicit transaction: a load that fills tables inside one transaction never gets a plan
//   made while the tables were still small (ANALYZE, which would invalidate it, comes later);
// - only on the second time the same text is seen on the connection (one-off statements, such as
//   an import's statements with long value lists, are never prepared);
// - at most `capacity` statements per connection; beyond that, statements run unprepared
//   (nothing is evicted: deallocating inside an aborted transaction fails and would leave the
//   driver and the server disagreeing about what is prepared).
// The statement's name is a hash of its text, which is what pg requires (one text per name).
// The embedded database (PGlite) runs in-process and is not affected.
import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface PreparedOptions {
  /** Statements prepared per connection at most (each holds a parse tree and plans in its backend). */
  capacity?: number;
  /** Statement texts longer than this are never prepared. */
  maxTextLength?: number;
}

const DATA_STATEMENT = /^\s*(?:select|insert|update|delete|with)\b/i;
const BEGIN = /^\s*(?:begin|start\s+transaction)\b/i;
const END = /^\s*(?:commit|end|abort|rollback(?!\s+to\b))\b/i;
/** Texts seen once are remembered up to this many per connection, then forgotten all at once. */
const SEEN_LIMIT = 5000;

type QueryFn = (...args: unknown[]) => unknown;

/** Makes the pool's clients prepare repeated statements (see the file comment). */
export function prepareRepeatedStatements(pool: pg.Pool, { capacity = 256, maxTextLength = 16_000 }: PreparedOptions = {}): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFn;
    const seen = new Set<string>();
    const prepared = new Set<string>();
    let inTransaction = false;
    // Object.assign: the wrapper takes pg's overloads as one variadic signature.
    const wrapped: QueryFn = (text: unknown, values?: unknown, ...rest: unknown[]) => {
      if (typeof text === 'string') {
        if (BEGIN.test(text)) inTransaction = true;
        else if (END.test(text)) inTransaction = false;
      }
      if (
        !inTransaction &&
        typeof text === 'string' &&
        Array.isArray(values) &&
        values.length > 0 &&
        text.length <= maxTextLength &&
        DATA_STATEMENT.test(text)
      ) {
        const name = `dl_${createHash('sha1').update(text).digest('base64url')}`;
        if (prepared.has(name)) return query({ name, text, values }, ...rest);
        if (seen.has(name) && prepared.size < capacity) {
          prepared.add(name);
          return query({ name, text, values }, ...rest);
        }
        if (seen.size >= SEEN_LIMIT) seen.clear();
        seen.add(name);
      }
      return query(text, values, ...rest);
    };
    Object.assign(client, { query: wrapped });
  });
}
