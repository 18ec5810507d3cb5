// 数据铁笼: every write leaves an entry (who, when, what, before/after, from where).
// Entries are hash-chained per county: hash = sha256(canonical entry + previous hash).
// This module owns the audit tables; it must never print entry contents (personal data) to logs.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { csvLine } from '../../db/bulk.ts';
import type { Database } from '../../db/schema.ts';

export interface Actor {
  id: string | null;
  name: string;
  role: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'system', role: 'system' };

export interface AuditInput {
  actor: Actor;
  action: string;
  entity: string;
  entityId?: string | null;
  /** The card the entity belongs to (household id), for the card's history. Defaults to entityId for households. */
  subjectId?: string | null;
  /** The area the entity belongs to; its county is the chain. */
  areaCode?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Extra facts about the action (reason, counts…) stored with the diff. */
  note?: Record<string, unknown>;
  origin?: Record<string, unknown>;
}

export const GENESIS = '0'.repeat(64);
/** Fields whose values never enter the audit diff (only the fact that they changed). */
const REDACTED = new Set(['password_hash', 'passwordHash', 'csrf_token']);

export function chainOf(areaCode: string | null | undefined): string {
  if (!areaCode) return 'global';
  return areaCode.length >= 6 ? areaCode.slice(0, 6) : areaCode;
}

function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** { field: [before, after] } for the fields that differ; creation and deletion keep all fields. */
export function diffRecords(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of [...keys].sort()) {
    const b = plain(before?.[k]);
    const a = plain(after?.[k]);
    if (canonicalJson(b) === canonicalJson(a)) continue;
    out[k] = REDACTED.has(k) ? ['[redacted]', '[redacted]'] : [b, a];
  }
  return out;
}

/** JSON with object keys sorted at every depth: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export interface HashedFields {
  chain: string;
  seq: number;
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  subject_id: string | null;
  area_code: string | null;
  diff: unknown;
  origin: unknown;
  prev_hash: string;
}

export function entryHash(e: HashedFields): string {
  const body = canonicalJson({ ...e, at: e.at.toISOString() });
  return createHash('sha256').update(body).update(e.prev_hash).digest('hex');
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Appends one entry. Call it inside the transaction of the write it records, so that both
 * commit or neither does; the chain head row lock serialises concurrent writers per county.
 */
export async function recordAudit(trx: Db, input: AuditInput): Promise<void> {
  const chain = chainOf(input.areaCode);
  await trx.insertInto('audit_heads').values({ chain, seq: 0, hash: GENESIS }).onConflict((oc) => oc.column('chain').doNothing()).execute();
  const head = await trx.selectFrom('audit_heads').selectAll().where('chain', '=', chain).forUpdate().executeTakeFirstOrThrow();
  const diff: Record<string, unknown> = diffRecords(input.before, input.after);
  if (input.note) diff._note = plain(input.note);
  const at = new Date();
  const fields: HashedFields = {
    chain,
    seq: Number(head.seq) + 1,
    at,
    actor_id: input.actor.id,
    actor_name: input.actor.name,
    actor_role: input.actor.role,
    action: input.action,
    entity: input.entity,
    entity_id: input.entityId ?? null,
    subject_id: input.subjectId ?? (input.entity === 'household' ? (input.entityId ?? null) : null),
    area_code: input.areaCode ?? null,
    diff: plain(diff),
    origin: plain(input.origin ?? {}),
    prev_hash: head.hash,
  };
  const hash = entryHash(fields);
  await trx
    .insertInto('audit_log')
    .values({ ...fields, diff: JSON.stringify(fields.diff), origin: JSON.stringify(fields.origin), hash })
    .execute();
  await trx.updateTable('audit_heads').set({ seq: fields.seq, hash }).where('chain', '=', chain).execute();
}

/**
 * Appends many entries at once (imports): one head lock per chain, hashes computed in order,
 * rows inserted in multi-row statements. Same guarantees as recordAudit.
 */
/** COPY into a table, as a bulk session offers it (api/db/bulk.ts). */
type CopyFrom = (table: string, columns: string[], lines: Iterable<string> | AsyncIterable<string>) => Promise<number>;

const AUDIT_COLUMNS = ['chain', 'seq', 'at', 'actor_id', 'actor_name', 'actor_role', 'action', 'entity', 'entity_id', 'subject_id', 'area_code', 'diff', 'origin', 'prev_hash', 'hash'] as const;

/**
 * Appends many entries (an import's per-card entries) in one go, chain by chain. Inside a bulk
 * session pass its `copyFrom`: the rows then go in with COPY (tens of thousands of entries).
 */
export async function recordAuditMany(trx: Db, inputs: AuditInput[], opts: { chunk?: number; copyFrom?: CopyFrom } = {}): Promise<void> {
  const chunk = opts.chunk ?? 1000;
  const byChain = new Map<string, AuditInput[]>();
  for (const i of inputs) {
    const c = chainOf(i.areaCode);
    const list = byChain.get(c);
    if (list) list.push(i);
    else byChain.set(c, [i]);
  }
  for (const [chain, list] of [...byChain].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await trx.insertInto('audit_heads').values({ chain, seq: 0, hash: GENESIS }).onConflict((oc) => oc.column('chain').doNothing()).execute();
    const head = await trx.selectFrom('audit_heads').selectAll().where('chain', '=', chain).forUpdate().executeTakeFirstOrThrow();
    let seq = Number(head.seq);
    let prev = head.hash;
    const at = new Date();
    const rows = list.map((input) => {
      const diff: Record<string, unknown> = diffRecords(input.before, input.after);
      if (input.note) diff._note = plain(input.note);
      const fields: HashedFields = {
        chain,
        seq: ++seq,
        at,
        actor_id: input.actor.id,
        actor_name: input.actor.name,
        actor_role: input.actor.role,
        action: input.action,
        entity: input.entity,
        entity_id: input.entityId ?? null,
        subject_id: input.subjectId ?? (input.entity === 'household' ? (input.entityId ?? null) : null),
        area_code: input.areaCode ?? null,
        diff: plain(diff),
        origin: plain(input.origin ?? {}),
        prev_hash: prev,
      };
      prev = entryHash(fields);
      return { ...fields, diff: JSON.stringify(fields.diff), origin: JSON.stringify(fields.origin), hash: prev };
    });
    if (opts.copyFrom) {
      const lines = rows.map((r) => csvLine(AUDIT_COLUMNS.map((c) => (c === 'at' ? r.at.toISOString() : r[c]))));
      await opts.copyFrom('audit_log', [...AUDIT_COLUMNS], lines);
    } else {
      for (let i = 0; i < rows.length; i += chunk) await trx.insertInto('audit_log').values(rows.slice(i, i + chunk)).execute();
    }
    await trx.updateTable('audit_heads').set({ seq, hash: prev }).where('chain', '=', chain).execute();
  }
}

export interface VerifyProblem {
  chain: string;
  seq: number;
  id: number | null;
  reason: 'hash' | 'prev_hash' | 'sequence' | 'head';
}

export interface VerifyResult {
  ok: boolean;
  chains: number;
  entries: number;
  /** The first broken entry of each broken chain. */
  problems: VerifyProblem[];
}

/** Walks every chain in order, recomputing each hash; names the first broken entry per chain. */
export async function verifyAuditChain(db: Kysely<Database>, opts: { batch?: number } = {}): Promise<VerifyResult> {
  const batch = opts.batch ?? 5000;
  const heads = await db.selectFrom('audit_heads').selectAll().orderBy('chain').execute();
  const chains = await db.selectFrom('audit_log').select('chain').distinct().execute();
  const names = [...new Set([...heads.map((h) => h.chain), ...chains.map((c) => c.chain)])].sort();
  const problems: VerifyProblem[] = [];
  let entries = 0;
  for (const chain of names) {
    let prev = GENESIS;
    let expectSeq = 1;
    let broken: VerifyProblem | undefined;
    for (;;) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('chain', '=', chain)
        .where('seq', '>=', expectSeq)
        .orderBy('seq')
        .limit(batch)
        .execute();
      for (const r of rows) {
        entries++;
        const seq = Number(r.seq);
        if (seq !== expectSeq) {
          broken = { chain, seq: expectSeq, id: r.id, reason: 'sequence' };
          break;
        }
        if (r.prev_hash !== prev) {
          broken = { chain, seq, id: r.id, reason: 'prev_hash' };
          break;
        }
        const recomputed = entryHash({
          chain: r.chain,
          seq,
          at: new Date(r.at),
          actor_id: r.actor_id,
          actor_name: r.actor_name,
          actor_role: r.actor_role,
          action: r.action,
          entity: r.entity,
          entity_id: r.entity_id,
          subject_id: r.subject_id,
          area_code: r.area_code,
          diff: r.diff,
          origin: r.origin,
          prev_hash: r.prev_hash,
        });
        if (recomputed !== r.hash) {
          broken = { chain, seq, id: r.id, reason: 'hash' };
          break;
        }
        prev = r.hash;
        expectSeq++;
      }
      if (broken || rows.length < batch) break;
    }
    if (!broken) {
      const head = heads.find((h) => h.chain === chain);
      if (!head || Number(head.seq) !== expectSeq - 1 || head.hash !== prev) {
        // Entries removed from the end (or a head moved by hand): the chain no longer reaches its head.
        broken = { chain, seq: expectSeq, id: null, reason: 'head' };
      }
    }
    if (broken) problems.push(broken);
  }
  return { ok: problems.length === 0, chains: names.length, entries, problems };
}
