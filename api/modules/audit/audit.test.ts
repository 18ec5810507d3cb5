// The audit log: every write is recorded, the database refuses changes, the chain detects tampering,
// and the signed heads detect a chain rewritten by the tables' owner (who can recompute every hash).
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTestDb, getOwnerDb, getTestDb, unique } from '../../test/db.ts';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../db/schema.ts';
import { useTestAuditKey } from '../../test/template.ts';
import {
  adoptUnsignedPrefixes,
  canonicalJson,
  chainOf,
  diffRecords,
  entryHash,
  GENESIS,
  recordAudit,
  recordAuditMany,
  SYSTEM_ACTOR,
  verifyAuditChain,
} from './audit.ts';
import {
  checkpointMessage,
  checkpointValid,
  generateKeyFile,
  keyIdOf,
  ownTrustedKeys,
  publicKeyPem,
  readPrivateKey,
  readPublicKeys,
  trustedKeys,
  useAuditKey,
} from './signing.ts';

describe('audit diff and chain helpers', () => {
  it('records only changed fields and redacts password hashes', () => {
    expect(diffRecords({ a: 1, b: 'x', password_hash: 'h1' }, { a: 2, b: 'x', password_hash: 'h2' })).toEqual({
      a: [1, 2],
      password_hash: ['[redacted]', '[redacted]'],
    });
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    // The text every stored hash was computed from: it must never change (old chains would break).
    expect(canonicalJson([1, undefined, null, 'a"b\n', -0, Number.NaN, { x: undefined, 中: '文', e: [] }, true])).toBe(
      '[1,null,null,"a\\"b\\n",0,null,{"e":[],"中":"文"},true]',
    );
    expect(canonicalJson({ x: undefined })).toBe('{}');
    expect(canonicalJson({ x: undefined, y: 1 })).toBe('{"y":1}');
    expect(canonicalJson(undefined)).toBe('null');
    // entryHash is sha256(canonical entry + previous hash), however it assembles the text.
    const e = {
      chain: '522324',
      seq: 7,
      at: new Date('2026-11-23T08:00:00.123Z'),
      actor_id: null,
      actor_name: '张三',
      actor_role: 'county_officer',
      action: 'household.update',
      entity: 'household',
      entity_id: 'x',
      subject_id: 'x',
      area_code: '522324101209',
      diff: { status: ['脱贫户', '监测户'], _note: { reason: '因病' } },
      origin: { ip: '127.0.0.1' },
      prev_hash: GENESIS,
    };
    const expected = createHash('sha256')
      .update(canonicalJson({ ...e, at: e.at.toISOString() }))
      .update(GENESIS)
      .digest('hex');
    expect(entryHash(e)).toBe(expected);
    expect(entryHash(e, { diff: canonicalJson(e.diff), origin: canonicalJson(e.origin) })).toBe(expected);
    // A creation keeps every field that is not null, as the general comparison does.
    const created = { b: 1, a: null, c: [1, 2], d: new Date('2026-01-02T00:00:00.000Z'), password_hash: 'h' };
    expect(diffRecords(null, created)).toEqual({
      b: [null, 1],
      c: [null, [1, 2]],
      d: [null, '2026-01-02T00:00:00.000Z'],
      password_hash: ['[redacted]', '[redacted]'],
    });
    expect(Object.keys(diffRecords(null, created))).toEqual(Object.keys(diffRecords({ a: null }, created)));
    expect(diffRecords(undefined, created)).toEqual(diffRecords({ a: null }, created));
    expect(chainOf('522324101209')).toBe('522324');
    expect(chainOf('5223')).toBe('5223');
    expect(chainOf(null)).toBe('global');
  });
});

describe('audit key files', () => {
  it('reads the private key among earlier public keys (a rotation), trusts them all, and refuses what is not an Ed25519 key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-keys-'));
    try {
      const file = path.join(dir, 'audit-key.pem');
      const current = generateKeyFile(file);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(() => generateKeyFile(file)).toThrow(/EEXIST/);
      const old = generateKeyPairSync('ed25519').privateKey;
      // After a rotation: the new private key, and the old public key kept to verify old heads.
      fs.writeFileSync(file, `${publicKeyPem(old)}${current.export({ format: 'pem', type: 'pkcs8' }).toString()}`);
      expect(keyIdOf(readPrivateKey(file))).toBe(keyIdOf(current));
      expect(readPublicKeys(file).map(keyIdOf).sort()).toEqual([keyIdOf(old), keyIdOf(current)].sort());
      const c = { chain: '522324', from_seq: 0, from_hash: GENESIS, seq: 1, hash: 'a'.repeat(64), at: new Date(), key_id: keyIdOf(old), signature: '' };
      c.signature = sign(null, checkpointMessage(c), old).toString('base64');
      expect(checkpointValid(c, trustedKeys(readPublicKeys(file)))).toBe(true);
      expect(checkpointValid(c, trustedKeys([current]))).toBe(false);

      const rsa = path.join(dir, 'rsa.pem');
      fs.writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
      expect(() => readPrivateKey(rsa)).toThrow(/not an Ed25519 key \(rsa\)/);
      const pubOnly = path.join(dir, 'pub.pem');
      fs.writeFileSync(pubOnly, publicKeyPem(old));
      expect(() => readPrivateKey(pubOnly)).toThrow(/not a PEM private key/);
      fs.writeFileSync(pubOnly, 'hello');
      expect(() => readPublicKeys(pubOnly)).toThrow(/no PEM key in it/);
      expect(() => readPrivateKey(path.join(dir, 'missing.pem'))).toThrow(/cannot read the audit key .*missing\.pem: ENOENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A chain code of its own per test (6 digits, first digit given), so that tests do not interfere. */
let chainCounter = 0;
const newChain = (first: string) => `${first}${String((Date.now() + chainCounter++ * 7919) % 100000).padStart(5, '0')}`;

async function writeEntries(db: Kysely<Database>, chain: string, n: number) {
  for (let i = 0; i < n; i++)
    await recordAudit(db, { actor: SYSTEM_ACTOR, action: 'test.write', entity: 'test', entityId: unique('e'), areaCode: chain, after: { n: i, 名称: '测试' } });
}

/** As the owner, with the append-only triggers off: what a database owner can always do. */
async function withoutGuards<T>(owner: Kysely<Database>, fn: () => Promise<T>): Promise<T> {
  await sql`alter table audit_log disable trigger user`.execute(owner);
  await sql`alter table audit_checkpoints disable trigger user`.execute(owner);
  try {
    return await fn();
  } finally {
    await sql`alter table audit_log enable trigger user`.execute(owner);
    await sql`alter table audit_checkpoints enable trigger user`.execute(owner);
  }
}

/**
 * The owner rewrites entry `seq` of a chain and recomputes every hash from there to the end, and
 * the head: the chain is internally consistent again, as the hash chain alone would accept it.
 */
async function rewriteAndRecompute(owner: Kysely<Database>, chain: string, seq: number, diff: Record<string, unknown>) {
  await withoutGuards(owner, async () => {
    const rows = await owner.selectFrom('audit_log').selectAll().where('chain', '=', chain).where('seq', '>=', seq).orderBy('seq').execute();
    const before = await owner
      .selectFrom('audit_log')
      .select('hash')
      .where('chain', '=', chain)
      .where('seq', '=', seq - 1)
      .executeTakeFirst();
    let prev = before?.hash ?? GENESIS;
    for (const r of rows) {
      const fields = { ...r, seq: Number(r.seq), at: new Date(r.at), prev_hash: prev, diff: Number(r.seq) === seq ? diff : r.diff };
      const hash = entryHash(fields);
      await sql`update audit_log set diff = ${JSON.stringify(fields.diff)}::jsonb, prev_hash = ${prev}, hash = ${hash} where id = ${r.id}`.execute(owner);
      prev = hash;
    }
    await owner.updateTable('audit_heads').set({ hash: prev }).where('chain', '=', chain).execute();
  });
}

const idOf = async (db: Kysely<Database>, chain: string, seq: number) =>
  (await db.selectFrom('audit_log').select('id').where('chain', '=', chain).where('seq', '=', seq).executeTakeFirstOrThrow()).id;
const problemOf = async (db: Kysely<Database>, chain: string, opts: Parameters<typeof verifyAuditChain>[1] = {}) =>
  (await verifyAuditChain(db, opts)).problems.find((p) => p.chain === chain);

describe('audit log in the database', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of entries and of signed heads', async () => {
    const { db } = await getTestDb();
    await recordAudit(db, { actor: SYSTEM_ACTOR, action: 'test.entry', entity: 'test', entityId: unique(), areaCode: '522324' });
    await expect(sql`update audit_log set action = 'x'`.execute(db)).rejects.toThrow(/append-only|permission denied/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only|permission denied/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only|permission denied/);
    await expect(sql`update audit_checkpoints set hash = 'x'`.execute(db)).rejects.toThrow(/append-only|permission denied/);
    await expect(sql`delete from audit_checkpoints`.execute(db)).rejects.toThrow(/append-only|permission denied/);
    await expect(sql`truncate audit_checkpoints`.execute(db)).rejects.toThrow(/append-only|permission denied/);
    // The owner is refused by the triggers too (privileges do not bind an owner).
    const owner = await getOwnerDb();
    await expect(sql`update audit_log set action = 'x'`.execute(owner)).rejects.toThrow(/audit_log is append-only: UPDATE refused/);
    await expect(sql`delete from audit_checkpoints`.execute(owner)).rejects.toThrow(/audit_checkpoints is append-only: DELETE refused/);
    await expect(sql`truncate audit_checkpoints`.execute(owner)).rejects.toThrow(/audit_checkpoints is append-only: TRUNCATE refused/);
  });

  it('signs each write: one checkpoint per transaction, from the head it found to the head it left', async () => {
    const { db, handle } = await getTestDb();
    const chain = newChain('9');
    await writeEntries(db, chain, 2);
    await handle.bulk(({ db: trx, copyFrom }) =>
      recordAuditMany(
        trx,
        Array.from({ length: 50 }, (_, i) => ({ actor: SYSTEM_ACTOR, action: 'test.bulk', entity: 'test', entityId: String(i), areaCode: chain })),
        { copyFrom },
      ),
    );
    const cps = await db.selectFrom('audit_checkpoints').selectAll().where('chain', '=', chain).orderBy('seq').execute();
    const hashes = await db.selectFrom('audit_log').select(['seq', 'hash']).where('chain', '=', chain).orderBy('seq').execute();
    const hashAt = (s: number) => (s === 0 ? GENESIS : hashes[s - 1]?.hash);
    expect(cps.map((c) => [Number(c.from_seq), Number(c.seq)])).toEqual([
      [0, 1],
      [1, 2],
      [2, 52],
    ]);
    for (const c of cps) {
      const cp = { ...c, from_seq: Number(c.from_seq), seq: Number(c.seq), at: new Date(c.at) };
      expect(cp.hash).toBe(hashAt(cp.seq));
      expect(cp.from_hash).toBe(hashAt(cp.from_seq));
      expect(checkpointValid(cp, ownTrustedKeys())).toBe(true);
      // Any other head, or any other key, does not pass.
      expect(checkpointValid({ ...cp, seq: cp.seq + 1 }, ownTrustedKeys())).toBe(false);
      expect(checkpointValid(cp, trustedKeys([generateKeyPairSync('ed25519').publicKey]))).toBe(false);
    }
    expect(checkpointMessage(cps[0] ? { ...cps[0], from_seq: 0, seq: 1, at: new Date('2026-01-02T03:04:05.678Z') } : (undefined as never)).toString()).toBe(
      `dripline-audit-checkpoint-v1\n${chain}\n0\n${GENESIS}\n1\n${hashAt(1)}\n2026-01-02T03:04:05.678Z`,
    );
    const r = await verifyAuditChain(db);
    expect(r.problems.find((p) => p.chain === chain)).toBeUndefined();
    expect(r.signedHeads.find((h) => h.chain === chain)).toMatchObject({ chain, from_seq: 2, seq: 52, hash: hashAt(52) });
  });

  it('refuses an audited write in a process without the audit key, and keeps nothing of it', async () => {
    const { db } = await getTestDb();
    const chain = newChain('8');
    await writeEntries(db, chain, 1);
    useAuditKey(null);
    try {
      await expect(
        db.transaction().execute((trx) => recordAudit(trx, { actor: SYSTEM_ACTOR, action: 'test.unsigned', entity: 'test', areaCode: chain })),
      ).rejects.toThrow(/No audit key: set DRIPLINE_AUDIT_KEY_FILE/);
    } finally {
      useTestAuditKey();
    }
    const rows = await db.selectFrom('audit_log').select('seq').where('chain', '=', chain).execute();
    expect(rows.length).toBe(1);
    expect(await problemOf(db, chain)).toBeUndefined();
  });

  it('names the first altered entry, and the chain is mended by restoring it', async () => {
    const { db } = await getTestDb();
    const owner = await getOwnerDb();
    const area = newChain('7');
    await writeEntries(db, area, 4);
    expect(await problemOf(db, area)).toBeUndefined();
    const target = await db.selectFrom('audit_log').select(['id', 'seq', 'diff']).where('chain', '=', area).where('seq', '=', 3).executeTakeFirstOrThrow();
    // The owner disables the guard and alters a row by hand (without recomputing its hash).
    await withoutGuards(owner, () => sql`update audit_log set diff = ${JSON.stringify({ n: [null, 99] })}::jsonb where id = ${target.id}`.execute(owner));
    const after = await verifyAuditChain(db);
    expect(after.ok).toBe(false);
    expect(after.problems.find((p) => p.chain === area)).toEqual({ chain: area, seq: 3, id: target.id, reason: 'hash', signedThrough: 2 });
    // Restore so other tests see a sound log.
    await withoutGuards(owner, () => sql`update audit_log set diff = ${JSON.stringify(target.diff)}::jsonb where id = ${target.id}`.execute(owner));
    expect(await problemOf(db, area)).toBeUndefined();
  });

  it('keeps one chain per county in order under concurrent writers', async () => {
    const { db } = await getTestDb();
    const area = newChain('7');
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db
          .transaction()
          .execute((trx) => recordAudit(trx, { actor: SYSTEM_ACTOR, action: 'test.concurrent', entity: 'test', entityId: String(i), areaCode: area })),
      ),
    );
    const rows = await db.selectFrom('audit_log').select('seq').where('chain', '=', area).orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await problemOf(db, area)).toBeUndefined();
  });
});

// Tampering that cannot be undone (signed heads are append-only): on a database of its own.
describe('the audit rewritten by the database owner', () => {
  let t: Awaited<ReturnType<typeof freshTestDb>>;
  beforeAll(async () => {
    t = await freshTestDb('tamper');
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('is found by its signed heads when the owner recomputes every hash: verify names the first entry after the last good signature', async () => {
    const chain = newChain('6');
    await writeEntries(t.db, chain, 5);
    await rewriteAndRecompute(t.owner, chain, 3, { n: [null, 99], 名称: [null, '改过'] });
    const p = await problemOf(t.db, chain);
    // The hashes and links are all consistent again: only the signatures show it.
    expect(p).toEqual({ chain, seq: 3, id: await idOf(t.db, chain, 3), reason: 'signature', signedThrough: 2 });
  });

  it('names the start of a bulk write (one signature for many entries) when an entry inside it is rewritten', async () => {
    const chain = newChain('6');
    await writeEntries(t.db, chain, 2);
    await t.db.transaction().execute((trx) =>
      recordAuditMany(
        trx,
        Array.from({ length: 10 }, (_, i) => ({ actor: SYSTEM_ACTOR, action: 'test.bulk', entity: 'test', entityId: String(i), areaCode: chain })),
      ),
    );
    await rewriteAndRecompute(t.owner, chain, 9, { forged: [null, true] });
    expect(await problemOf(t.db, chain)).toEqual({ chain, seq: 3, id: await idOf(t.db, chain, 3), reason: 'signature', signedThrough: 2 });
  });

  it('finds entries the owner appended by hand, and entries appended before a later signed write', async () => {
    const chain = newChain('5');
    await writeEntries(t.db, chain, 2);
    // The owner appends a well-formed entry and moves the head, as the writer would — but cannot sign.
    const append = async () => {
      const head = await t.owner.selectFrom('audit_heads').selectAll().where('chain', '=', chain).executeTakeFirstOrThrow();
      const fields = {
        chain,
        seq: Number(head.seq) + 1,
        at: new Date(),
        actor_id: null,
        actor_name: '张三',
        actor_role: 'county_official',
        action: 'household.update',
        entity: 'household',
        entity_id: 'x',
        subject_id: 'x',
        area_code: chain,
        diff: { status: ['监测户', '脱贫户'] },
        origin: {},
        prev_hash: head.hash,
      };
      const hash = entryHash(fields);
      await t.owner
        .insertInto('audit_log')
        .values({ ...fields, diff: JSON.stringify(fields.diff), origin: '{}', hash })
        .execute();
      await t.owner.updateTable('audit_heads').set({ seq: fields.seq, hash }).where('chain', '=', chain).execute();
    };
    await append();
    expect(await problemOf(t.db, chain)).toEqual({ chain, seq: 3, id: await idOf(t.db, chain, 3), reason: 'unsigned', signedThrough: 2 });
    // The next real write signs from the head it finds: the gap before it stays visible.
    await writeEntries(t.db, chain, 1);
    expect(await problemOf(t.db, chain)).toEqual({ chain, seq: 3, id: await idOf(t.db, chain, 3), reason: 'unsigned', signedThrough: 2 });
  });

  it('does not take a signed head signed with another key', async () => {
    const chain = newChain('4');
    await writeEntries(t.db, chain, 3);
    await rewriteAndRecompute(t.owner, chain, 2, { forged: [null, true] });
    // The owner signs the rewritten heads with a key of their own.
    const { privateKey } = generateKeyPairSync('ed25519');
    useAuditKey(privateKey);
    try {
      await writeEntries(t.owner, chain, 1);
    } finally {
      useTestAuditKey();
    }
    expect(await problemOf(t.db, chain)).toMatchObject({ chain, seq: 2, reason: 'signature', signedThrough: 1 });
    // …which is good only to whoever trusts that key: with it alone, the test key's heads fail from the start.
    expect(await problemOf(t.db, chain, { keys: trustedKeys([privateKey]) })).toMatchObject({ chain, seq: 1, reason: 'signature', signedThrough: 0 });
    expect(keyIdOf(privateKey)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('cannot see the newest entries cut off with their signed heads, but a signed head kept outside can', async () => {
    const chain = newChain('3');
    await writeEntries(t.db, chain, 4);
    const kept = (await verifyAuditChain(t.db)).signedHeads.filter((h) => h.chain === chain);
    expect(kept.map((h) => h.seq)).toEqual([4]);
    // The owner removes entries 3 and 4 and their signed heads, and moves the head back to entry 2.
    await withoutGuards(t.owner, async () => {
      await t.owner.deleteFrom('audit_log').where('chain', '=', chain).where('seq', '>', 2).execute();
      await t.owner.deleteFrom('audit_checkpoints').where('chain', '=', chain).where('seq', '>', 2).execute();
      const second = await t.owner.selectFrom('audit_log').select('hash').where('chain', '=', chain).where('seq', '=', 2).executeTakeFirstOrThrow();
      await t.owner.updateTable('audit_heads').set({ seq: 2, hash: second.hash }).where('chain', '=', chain).execute();
    });
    // The limit (docs/SECURITY.md): what remains is a sound, signed chain.
    expect(await problemOf(t.db, chain)).toBeUndefined();
    expect(await problemOf(t.db, chain, { anchors: kept })).toEqual({ chain, seq: 3, id: null, reason: 'head', signedThrough: 2 });
    // New writes fill seqs 3 and 4 again: the kept head no longer matches entry 4.
    await writeEntries(t.db, chain, 3);
    expect(await problemOf(t.db, chain)).toBeUndefined();
    expect(await problemOf(t.db, chain, { anchors: kept })).toEqual({ chain, seq: 4, id: await idOf(t.db, chain, 4), reason: 'anchor', signedThrough: 4 });
  });

  it('signs what was written before the audit was signed (after checking it), and nothing after a signed head', async () => {
    const legacy = newChain('2');
    const broken = newChain('2');
    await writeEntries(t.db, legacy, 3);
    await writeEntries(t.db, broken, 2);
    // As a database from before signing: entries without checkpoints.
    await withoutGuards(t.owner, () => t.owner.deleteFrom('audit_checkpoints').where('chain', 'in', [legacy, broken]).execute());
    expect(await problemOf(t.db, legacy)).toEqual({ chain: legacy, seq: 1, id: await idOf(t.db, legacy, 1), reason: 'unsigned', signedThrough: 0 });
    // A write after the upgrade signs only its own entries.
    await writeEntries(t.db, legacy, 1);
    expect(await problemOf(t.db, legacy)).toMatchObject({ seq: 1, reason: 'unsigned', signedThrough: 0 });
    await withoutGuards(t.owner, () => sql`update audit_log set actor_name = 'x' where chain = ${broken} and seq = 2`.execute(t.owner));
    const adopted = await adoptUnsignedPrefixes(t.db);
    expect(adopted.signed).toEqual([{ chain: legacy, seq: 3 }]);
    expect(adopted.refused).toEqual([{ chain: broken, seq: 2 }]);
    expect(await problemOf(t.db, legacy)).toBeUndefined();
    expect(await problemOf(t.db, broken)).toMatchObject({ seq: 2, reason: 'hash' });
    // Nothing is left to adopt on a chain signed from its start.
    expect((await adoptUnsignedPrefixes(t.db)).signed).toEqual([]);
  });
});

describe('AuditChainWriter', () => {
  it('hashes and stores the same texts when every entry shares one note and origin object', async () => {
    const { handle } = await getTestDb();
    const c = newChain('8');
    const note = { importId: 'job-1', fileName: '名册.csv', nested: { b: 2, a: [1, null] } };
    const origin = { ip: '10.0.0.1', via: 'bench' };
    await handle.bulk(({ db: trx, copyFrom }) =>
      recordAuditMany(
        trx,
        Array.from({ length: 3 }, (_, i) => ({
          actor: SYSTEM_ACTOR,
          action: 'test.shared',
          entity: 'test',
          entityId: String(i),
          areaCode: c,
          after: { i, z: null },
          note,
          origin,
        })),
        { copyFrom },
      ),
    );
    const rows = await handle.db.selectFrom('audit_log').selectAll().where('chain', '=', c).orderBy('seq').execute();
    expect(rows.map((r) => r.diff)).toEqual(
      [0, 1, 2].map((i) => ({ i: [null, i], _note: { importId: 'job-1', fileName: '名册.csv', nested: { a: [1, null], b: 2 } } })),
    );
    expect(rows.map((r) => r.origin)).toEqual([origin, origin, origin]);
    // Each stored entry hashes as recomputed from its stored values alone.
    for (const r of rows) {
      const fields = { ...r, seq: Number(r.seq), at: new Date(r.at) };
      expect(entryHash(fields)).toBe(r.hash);
    }
    expect((await verifyAuditChain(handle.db)).problems.filter((p) => p.chain === c)).toEqual([]);
  });
});

describe('recordAuditMany', () => {
  it('appends many entries to several chains in order, verifiably', async () => {
    const { db } = await getTestDb();
    const a = newChain('6');
    const b = newChain('5');
    await recordAudit(db, { actor: SYSTEM_ACTOR, action: 'test.one', entity: 'test', areaCode: a });
    await db.transaction().execute((trx) =>
      recordAuditMany(
        trx,
        Array.from({ length: 2500 }, (_, i) => ({
          actor: SYSTEM_ACTOR,
          action: 'test.many',
          entity: 'test',
          entityId: String(i),
          areaCode: i % 2 ? a : b,
          after: { i },
        })),
      ),
    );
    const counts = await db
      .selectFrom('audit_log')
      .select(['chain', (eb) => eb.fn.max('seq').as('max')])
      .where('chain', 'in', [a, b])
      .groupBy('chain')
      .execute();
    expect(Object.fromEntries(counts.map((c) => [c.chain, Number(c.max)]))).toEqual({ [a]: 1251, [b]: 1250 });
    expect((await verifyAuditChain(db)).problems.filter((p) => p.chain === a || p.chain === b)).toEqual([]);
  });

  it('writes the same verifiable entries with COPY inside a bulk session', async () => {
    const { handle } = await getTestDb();
    const c = newChain('7');
    await recordAudit(handle.db, { actor: SYSTEM_ACTOR, action: 'test.one', entity: 'test', areaCode: c });
    await handle.bulk(({ db: trx, copyFrom }) =>
      recordAuditMany(
        trx,
        Array.from({ length: 1200 }, (_, i) => ({
          actor: SYSTEM_ACTOR,
          action: 'test.copy',
          entity: 'test',
          entityId: String(i),
          areaCode: c,
          before: i % 3 ? { name: '旧,"名"' } : null,
          after: { name: `新名${i}`, note: 'a\nb' },
        })),
        { copyFrom },
      ),
    );
    const rows = await handle.db.selectFrom('audit_log').select(['seq', 'diff']).where('chain', '=', c).orderBy('seq').execute();
    expect(rows.length).toBe(1201);
    expect(rows.at(-1)?.seq).toBe(1201);
    expect(rows[2]?.diff).toEqual({ name: ['旧,"名"', '新名1'], note: [null, 'a\nb'] });
    expect((await verifyAuditChain(handle.db)).problems.filter((p) => p.chain === c)).toEqual([]);
  });
});
