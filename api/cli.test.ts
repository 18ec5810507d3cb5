// The `dripline` CLI as an operator runs it: real child processes on a real database.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, lockFilePath } from './db/lock.ts';
import { cloneTemplate, dripline } from './test/cli.ts';
import { TMP } from './test/template.ts';

describe('dripline CLI', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('creates users, and `audit verify` passes after writes and fails naming the entry altered by hand', async () => {
    const target = await cloneTemplate();
    cleanups.push(target.drop);
    const created = await dripline(['users', 'create', '--username', 'cli_cadre', '--name', '测试村干部', '--role', 'village_cadre', '--area', '522324101209'], target.env);
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

    const h = await target.open();
    let alteredId = 0;
    try {
      const row = await h.db.selectFrom('audit_log').select(['id', 'seq', 'chain']).where('action', '=', 'account.create').where('actor_name', 'like', 'cli:%').executeTakeFirstOrThrow();
      alteredId = row.id;
      await sql`alter table audit_log disable trigger audit_log_no_update_delete`.execute(h.db);
      await sql`update audit_log set actor_name = 'someone else' where id = ${row.id}`.execute(h.db);
      await sql`alter table audit_log enable trigger audit_log_no_update_delete`.execute(h.db);
    } finally {
      await h.close();
    }
    const broken = await dripline(['audit', 'verify'], target.env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(new RegExp(`chain 522324: first broken entry seq \\d+ \\(id ${alteredId}\\): its content does not match its hash`));
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
    fs.writeFileSync(lockFilePath(dir), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), command: 'crashed', startedAt: '2026-01-01' }));
    const migrated = await dripline(['migrate'], { DRIPLINE_DATA_DIR: dir });
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toMatch(/Applied: 0001_postgis/);
    expect(fs.existsSync(lockFilePath(dir))).toBe(false);
  });
});
