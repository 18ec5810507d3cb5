// The audit log: every write is recorded, the database refuses changes, the chain detects tampering.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { getTestDb, unique } from '../../test/db.ts';
import { createHash } from 'node:crypto';
import { canonicalJson, chainOf, diffRecords, entryHash, GENESIS, recordAudit, SYSTEM_ACTOR, verifyAuditChain } from './audit.ts';

describe('audit diff and chain helpers', () => {
  it('records only changed fields and redacts password hashes', () => {
    expect(diffRecords({ a: 1, b: 'x', password_hash: 'h1' }, { a: 2, b: 'x', password_hash: 'h2' })).toEqual({
      a: [1, 2],
      password_hash: ['[redacted]', '[redacted]'],
    });
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    // The text every stored hash was computed from: it must never change (old chains would break).
    expect(canonicalJson([1, undefined, null, 'a"b\n', -0, Number.NaN, { x: undefined, '中': '文', e: [] }, true])).toBe('[1,null,null,"a\\"b\\n",0,null,{"e":[],"中":"文"},true]');
    expect(canonicalJson({ x: undefined })).toBe('{}');
    expect(canonicalJson({ x: undefined, y: 1 })).toBe('{"y":1}');
    expect(canonicalJson(undefined)).toBe('null');
    // entryHash is sha256(canonical entry + previous hash), however it assembles the text.
    const e = {
      chain: '522324', seq: 7, at: new Date('2026-11-23T08:00:00.123Z'), actor_id: null, actor_name: '张三', actor_role: 'county_officer',
      action: 'household.update', entity: 'household', entity_id: 'x', subject_id: 'x', area_code: '522324101209',
      diff: { status: ['脱贫户', '监测户'], _note: { reason: '因病' } }, origin: { ip: '127.0.0.1' }, prev_hash: GENESIS,
    };
    const expected = createHash('sha256').update(canonicalJson({ ...e, at: e.at.toISOString() })).update(GENESIS).digest('hex');
    expect(entryHash(e)).toBe(expected);
    expect(entryHash(e, { diff: canonicalJson(e.diff), origin: canonicalJson(e.origin) })).toBe(expected);
    // A creation keeps every field that is not null, as the general comparison does.
    const created = { b: 1, a: null, c: [1, 2], d: new Date('2026-01-02T00:00:00.000Z'), password_hash: 'h' };
    expect(diffRecords(null, created)).toEqual({ b: [null, 1], c: [null, [1, 2]], d: [null, '2026-01-02T00:00:00.000Z'], password_hash: ['[redacted]', '[redacted]'] });
    expect(Object.keys(diffRecords(null, created))).toEqual(Object.keys(diffRecords({ a: null }, created)));
    expect(diffRecords(undefined, created)).toEqual(diffRecords({ a: null }, created));
    expect(chainOf('522324101209')).toBe('522324');
    expect(chainOf('5223')).toBe('5223');
    expect(chainOf(null)).toBe('global');
  });
});

describe('audit log in the database', () => {
  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    const { db } = await getTestDb();
    await recordAudit(db, { actor: SYSTEM_ACTOR, action: 'test.entry', entity: 'test', entityId: unique(), areaCode: '522324' });
    await expect(sql`update audit_log set action = 'x'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('verifies after writes and names the first altered entry, then the chain is mended only by restoring it', async () => {
    const { db } = await getTestDb();
    // A chain of its own so that tests in other files do not interfere.
    const area = `9${String(Date.now() % 100000).padStart(5, '0')}`;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = unique('e');
      ids.push(id);
      await recordAudit(db, { actor: SYSTEM_ACTOR, action: 'test.write', entity: 'test', entityId: id, areaCode: area, after: { n: i, 名称: '测试' } });
    }
    const before = await verifyAuditChain(db);
    expect(before.problems.filter((p) => p.chain === area)).toEqual([]);
    const target = await db.selectFrom('audit_log').select(['id', 'seq', 'diff']).where('chain', '=', area).where('seq', '=', 3).executeTakeFirstOrThrow();
    // Someone with database access disables the guard and alters a row by hand.
    await sql`alter table audit_log disable trigger audit_log_no_update_delete`.execute(db);
    try {
      await sql`update audit_log set diff = ${JSON.stringify({ n: [null, 99] })}::jsonb where id = ${target.id}`.execute(db);
    } finally {
      await sql`alter table audit_log enable trigger audit_log_no_update_delete`.execute(db);
    }
    const after = await verifyAuditChain(db);
    expect(after.ok).toBe(false);
    expect(after.problems.find((p) => p.chain === area)).toEqual({ chain: area, seq: 3, id: target.id, reason: 'hash' });
    // Restore so other tests see a sound log.
    await sql`alter table audit_log disable trigger audit_log_no_update_delete`.execute(db);
    try {
      await sql`update audit_log set diff = ${JSON.stringify(target.diff)}::jsonb where id = ${target.id}`.execute(db);
    } finally {
      await sql`alter table audit_log enable trigger audit_log_no_update_delete`.execute(db);
    }
    expect((await verifyAuditChain(db)).problems.filter((p) => p.chain === area)).toEqual([]);
  });

  it('detects entries removed from the end of a chain', async () => {
    const { db } = await getTestDb();
    const area = `8${String(Date.now() % 100000).padStart(5, '0')}`;
    for (let i = 0; i < 3; i++) await recordAudit(db, { actor: SYSTEM_ACTOR, action: 'test.write', entity: 'test', entityId: unique(), areaCode: area });
    const last = await db.selectFrom('audit_log').selectAll().where('chain', '=', area).where('seq', '=', 3).executeTakeFirstOrThrow();
    await sql`alter table audit_log disable trigger audit_log_no_update_delete`.execute(db);
    try {
      await sql`delete from audit_log where id = ${last.id}`.execute(db);
      const r = await verifyAuditChain(db);
      expect(r.problems.find((p) => p.chain === area)).toMatchObject({ chain: area, seq: 3, reason: 'head' });
      // Put the chain back together for the other tests: the head returns to entry 2.
      const second = await db.selectFrom('audit_log').select(['hash']).where('chain', '=', area).where('seq', '=', 2).executeTakeFirstOrThrow();
      await db.updateTable('audit_heads').set({ seq: 2, hash: second.hash }).where('chain', '=', area).execute();
    } finally {
      await sql`alter table audit_log enable trigger audit_log_no_update_delete`.execute(db);
    }
  });

  it('keeps one chain per county in order under concurrent writers', async () => {
    const { db } = await getTestDb();
    const area = `7${String(Date.now() % 100000).padStart(5, '0')}`;
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.transaction().execute((trx) => recordAudit(trx, { actor: SYSTEM_ACTOR, action: 'test.concurrent', entity: 'test', entityId: String(i), areaCode: area })),
      ),
    );
    const rows = await db.selectFrom('audit_log').select('seq').where('chain', '=', area).orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await verifyAuditChain(db)).problems.filter((p) => p.chain === area)).toEqual([]);
  });
});

describe('AuditChainWriter', () => {
  it('hashes and stores the same texts when every entry shares one note and origin object', async () => {
    const { handle } = await getTestDb();
    const c = `8${String(Date.now() % 100000).padStart(5, '0')}`;
    const { recordAuditMany } = await import('./audit.ts');
    const note = { importId: 'job-1', fileName: '名册.csv', nested: { b: 2, a: [1, null] } };
    const origin = { ip: '10.0.0.1', via: 'bench' };
    await handle.bulk(({ db: trx, copyFrom }) =>
      recordAuditMany(
        trx,
        Array.from({ length: 3 }, (_, i) => ({ actor: SYSTEM_ACTOR, action: 'test.shared', entity: 'test', entityId: String(i), areaCode: c, after: { i, z: null }, note, origin })),
        { copyFrom },
      ),
    );
    const rows = await handle.db.selectFrom('audit_log').selectAll().where('chain', '=', c).orderBy('seq').execute();
    expect(rows.map((r) => r.diff)).toEqual([0, 1, 2].map((i) => ({ i: [null, i], _note: { importId: 'job-1', fileName: '名册.csv', nested: { a: [1, null], b: 2 } } })));
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
    const a = `6${String(Date.now() % 100000).padStart(5, '0')}`;
    const b = `5${String(Date.now() % 100000).padStart(5, '0')}`;
    const { recordAuditMany } = await import('./audit.ts');
    await recordAudit(db, { actor: SYSTEM_ACTOR, action: 'test.one', entity: 'test', areaCode: a });
    await db.transaction().execute((trx) =>
      recordAuditMany(
        trx,
        Array.from({ length: 2500 }, (_, i) => ({ actor: SYSTEM_ACTOR, action: 'test.many', entity: 'test', entityId: String(i), areaCode: i % 2 ? a : b, after: { i } })),
      ),
    );
    const counts = await db.selectFrom('audit_log').select(['chain', (eb) => eb.fn.max('seq').as('max')]).where('chain', 'in', [a, b]).groupBy('chain').execute();
    expect(Object.fromEntries(counts.map((c) => [c.chain, Number(c.max)]))).toEqual({ [a]: 1251, [b]: 1250 });
    expect((await verifyAuditChain(db)).problems.filter((p) => p.chain === a || p.chain === b)).toEqual([]);
  });

  it('writes the same verifiable entries with COPY inside a bulk session', async () => {
    const { handle } = await getTestDb();
    const c = `7${String(Date.now() % 100000).padStart(5, '0')}`;
    const { recordAuditMany } = await import('./audit.ts');
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
