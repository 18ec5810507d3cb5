// SQL of the audit log (数据铁笼): chain heads, entries and signed checkpoints. The only place that
// knows these tables (an import's entries also go in by COPY through the bulk session, audit.ts).
import { type Insertable, sql } from 'kysely';
import type { AuditLogTable, DbOrTrx as Db } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';
import type { SignedCheckpoint } from './signing.ts';

// ── Writing ─────────────────────────────────────────────────────────────────────────────────
/** The chain's head (created at `genesis` when the chain is new), locked for the rest of the transaction. */
export async function lockHead(trx: Db, chain: string, genesis: string) {
  await trx
    .insertInto('audit_heads')
    .values({ chain, seq: 0, hash: genesis })
    .onConflict((oc) => oc.column('chain').doNothing())
    .execute();
  return trx.selectFrom('audit_heads').selectAll().where('chain', '=', chain).forUpdate().executeTakeFirstOrThrow();
}

/** Appends entries (hashed and chained by the writer). */
export const insertEntries = (trx: Db, rows: Insertable<AuditLogTable> | readonly Insertable<AuditLogTable>[]) =>
  trx.insertInto('audit_log').values(rows).execute();

/** Moves the chain's head to the checkpoint's and appends the signed checkpoint, in one statement. */
export async function moveHead(trx: Db, c: SignedCheckpoint) {
  await sql`
    with head as (update audit_heads set seq = ${c.seq}, hash = ${c.hash} where chain = ${c.chain})
    insert into audit_checkpoints (chain, from_seq, from_hash, seq, hash, at, key_id, signature)
    values (${c.chain}, ${c.from_seq}, ${c.from_hash}, ${c.seq}, ${c.hash}, ${c.at.toISOString()}, ${c.key_id}, ${c.signature})`.execute(trx);
}

/** Appends a signed checkpoint without moving the head (the signature of an unsigned prefix). */
export const insertCheckpoint = (trx: Db, c: SignedCheckpoint) =>
  trx
    .insertInto('audit_checkpoints')
    .values({ ...c, at: c.at.toISOString() })
    .execute();

// ── Reading (verify, adopt) ─────────────────────────────────────────────────────────────────
/** Every chain's head. */
export const listHeads = (db: Db) => db.selectFrom('audit_heads').selectAll().execute();

/** The chain's head, locked for the rest of the transaction, if it has one. */
export const lockHeadIfAny = (trx: Db, chain: string) => trx.selectFrom('audit_heads').selectAll().where('chain', '=', chain).forUpdate().executeTakeFirst();

/** Every chain's name: those with a head, with entries, or with checkpoints. */
export async function chainNames(db: Db): Promise<string[]> {
  const [heads, logged, signed] = await Promise.all([
    db.selectFrom('audit_heads').select('chain').execute(),
    db.selectFrom('audit_log').select('chain').distinct().execute(),
    db.selectFrom('audit_checkpoints').select('chain').distinct().execute(),
  ]);
  return [...new Set([...heads, ...logged, ...signed].map((r) => r.chain))].sort();
}

/** Up to `limit` entries of the chain from `fromSeq` (up to `toSeq` when given), in order. */
export function entriesFrom(db: Db, chain: string, fromSeq: number, limit: number, toSeq?: number) {
  let q = db.selectFrom('audit_log').selectAll().where('chain', '=', chain).where('seq', '>=', fromSeq);
  if (toSeq !== undefined) q = q.where('seq', '<=', toSeq);
  return q.orderBy('seq').limit(limit).execute();
}

/** The id of the chain's entry `seq`, if there is one. */
export const entryIdAt = (db: Db, chain: string, seq: number) =>
  db.selectFrom('audit_log').select('id').where('chain', '=', chain).where('seq', '=', seq).executeTakeFirst();

/** Up to `limit` checkpoints of the chain after head `afterSeq`, in order. */
export const checkpointsAfter = (db: Db, chain: string, afterSeq: number, limit: number) =>
  db
    .selectFrom('audit_checkpoints')
    .select(['chain', 'from_seq', 'from_hash', 'seq', 'hash', 'at', 'key_id', 'signature'])
    .where('chain', '=', chain)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();

/** Where the chain's first checkpoint starts, if it has one. */
export const firstCheckpoint = (db: Db, chain: string) =>
  db.selectFrom('audit_checkpoints').select(['from_seq', 'from_hash']).where('chain', '=', chain).orderBy('seq').limit(1).executeTakeFirst();

// ── Reading an area's recent entries (the workbench of the read-only roles) ──────────────────────
export interface RecentFilter {
  /** Entries at or after this time. */
  since: Date;
  /** Only these actions (e.g. access.denied) … */
  actions?: readonly string[];
  /** … or every action but these. */
  exceptActions?: readonly string[];
  /** Leave out sign-ins and sign-outs (auth.*): they change no data. */
  changesOnly?: boolean;
}

/**
 * The scope's entries (by their area code, within the scope's county chains) since a time, as a
 * FROM … WHERE fragment: served by audit_at_idx (a county), audit_area_at_idx (a township or
 * village) or audit_action_at_idx (one action), migration 0036.
 */
const recentIn = (scope: Scope, f: RecentFilter) => sql`from audit_log a
  where ${scope.sql('a.area_code', 'a.chain')} and a.at >= ${f.since.toISOString()}::timestamptz
  ${f.actions ? sql`and a.action in (${sql.join(f.actions)})` : sql``}
  ${f.exceptActions ? sql`and a.action not in (${sql.join(f.exceptActions)})` : sql``}
  ${f.changesOnly ? sql`and a.action not like 'auth.%'` : sql``}`;

/** How many entries of the scope since `f.since`, counting at most `countLimit` + 1. */
export async function countRecent(db: Db, scope: Scope, f: RecentFilter, countLimit: number) {
  const r = await sql<{ n: number }>`select count(*)::int as n from (select 1 ${recentIn(scope, f)} limit ${countLimit + 1}) t`.execute(db);
  const n = Number(r.rows[0]?.n ?? 0);
  return { total: Math.min(n, countLimit), capped: n > countLimit };
}

/** The latest entries of the scope since `f.since`: who did what to which record, when (no diff: it may hold personal data). */
export const latestRecent = (db: Db, scope: Scope, f: RecentFilter, limit: number) =>
  sql<{
    at: Date;
    actor_name: string | null;
    actor_role: string | null;
    action: string;
    entity: string;
    entity_id: string | null;
    subject_id: string | null;
    area_code: string | null;
  }>`
    select a.at, a.actor_name, a.actor_role, a.action, a.entity, a.entity_id, a.subject_id, a.area_code ${recentIn(scope, f)}
    order by a.at desc limit ${limit}`
    .execute(db)
    .then((r) => r.rows);
