// The production role split on PostgreSQL (docs/decisions/0017): the migrations' role owns the
// schema and every table; the server connects as another role that may read and write the data
// but only read and append to the audit — it cannot alter the audit tables or their triggers
// (only an owner can), nor update, delete or truncate audit rows (no privilege, and the triggers
// refuse). The embedded database (PGlite) has a single user: none of this applies there.
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** Append-only tables: the server may read and insert (the fund ledger and the projects' step log too: migration 0025; comments on projects: 0027). */
const APPEND_ONLY = new Set(['audit_log', 'audit_checkpoints', 'ledger_entries', 'project_steps', 'project_comments']);
/** The chain heads: inserted for a new chain and moved by every write; never deleted. */
const INSERT_UPDATE = new Set(['audit_heads']);
/** The migrator's bookkeeping: the server only reads it (start-up checks that nothing is pending). */
const READ_ONLY = new Set(['kysely_migration', 'kysely_migration_lock']);

export class RoleError extends Error {}

type AnyDb = Kysely<Database> | Kysely<unknown>;

/**
 * Gives `role` exactly the server's privileges on every table and sequence of the schema that
 * the connected role owns (run it as the owner after each `migrate`; it revokes first, so running
 * it again puts drifted privileges right). Refuses a role that could alter the audit anyway: a
 * superuser, or a member of the tables', the schema's or the database's owner.
 */
export async function grantServerRole(db: AnyDb, role: string): Promise<{ tables: number }> {
  const r = await sql<{ super: boolean; owns: boolean }>`
    select r.rolsuper as super,
      pg_has_role(r.oid, (select relowner from pg_class where oid = 'public.audit_log'::regclass), 'USAGE')
        or pg_has_role(r.oid, (select nspowner from pg_namespace where nspname = 'public'), 'USAGE')
        or pg_has_role(r.oid, (select datdba from pg_database where datname = current_database()), 'USAGE') as owns
    from pg_roles r where r.rolname = ${role}`.execute(db);
  const found = r.rows[0];
  if (!found) throw new RoleError(`role "${role}" does not exist: create it first (CREATE ROLE "${role}" LOGIN PASSWORD '…')`);
  if (found.super) throw new RoleError(`role "${role}" is a superuser: the server's role must not be able to alter the audit tables`);
  if (found.owns) {
    throw new RoleError(
      `role "${role}" owns (or is a member of the owner of) the audit tables, the schema or the database: the server needs a role of its own`,
    );
  }
  const id = sql.id(role);
  const rels = await sql<{ name: string; kind: string }>`
    select c.relname as name, c.relkind as kind from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S')
      and pg_has_role(current_user, c.relowner, 'USAGE')
      -- PostGIS's own tables (spatial_ref_sys: readable by everyone) are the extension's business.
      and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    order by 1`.execute(db);
  let tables = 0;
  await (db as Kysely<Database>).transaction().execute(async (trx) => {
    await sql`grant usage on schema public to ${id}`.execute(trx);
    for (const { name, kind } of rels.rows) {
      const t = sql.table(`public.${name}`);
      if (kind === 'S') {
        await sql`revoke all on sequence ${t} from ${id}`.execute(trx);
        await sql`grant usage, select on sequence ${t} to ${id}`.execute(trx);
        continue;
      }
      tables++;
      await sql`revoke all on table ${t} from ${id}`.execute(trx);
      const privileges = APPEND_ONLY.has(name)
        ? 'select, insert'
        : INSERT_UPDATE.has(name)
          ? 'select, insert, update'
          : READ_ONLY.has(name) || kind === 'v' || kind === 'm'
            ? 'select'
            : 'select, insert, update, delete';
      await sql`grant ${sql.raw(privileges)} on table ${t} to ${id}`.execute(trx);
    }
  });
  return { tables };
}

/**
 * Whether the connected role could alter the audit tables (a superuser, or a member of their
 * owner) — the server warns at start: in production it should not (README: Production roles).
 */
export async function canAlterAudit(db: AnyDb): Promise<boolean> {
  const r = await sql<{ can: boolean }>`
    select (select rolsuper from pg_roles where rolname = current_user)
      or pg_has_role(current_user, (select relowner from pg_class where oid = 'public.audit_log'::regclass), 'USAGE') as can`.execute(db);
  return r.rows[0]?.can === true;
}

/** The user name in a PostgreSQL URL (libpq's default, the OS user, is not guessed). */
export function urlUser(url: string): string | undefined {
  const u = new URL(url);
  return u.username ? decodeURIComponent(u.username) : undefined;
}
