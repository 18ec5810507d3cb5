// SQL of the audit log (数据铁笼): chain heads, entries and signed checkpoints. The only place that
// knows these tables (an import's entries also go in by COPY through the bulk session, audit.ts).
import { type Insertable, sql } from 'kysely';
import type { AuditLogTable, DbOrTrx as Db } from '../../db/schema.ts';
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
