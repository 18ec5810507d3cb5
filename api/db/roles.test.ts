// The production role split (docs/decisions/0017): the server's role reads and writes the data
// but cannot alter the audit tables, their triggers or their rows. PostgreSQL only: the embedded
// database (PGlite) has a single user, so there is no second role to test there.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordAudit, SYSTEM_ACTOR } from '../modules/audit/audit.ts';
import { getOwnerDb, getTestDb, unique } from '../test/db.ts';
import { serverRole } from '../test/template.ts';
import { canAlterAudit, grantServerRole, RoleError, urlUser } from './roles.ts';

const split = serverRole() !== undefined;

describe.runIf(split)('the server role (DATABASE_URL) when the owner is another role (DRIPLINE_MIGRATE_URL)', () => {
  it('cannot disable the audit triggers, alter or drop the audit tables, or change audit rows', async () => {
    const { db } = await getTestDb();
    await recordAudit(db, { actor: SYSTEM_ACTOR, action: 'test.role', entity: 'test', entityId: unique(), areaCode: '522324' });
    expect(await canAlterAudit(db)).toBe(false);
    for (const t of ['audit_log', 'audit_checkpoints']) {
      await expect(sql`alter table ${sql.table(t)} disable trigger user`.execute(db)).rejects.toThrow(/must be owner/);
      await expect(sql`update ${sql.table(t)} set chain = chain`.execute(db)).rejects.toThrow(/permission denied for table/);
      await expect(sql`delete from ${sql.table(t)}`.execute(db)).rejects.toThrow(/permission denied for table/);
      await expect(sql`truncate ${sql.table(t)}`.execute(db)).rejects.toThrow(/permission denied for table/);
      await expect(sql`drop table ${sql.table(t)}`.execute(db)).rejects.toThrow(/must be owner/);
    }
    await expect(sql`drop trigger audit_log_no_update_delete on audit_log`.execute(db)).rejects.toThrow(/must be owner/);
    await expect(
      sql`create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$ begin return new; end $$`.execute(db),
    ).rejects.toThrow(/must be owner|permission denied/);
    await expect(sql`delete from audit_heads`.execute(db)).rejects.toThrow(/permission denied for table/);
    await expect(sql`create table t_role_probe (a int)`.execute(db)).rejects.toThrow(/permission denied for schema public/);
    // …while the owner can (which is why the heads are signed with a key the database does not hold).
    expect(await canAlterAudit(await getOwnerDb())).toBe(true);
  });

  it('refreshes the statistics of tables it does not own through dripline_analyze', async () => {
    const { db } = await getTestDb();
    // A plain ANALYZE of the owner's table is skipped with a warning; the function runs it as the owner.
    await sql`select dripline_analyze('households', array['county_code', 'status'])`.execute(db);
    await sql`select dripline_analyze('ds_vehicles')`.execute(db);
    await expect(sql`select dripline_analyze('pg_catalog.pg_class')`.execute(db)).rejects.toThrow(/not a table of the public schema/);
  });
});

describe.runIf(process.env.DATABASE_URL)('db grant', () => {
  it('refuses a role that could alter the audit anyway, and one that does not exist', async () => {
    const owner = await getOwnerDb();
    const me = (await sql<{ u: string }>`select current_user as u`.execute(owner)).rows[0]?.u as string;
    await expect(grantServerRole(owner, me)).rejects.toThrow(RoleError);
    await expect(grantServerRole(owner, me)).rejects.toThrow(/superuser|owns/);
    await expect(grantServerRole(owner, `no_such_role_${process.pid}`)).rejects.toThrow(/does not exist: create it first/);
    expect(urlUser('postgres://app%40x:pw@h/db')).toBe('app@x');
    expect(urlUser('postgres://h/db')).toBeUndefined();
  });
});
