// 数据铁笼: every write leaves an entry (who, when, what, before/after, from where).
// Entries are hash-chained per county: hash = sha256(canonical entry + previous hash).
// This module owns the audit tables; it must never print entry contents (personal data) to logs.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { type BulkSession, copyLine } from '../../db/bulk.ts';
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
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = plain(x);
  return out;
}

/** { field: [before, after] } for the fields that differ; creation and deletion keep all fields. */
export function diffRecords(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  if (!before && after) {
    // A creation (the bulk of an import's entries): every field that is not null.
    for (const k of Object.keys(after).sort()) {
      const a = plain(after[k]);
      if (a !== null) out[k] = REDACTED.has(k) ? ['[redacted]', '[redacted]'] : [null, a];
    }
    return out;
  }
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of [...keys].sort()) {
    const b = plain(before?.[k]);
    const a = plain(after?.[k]);
    if (b === a) continue;
    // Two objects (or arrays) are equal when their canonical texts are; otherwise they differ.
    if (b !== null && a !== null && typeof b === 'object' && typeof a === 'object' && canonicalJson(b) === canonicalJson(a)) continue;
    out[k] = REDACTED.has(k) ? ['[redacted]', '[redacted]'] : [b, a];
  }
  return out;
}

/**
 * JSON with object keys sorted at every depth: the same value always gives the same text.
 * `known` holds texts already made for some objects (by identity), used as they are.
 */
export function canonicalJson(v: unknown, known?: ReadonlyMap<object, string>): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const text = known?.get(v);
  if (text !== undefined) return text;
  // Parts joined once (one flat string), not appended (a rope of fragments, hashed and stored later).
  if (Array.isArray(v)) {
    const parts = new Array<string>(v.length);
    for (let i = 0; i < v.length; i++) parts[i] = canonicalJson(v[i], known);
    return `[${parts.join(',')}]`;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const x = o[k];
    if (x !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(x, known)}`);
  }
  return `{${parts.join(',')}}`;
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

/** HashedFields' keys in canonical (sorted) order. */
const ENTRY_KEYS = ['action', 'actor_id', 'actor_name', 'actor_role', 'area_code', 'at', 'chain', 'diff', 'entity', 'entity_id', 'origin', 'prev_hash', 'seq', 'subject_id'] as const;

/**
 * sha256 of the entry's canonical JSON (`at` as ISO text) followed by the previous hash. The
 * canonical texts of diff and origin may be passed in when the caller has them already.
 */
export function entryHash(e: HashedFields, texts?: { diff: string; origin: string; at?: string }): string {
  const parts: string[] = [];
  for (const k of ENTRY_KEYS) {
    const v = k === 'at' ? (texts?.at ?? e.at.toISOString()) : e[k];
    if (v === undefined) continue;
    const text = texts && (k === 'diff' || k === 'origin') ? texts[k] : canonicalJson(v);
    parts.push(`"${k}":${text}`);
  }
  return createHash('sha256').update(`{${parts.join(',')}}`).update(e.prev_hash).digest('hex');
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Appends one entry. Call it inside the transaction of the write it records, so that both
 * commit or neither does; the chain head row lock serialises concurrent writers per county.
 */
export async function recordAudit(trx: Db, input: AuditInput): Promise<void> {
  const writer = await AuditChainWriter.open(trx, chainOf(input.areaCode));
  await trx.insertInto('audit_log').values(writer.row(input)).execute();
  await writer.close(trx);
}

/** COPY into a table, as a bulk session offers it (api/db/bulk.ts). */
type CopyFrom = BulkSession['copyFrom'];

export const AUDIT_COLUMNS = ['chain', 'seq', 'at', 'actor_id', 'actor_name', 'actor_role', 'action', 'entity', 'entity_id', 'subject_id', 'area_code', 'diff', 'origin', 'prev_hash', 'hash'] as const;

type AuditRow = Omit<HashedFields, 'diff' | 'origin'> & { diff: string; origin: string; hash: string };

/**
 * The entries of one chain, appended in order by one writer: the head row is locked when the
 * chain is opened (concurrent writers of the county wait), each entry's hash is chained in memory,
 * and `close` moves the head. The rows go in by INSERT (`rows`) or COPY (`line`).
 */
export class AuditChainWriter {
  private readonly at = new Date();
  private readonly atText = this.at.toISOString();
  /**
   * Note and origin objects seen before (by identity: an import passes the same ones for every
   * card) → their plain copy, and that copy → its canonical text, made once.
   */
  private readonly plainOf = new WeakMap<object, unknown>();
  private readonly texts = new Map<object, string>();
  private constructor(
    readonly chain: string,
    private seq: number,
    private prev: string,
  ) {}

  static async open(trx: Db, chain: string): Promise<AuditChainWriter> {
    await trx.insertInto('audit_heads').values({ chain, seq: 0, hash: GENESIS }).onConflict((oc) => oc.column('chain').doNothing()).execute();
    const head = await trx.selectFrom('audit_heads').selectAll().where('chain', '=', chain).forUpdate().executeTakeFirstOrThrow();
    return new AuditChainWriter(chain, Number(head.seq), head.hash);
  }

  /** The next entry of the chain, hashed. */
  row(input: AuditInput): AuditRow {
    const diff: Record<string, unknown> = diffRecords(input.before, input.after);
    if (input.note) diff._note = this.plainOnce(input.note);
    const fields: HashedFields = {
      chain: this.chain,
      seq: ++this.seq,
      at: this.at,
      actor_id: input.actor.id,
      actor_name: input.actor.name,
      actor_role: input.actor.role,
      action: input.action,
      entity: input.entity,
      entity_id: input.entityId ?? null,
      subject_id: input.subjectId ?? (input.entity === 'household' ? (input.entityId ?? null) : null),
      area_code: input.areaCode ?? null,
      // diffRecords' values and the note are plain already.
      diff,
      origin: input.origin ? this.plainOnce(input.origin) : {},
      prev_hash: this.prev,
    };
    // The canonical texts serve twice: hashed, and stored (jsonb keeps the same value).
    const texts = { diff: canonicalJson(fields.diff, this.texts), origin: canonicalJson(fields.origin, this.texts) };
    this.prev = entryHash(fields, { ...texts, at: this.atText });
    return { ...fields, ...texts, hash: this.prev };
  }

  /** plain(v), with its canonical text, made once per object for the life of the writer. */
  private plainOnce(v: Record<string, unknown>): unknown {
    let p = this.plainOf.get(v);
    if (p === undefined) {
      p = plain(v);
      this.plainOf.set(v, p);
      if (p !== null && typeof p === 'object') this.texts.set(p, canonicalJson(p));
    }
    return p;
  }

  /** The next entry as a COPY line in AUDIT_COLUMNS order. */
  line(input: AuditInput): string {
    const r = this.row(input);
    return copyLine(AUDIT_COLUMNS.map((c) => (c === 'at' ? this.atText : r[c])));
  }

  async close(trx: Db): Promise<void> {
    await trx.updateTable('audit_heads').set({ seq: this.seq, hash: this.prev }).where('chain', '=', this.chain).execute();
  }
}

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
    const writer = await AuditChainWriter.open(trx, chain);
    if (opts.copyFrom) {
      await opts.copyFrom('audit_log', [...AUDIT_COLUMNS], list.map((i) => writer.line(i)));
    } else {
      const rows = list.map((i) => writer.row(i));
      for (let i = 0; i < rows.length; i += chunk) await trx.insertInto('audit_log').values(rows.slice(i, i + chunk)).execute();
    }
    await writer.close(trx);
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
