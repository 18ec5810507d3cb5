// 数据铁笼: every write leaves an entry (who, when, what, before/after, from where).
// Entries are hash-chained per county: hash = sha256(canonical entry + previous hash), and every
// transaction that appends to a chain signs where it left the chain's head (a checkpoint, with a
// key kept outside the database: signing.ts), so that a chain rewritten by the tables' owner no
// longer matches its signed heads.
// This module owns the audit tables; it must never print entry contents (personal data) to logs.
import { createHash } from 'node:crypto';
import { type BulkSession, copyLine } from '../../db/bulk.ts';
import type { Db } from '../../db/schema.ts';
import * as q from './queries.ts';
import { checkpointValid, ownTrustedKeys, requireAuditKey, type SignedCheckpoint, signCheckpoint, type TrustedKeys } from './signing.ts';

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
const ENTRY_KEYS = [
  'action',
  'actor_id',
  'actor_name',
  'actor_role',
  'area_code',
  'at',
  'chain',
  'diff',
  'entity',
  'entity_id',
  'origin',
  'prev_hash',
  'seq',
  'subject_id',
] as const;

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
  return createHash('sha256')
    .update(`{${parts.join(',')}}`)
    .update(e.prev_hash)
    .digest('hex');
}

/**
 * Appends one entry. Call it inside the transaction of the write it records, so that both
 * commit or neither does; the chain head row lock serialises concurrent writers per county.
 */
export async function recordAudit(trx: Db, input: AuditInput): Promise<void> {
  const writer = await AuditChainWriter.open(trx, chainOf(input.areaCode));
  await q.insertEntries(trx, writer.row(input));
  await writer.close(trx);
}

/** COPY into a table, as a bulk session offers it (api/db/bulk.ts). */
type CopyFrom = BulkSession['copyFrom'];

export const AUDIT_COLUMNS = [
  'chain',
  'seq',
  'at',
  'actor_id',
  'actor_name',
  'actor_role',
  'action',
  'entity',
  'entity_id',
  'subject_id',
  'area_code',
  'diff',
  'origin',
  'prev_hash',
  'hash',
] as const;

type AuditRow = Omit<HashedFields, 'diff' | 'origin'> & { diff: string; origin: string; hash: string };

/**
 * The entries of one chain, appended in order by one writer: the head row is locked when the
 * chain is opened (concurrent writers of the county wait), each entry's hash is chained in memory,
 * and `close` moves the head and signs it (one checkpoint per chain per transaction, however many
 * entries: a bulk import signs once). The rows go in by INSERT (`rows`) or COPY (`line`).
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
  private readonly fromSeq: number;
  private readonly fromHash: string;
  private constructor(
    readonly chain: string,
    private seq: number,
    private prev: string,
  ) {
    this.fromSeq = seq;
    this.fromHash = prev;
  }

  static async open(trx: Db, chain: string): Promise<AuditChainWriter> {
    // Before any work: a process without the audit key writes nothing (signing.ts).
    requireAuditKey();
    const head = await q.lockHead(trx, chain, GENESIS);
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

  /** Moves the head and appends its signed checkpoint, in one statement. */
  async close(trx: Db): Promise<void> {
    if (this.seq === this.fromSeq) return;
    const c = signCheckpoint({ chain: this.chain, from_seq: this.fromSeq, from_hash: this.fromHash, seq: this.seq, hash: this.prev, at: new Date() });
    await q.moveHead(trx, c);
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
      await opts.copyFrom(
        'audit_log',
        [...AUDIT_COLUMNS],
        list.map((i) => writer.line(i)),
      );
    } else {
      const rows = list.map((i) => writer.row(i));
      for (let i = 0; i < rows.length; i += chunk) await q.insertEntries(trx, rows.slice(i, i + chunk));
    }
    await writer.close(trx);
  }
}

export type VerifyReason =
  /** The entry's content does not match its hash (altered). */
  | 'hash'
  /** The entry does not link to the one before it. */
  | 'prev_hash'
  /** An entry is missing before it. */
  | 'sequence'
  /** Entries are missing at the end (the chain stops short of its head or of a signed head). */
  | 'head'
  /** The chain from here on does not match the signed head that follows (rewritten), or that signature is not good. */
  | 'signature'
  /** Entries from here on were appended without a signature (not by a process holding the audit key). */
  | 'unsigned'
  /** The chain does not match a signed head recorded outside the database (`audit verify --against`). */
  | 'anchor';

export interface VerifyProblem {
  chain: string;
  /** The first broken entry; for signature problems, the first entry after the last good signature. */
  seq: number;
  id: number | null;
  reason: VerifyReason;
  /** Entries 1…signedThrough are covered by a good signature (0: none are). */
  signedThrough: number;
}

export interface VerifyResult {
  ok: boolean;
  chains: number;
  entries: number;
  /** The first broken entry of each broken chain. */
  problems: VerifyProblem[];
  /** Each chain's last good signed head (chains without one are left out). */
  signedHeads: SignedCheckpoint[];
}

export interface VerifyOptions {
  batch?: number;
  /** The public keys whose signatures count (signing.ts trustedKeys); default: the key this process signs with. */
  keys?: TrustedKeys;
  /**
   * Signed heads recorded outside the database earlier (`audit heads`), already checked against
   * `keys`: each chain must still pass through them.
   */
  anchors?: SignedCheckpoint[];
}

type CheckpointRow = SignedCheckpoint;

/** A chain's checkpoints in seq order, read a batch at a time. */
class CheckpointCursor {
  private buf: CheckpointRow[] = [];
  private after = 0;
  private done = false;
  constructor(
    private readonly db: Db,
    private readonly chain: string,
    private readonly batch: number,
  ) {}
  async peek(): Promise<CheckpointRow | undefined> {
    if (!this.buf.length && !this.done) {
      const rows = await q.checkpointsAfter(this.db, this.chain, this.after, this.batch);
      this.buf = rows.map((r) => ({ ...r, from_seq: Number(r.from_seq), seq: Number(r.seq), at: new Date(r.at) })).reverse();
      if (rows.length < this.batch) this.done = true;
      const last = this.buf[0];
      if (last) this.after = last.seq;
    }
    return this.buf.at(-1);
  }
  take(): void {
    this.buf.pop();
  }
}

/**
 * Walks one chain in order: each entry's hash recomputed, each checkpoint's signature checked and
 * its head matched against the recomputed chain, each checkpoint starting where the one before
 * ended. Stops at the first problem.
 */
async function verifyChain(
  db: Db,
  chain: string,
  head: { seq: number; hash: string } | undefined,
  opts: Required<Pick<VerifyOptions, 'batch' | 'keys'>> & { anchors: SignedCheckpoint[] },
): Promise<{ entries: number; problem?: VerifyProblem; signed?: SignedCheckpoint }> {
  const { batch, keys, anchors } = opts;
  let entries = 0;
  let prev = GENESIS;
  let expectSeq = 1;
  /** The last good checkpoint: the chain up to it is vouched for by the key. */
  let signed: { seq: number; hash: string; checkpoint?: SignedCheckpoint } = { seq: 0, hash: GENESIS };
  let anchor = 0;
  const checkpoints = new CheckpointCursor(db, chain, batch);
  let broken: Omit<VerifyProblem, 'chain' | 'signedThrough'> | undefined;
  /** A problem found at a checkpoint is named at the first entry after the last good signature. */
  const afterSigned = (reason: VerifyReason) => ({ seq: signed.seq + 1, id: null, reason });
  walk: for (;;) {
    const rows = await q.entriesFrom(db, chain, expectSeq, batch);
    for (const r of rows) {
      entries++;
      const seq = Number(r.seq);
      if (seq !== expectSeq) {
        broken = { seq: expectSeq, id: r.id, reason: 'sequence' };
        break walk;
      }
      if (r.prev_hash !== prev) {
        broken = { seq, id: r.id, reason: 'prev_hash' };
        break walk;
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
        broken = { seq, id: r.id, reason: 'hash' };
        break walk;
      }
      for (let c = await checkpoints.peek(); c && c.seq <= seq; c = await checkpoints.peek()) {
        checkpoints.take();
        if (c.seq !== seq || c.hash !== r.hash || !checkpointValid(c, keys)) {
          broken = afterSigned('signature');
          break walk;
        }
        if (c.from_seq !== signed.seq || c.from_hash !== signed.hash) {
          // A good signature that starts later than the last one ended: what lies between was
          // appended by something without the key.
          broken = afterSigned('unsigned');
          break walk;
        }
        signed = { seq, hash: r.hash, checkpoint: c };
      }
      for (; anchor < anchors.length && (anchors[anchor] as SignedCheckpoint).seq <= seq; anchor++) {
        const a = anchors[anchor] as SignedCheckpoint;
        if (a.seq === seq && a.hash !== r.hash) {
          broken = { seq, id: r.id, reason: 'anchor' };
          break walk;
        }
      }
      prev = r.hash;
      expectSeq++;
    }
    if (rows.length < batch) break;
  }
  if (!broken) {
    const last = expectSeq - 1;
    if (!head || Number(head.seq) !== last || head.hash !== prev || (await checkpoints.peek()) || anchor < anchors.length) {
      // Entries removed from the end (or a head moved by hand): the chain no longer reaches its
      // head, its last signed head, or a signed head recorded outside.
      broken = { seq: expectSeq, id: null, reason: 'head' };
    } else if (signed.seq < last) {
      broken = afterSigned('unsigned');
    }
  }
  if (!broken) return { entries, signed: signed.checkpoint };
  if (broken.id === null && broken.reason !== 'head') {
    const e = await q.entryIdAt(db, chain, broken.seq);
    broken.id = e?.id ?? null;
  }
  return { entries, problem: { chain, ...broken, signedThrough: signed.seq }, signed: signed.checkpoint };
}

/**
 * Walks every chain in order, recomputing each hash and checking each signed checkpoint with
 * `keys`; names the first broken entry per chain (for a chain rewritten with its hashes
 * recomputed: the first entry after the last signature that still matches).
 */
export async function verifyAuditChain(db: Db, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const batch = opts.batch ?? 5000;
  const keys = opts.keys ?? ownTrustedKeys();
  const heads = new Map((await q.listHeads(db)).map((h) => [h.chain, { seq: Number(h.seq), hash: h.hash }]));
  const names = await q.chainNames(db);
  const anchors = new Map<string, SignedCheckpoint[]>();
  for (const a of opts.anchors ?? []) anchors.set(a.chain, [...(anchors.get(a.chain) ?? []), a]);
  for (const list of anchors.values()) list.sort((a, b) => a.seq - b.seq);
  const problems: VerifyProblem[] = [];
  const signedHeads: SignedCheckpoint[] = [];
  let entries = 0;
  for (const chain of [...new Set([...names, ...anchors.keys()])].sort()) {
    const r = await verifyChain(db, chain, heads.get(chain), { batch, keys, anchors: anchors.get(chain) ?? [] });
    entries += r.entries;
    if (r.problem) problems.push(r.problem);
    if (r.signed) signedHeads.push(r.signed);
  }
  return { ok: problems.length === 0, chains: names.length, entries, problems, signedHeads };
}

/**
 * Signs what was written before the audit was signed (an upgraded database): for each chain whose
 * first checkpoint does not start at the beginning — or that has none — the entries before it are
 * checked (hashes and links) and, if sound, signed as one checkpoint from the start. Never signs
 * anything after a signed checkpoint. Returns the chains signed and those refused (broken).
 */
export async function adoptUnsignedPrefixes(db: Db): Promise<{ signed: { chain: string; seq: number }[]; refused: { chain: string; seq: number }[] }> {
  requireAuditKey();
  const signed: { chain: string; seq: number }[] = [];
  const refused: { chain: string; seq: number }[] = [];
  for (const chain of await q.chainNames(db)) {
    await db.transaction().execute(async (trx) => {
      // The head row locked: no writer signs this chain meanwhile.
      const head = await q.lockHeadIfAny(trx, chain);
      const first = await q.firstCheckpoint(trx, chain);
      const upTo = first ? { seq: Number(first.from_seq), hash: first.from_hash } : head ? { seq: Number(head.seq), hash: head.hash } : undefined;
      if (!upTo || upTo.seq === 0) return;
      let prev = GENESIS;
      let expect = 1;
      for (;;) {
        const rows = await q.entriesFrom(trx, chain, expect, 5000, upTo.seq);
        for (const r of rows) {
          const ok = Number(r.seq) === expect && r.prev_hash === prev && entryHash({ ...r, seq: Number(r.seq), at: new Date(r.at) }) === r.hash;
          if (!ok) {
            refused.push({ chain, seq: expect });
            return;
          }
          prev = r.hash;
          expect++;
        }
        if (rows.length < 5000) break;
      }
      if (expect - 1 !== upTo.seq || prev !== upTo.hash) {
        refused.push({ chain, seq: expect });
        return;
      }
      const c = signCheckpoint({ chain, from_seq: 0, from_hash: GENESIS, seq: upTo.seq, hash: upTo.hash, at: new Date() });
      await q.insertCheckpoint(trx, c);
      signed.push({ chain, seq: upTo.seq });
    });
  }
  return { signed, refused };
}
