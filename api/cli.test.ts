// The `dripline` CLI as an operator runs it: real child processes on a real database.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, lockFilePath } from './db/lock.ts';
import { entryHash, GENESIS } from './modules/audit/audit.ts';
import { publicKeyPem, readPrivateKey } from './modules/audit/signing.ts';
import type { Database } from './db/schema.ts';
import type { Kysely } from 'kysely';
import { verifyPassword } from './modules/auth/passwords.ts';
import { cloneTemplate, dripline, driplineWithStdin } from './test/cli.ts';
import { adminQuery, adminUrl, serverRole, testAuditKeyFile, TMP, withDatabase } from './test/template.ts';

// Each test starts several CLI processes, each loading TypeScript and opening the database (the
// embedded one loads PostGIS): minutes on a loaded 2-core machine. The timeout is a hang guard.
describe('dripline CLI', { timeout: 480_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('creates users, and `audit verify` passes after writes, and fails naming the entry altered by hand and the first entry after the last good signature of a chain rewritten with its hashes recomputed', async () => {
    const target = await cloneTemplate();
    cleanups.push(target.drop);
    const created = await dripline(
      ['users', 'create', '--username', 'cli_cadre', '--name', '测试村干部', '--role', 'village_cadre', '--area', '522324101209'],
      target.env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created account cli_cadre/);
    expect(created.stdout).toMatch(/Initial password .*: \S{10,}/);

    const badRole = await dripline(['users', 'create', '--username', 'x_y_z', '--name', 'x', '--role', 'king', '--area', '522324'], target.env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/Unknown role "king"/);
    const badArea = await dripline(['users', 'create', '--username', 'x_y_z', '--name', 'x', '--role', 'admin', '--area', '999999'], target.env);
    expect(badArea.code).toBe(1);
    expect(badArea.stderr).toMatch(/找不到区划代码 999999/);

    const ok = await dripline(['audit', 'verify'], target.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Audit log OK: \d+ entries/);

    // As the database owner (the server's role cannot alter the audit: api/db/roles.test.ts):
    // one entry of the county's chain altered by hand, and another chain rewritten with every
    // hash after the change recomputed — which the hashes alone would accept.
    const h = await target.openOwner();
    let alteredId: number;
    let rewritten: { chain: string; seq: number; id: number };
    try {
      const row = await h.db
        .selectFrom('audit_log')
        .select(['id', 'seq', 'chain'])
        .where('action', '=', 'account.create')
        .where('actor_name', 'like', 'cli:%')
        .executeTakeFirstOrThrow();
      alteredId = row.id;
      await sql`alter table audit_log disable trigger audit_log_no_update_delete`.execute(h.db);
      await sql`update audit_log set actor_name = 'someone else' where id = ${row.id}`.execute(h.db);
      await sql`alter table audit_log enable trigger audit_log_no_update_delete`.execute(h.db);
      const other = await h.db
        .selectFrom('audit_checkpoints')
        .select(['chain', 'from_seq', 'seq'])
        .where('chain', '<>', '522324')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      await rewriteChain(h.db, other.chain, Number(other.seq));
      // Named: the first entry after the last signature that still holds (the one the rewritten head's signature started from).
      const seq = Number(other.from_seq) + 1;
      rewritten = {
        chain: other.chain,
        seq,
        id: (await h.db.selectFrom('audit_log').select('id').where('chain', '=', other.chain).where('seq', '=', seq).executeTakeFirstOrThrow()).id,
      };
    } finally {
      await h.close();
    }
    // An auditor with the public key alone (no private key in the environment).
    const pub = path.join(TMP, `audit-pub-${process.pid}.pem`);
    fs.writeFileSync(pub, publicKeyPem(readPrivateKey(testAuditKeyFile())));
    cleanups.push(() => fs.rmSync(pub, { force: true }));
    const broken = await dripline(['audit', 'verify', '--public-key', pub], { ...target.env, DRIPLINE_AUDIT_KEY_FILE: undefined });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^Audit log BROKEN in 2 chain\(s\)/);
    expect(broken.stderr).toMatch(new RegExp(`chain 522324: first broken entry seq \\d+ \\(id ${alteredId}\\): its content does not match its hash`));
    expect(broken.stderr).toContain(
      `chain ${rewritten.chain}: first entry after the last good signature: seq ${rewritten.seq} (id ${rewritten.id}): the chain from here on does not match the signed head`,
    );
  });

  it('refuses to open an embedded data directory that another process holds, and takes over a stale lock', async () => {
    const dir = path.join(TMP, `w-lock-${process.pid}`);
    fs.rmSync(dir, { recursive: true, force: true });
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const release = acquireDataDirLock(dir, 'dripline serve (test)');
    try {
      const refused = await dripline(['migrate'], { DRIPLINE_DATA_DIR: dir });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(`in use by process ${process.pid} (dripline serve (test)`);
      expect(refused.stderr).toMatch(/Stop that process first/);
      expect(fs.existsSync(path.join(dir, 'pgdata'))).toBe(false);
    } finally {
      release();
    }
    // A lock left by a process that no longer exists is stale.
    fs.writeFileSync(
      lockFilePath(dir),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), command: 'crashed', startedAt: '2026-01-01' }),
    );
    const migrated = await dripline(['migrate'], { DRIPLINE_DATA_DIR: dir });
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toMatch(/Applied: 0001_postgis/);
    expect(fs.existsSync(lockFilePath(dir))).toBe(false);
  });

  /** As the owner: the triggers off, entry `seq` of a chain rewritten and every hash after it recomputed, the head moved. */
  async function rewriteChain(db: Kysely<Database>, chain: string, seq: number) {
    await sql`alter table audit_log disable trigger user`.execute(db);
    try {
      const rows = await db.selectFrom('audit_log').selectAll().where('chain', '=', chain).where('seq', '>=', seq).orderBy('seq').execute();
      let prev =
        (
          await db
            .selectFrom('audit_log')
            .select('hash')
            .where('chain', '=', chain)
            .where('seq', '=', seq - 1)
            .executeTakeFirst()
        )?.hash ?? GENESIS;
      for (const r of rows) {
        const actor_name = Number(r.seq) === seq ? '别人' : r.actor_name;
        const hash = entryHash({ ...r, actor_name, seq: Number(r.seq), at: new Date(r.at), prev_hash: prev });
        await sql`update audit_log set actor_name = ${actor_name}, prev_hash = ${prev}, hash = ${hash} where id = ${r.id}`.execute(db);
        prev = hash;
      }
      await db.updateTable('audit_heads').set({ hash: prev }).where('chain', '=', chain).execute();
    } finally {
      await sql`alter table audit_log enable trigger user`.execute(db);
    }
  }

  it('`audit heads` kept outside the database let `audit verify --against` see entries cut off the end', async () => {
    const target = await cloneTemplate('cliheads');
    cleanups.push(target.drop);
    const heads = await dripline(['audit', 'heads'], target.env);
    expect(heads.code).toBe(0);
    const lines = heads.stdout.trim().split('\n');
    const county = JSON.parse(lines.find((l) => l.includes('"chain":"522324"')) as string) as { seq: number; signature: string };
    expect(county).toMatchObject({ chain: '522324', key_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const kept = path.join(TMP, `audit-heads-${process.pid}.jsonl`);
    fs.writeFileSync(kept, heads.stdout);
    cleanups.push(() => fs.rmSync(kept, { force: true }));

    // The owner cuts the newest entry and its signed head off the county's chain.
    const h = await target.openOwner();
    try {
      await sql`alter table audit_log disable trigger user`.execute(h.db);
      await sql`alter table audit_checkpoints disable trigger user`.execute(h.db);
      const last = await h.db
        .selectFrom('audit_checkpoints')
        .select(['from_seq', 'from_hash'])
        .where('chain', '=', '522324')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      await h.db.deleteFrom('audit_log').where('chain', '=', '522324').where('seq', '>', Number(last.from_seq)).execute();
      await h.db.deleteFrom('audit_checkpoints').where('chain', '=', '522324').where('seq', '>', Number(last.from_seq)).execute();
      await h.db
        .updateTable('audit_heads')
        .set({ seq: Number(last.from_seq), hash: last.from_hash })
        .where('chain', '=', '522324')
        .execute();
      await sql`alter table audit_log enable trigger user`.execute(h.db);
      await sql`alter table audit_checkpoints enable trigger user`.execute(h.db);
    } finally {
      await h.close();
    }
    // What is left is sound and signed (the limit: audit.test.ts), but not what was recorded.
    const cut = await dripline(['audit', 'verify', '--against', kept], target.env);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/chain 522324: first broken entry seq \d+: entries are missing at the end of the chain/);
    // A kept head altered outside is refused, not trusted.
    fs.writeFileSync(kept, lines.map((l) => l.replace(county.signature, Buffer.alloc(64, 1).toString('base64'))).join('\n'));
    const forged = await dripline(['audit', 'verify', '--against', kept], target.env);
    expect(forged.code).toBe(2);
    expect(forged.stderr).toMatch(/line \d+: not signed by a trusted key/);
  });

  it('makes an audit key (mode 0600) and prints its public key; never overwrites one', async () => {
    const file = path.join(TMP, `audit-keygen-${process.pid}`, 'key.pem');
    cleanups.push(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
    const made = await dripline(['audit', 'keygen', file], {});
    expect(made.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(made.stdout).toBe(publicKeyPem(readPrivateKey(file)));
    expect(made.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const again = await dripline(['audit', 'keygen', file], {});
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists: audit keygen never overwrites a key/);
    const shown = await dripline(['audit', 'public-key'], { DRIPLINE_AUDIT_KEY_FILE: file, DRIPLINE_DATA_DIR: path.dirname(file) });
    expect(shown.stdout).toBe(made.stdout);
  });

  it('refuses to start or write on PostgreSQL without DRIPLINE_AUDIT_KEY_FILE, and names the variable', async () => {
    // Refused before connecting: the URL leads nowhere.
    const env = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', DRIPLINE_AUDIT_KEY_FILE: undefined };
    for (const args of [
      ['serve', '--port', '0'],
      ['users', 'create', '--username', 'u_x', '--name', 'x', '--role', 'admin', '--area', '522324'],
    ]) {
      const r = await dripline(args, env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/No audit key: set DRIPLINE_AUDIT_KEY_FILE/);
    }
    const missing = await dripline(['users', 'create', '--username', 'u_x', '--name', 'x', '--role', 'admin', '--area', '522324'], {
      ...env,
      DRIPLINE_AUDIT_KEY_FILE: path.join(TMP, 'no-such-key.pem'),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read the audit key .*no-such-key\.pem: ENOENT/);
  });

  it.runIf(!process.env.DATABASE_URL)('embedded: makes the audit key in the data directory on first start and signs the chains written before', async () => {
    const target = await cloneTemplate('clikey');
    cleanups.push(target.drop);
    const dir = target.env.DRIPLINE_DATA_DIR as string;
    // A data directory from before the audit was signed: entries, no signed heads, no key.
    const h = await target.openOwner();
    try {
      await sql`alter table audit_checkpoints disable trigger user`.execute(h.db);
      await h.db.deleteFrom('audit_checkpoints').execute();
      await sql`alter table audit_checkpoints enable trigger user`.execute(h.db);
    } finally {
      await h.close();
    }
    const env = { ...target.env, DRIPLINE_AUDIT_KEY_FILE: undefined };
    const created = await dripline(['users', 'create', '--username', 'cli_key', '--name', '测试', '--role', 'county_official', '--area', '522324'], env);
    expect(created.code).toBe(0);
    const key = path.join(dir, 'audit-key.pem');
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    expect(created.stderr).toMatch(/Audit key made: .*audit-key\.pem/);
    expect(created.stderr).toMatch(/Audit chain 522324: entries 1–\d+, written before the audit was signed, are now signed\./);
    // Verification finds the key in the data directory (and makes none).
    const ok = await dripline(['audit', 'verify'], env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  it('`db grant` is for PostgreSQL, and `migrate` as the owner grants the server role its privileges', async () => {
    if (!process.env.DATABASE_URL) {
      const r = await dripline(['db', 'grant', '--role', 'x'], { DRIPLINE_DATA_DIR: path.join(TMP, 'unused') });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/the embedded database has a single user/);
      return;
    }
    const target = await cloneTemplate('cligrant');
    cleanups.push(target.drop);
    const missing = await dripline(['db', 'grant', '--role', `no_such_role_${process.pid}`], target.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist: create it first/);
    const role = serverRole();
    if (!role) return; // the role split (DRIPLINE_MIGRATE_URL) only
    const migrated = await dripline(['migrate'], target.env);
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toMatch(new RegExp(`Already up to date\\.\\nGranted role ${role} the server's privileges on \\d+ tables`));
    // The server's role cannot migrate: a server started on a database that needs migrations says who must.
    const url = process.env.DATABASE_URL;
    const empty = `${adminUrl(url).base}_wempty_${process.pid}`;
    await adminQuery(url, `drop database if exists "${empty}"`);
    await adminQuery(url, `create database "${empty}"`);
    cleanups.push(async () => void (await adminQuery(url, `drop database if exists "${empty}" with (force)`)));
    const refused = await dripline(['serve', '--port', '0'], { DATABASE_URL: withDatabase(url, empty) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /permission denied for schema public\nThe database needs migrations that only its owner can apply: run `npx dripline migrate` with DRIPLINE_MIGRATE_URL/,
    );
  });

  it('`users reset-password --password-stdin` reads the password from stdin; `users list` shows the account’s state', async () => {
    const target = await cloneTemplate('users');
    cleanups.push(target.drop);
    const viaStdin = await driplineWithStdin(['users', 'reset-password', '--username', 'baojia_cadre', '--password-stdin'], target.env, 'Chosen2026pass\n');
    expect(viaStdin.stderr).toBe('');
    expect(viaStdin.code).toBe(0);
    expect(viaStdin.stdout).toMatch(/^Password of baojia_cadre reset; its sessions ended\.$/m);
    expect(viaStdin.stdout).not.toMatch(/One-time password/);
    const list = await dripline(['users', 'list', '--area', '522324101209'], target.env, 500_000);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^baojia_cadre +village_cadre +522324101209 .* active {2}保家村 罗书记 · 保家村$/m);
    expect(list.stdout).toMatch(/^baojia_supervisor +village_supervisor/m);
    expect(list.stdout).toMatch(/^2 account\(s\)\.$/m);
    const h = await target.open();
    try {
      const row = await h.db
        .selectFrom('accounts')
        .select(['password_hash', 'must_change_password'])
        .where('username', '=', 'baojia_cadre')
        .executeTakeFirstOrThrow();
      expect(row.must_change_password).toBe(false);
      expect(await verifyPassword(row.password_hash, 'Chosen2026pass')).toBe(true);
    } finally {
      await h.close();
    }
  }, 900_000);
});
