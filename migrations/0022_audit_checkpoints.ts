// 数据铁笼 anchored outside the database: every transaction that appends to an audit chain also
// appends a checkpoint — the chain, where the transaction started (from_seq, from_hash) and where it
// left the chain (seq, hash), and when — signed with an Ed25519 key the database does not hold
// (DRIPLINE_AUDIT_KEY_FILE; api/modules/audit/signing.ts). Whoever owns the tables can still
// rewrite entries and recompute every hash, but cannot sign the new head: `audit verify` finds the
// first entry after the last checkpoint that still matches (docs/decisions/0017).
//
// Checkpoints are append-only like the log (the same refusal, by its own function so that the
// message names the table). dripline_analyze lets the server's role refresh planner statistics
// of tables it does not own (PostgreSQL 15: only the owner may ANALYZE; an import analyzes the
// card tables after a large merge): SECURITY DEFINER, so it runs as the migrations' owner, and
// it does nothing but ANALYZE a table of this schema.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_checkpoints (
      id bigint generated always as identity primary key,
      chain text collate "C" not null,
      from_seq bigint not null,
      from_hash text not null,
      seq bigint not null,
      hash text not null,
      at timestamptz not null,
      key_id text not null,
      signature text not null,
      unique (chain, seq),
      check (seq > from_seq)
    )`.execute(db);
  await sql`
    create function audit_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_checkpoints_no_update_delete before update or delete on audit_checkpoints
    for each row execute function audit_refuse_change()`.execute(db);
  await sql`
    create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
    for each statement execute function audit_refuse_change()`.execute(db);
  await sql`
    create function dripline_analyze(tbl regclass, cols text[] default null) returns void
    language plpgsql security definer set search_path = pg_catalog, public as $$
    begin
      if (select relnamespace from pg_class where oid = tbl) <> 'public'::regnamespace then
        raise exception 'dripline_analyze: % is not a table of the public schema', tbl;
      end if;
      if cols is null then
        execute format('analyze %s', tbl);
      else
        execute format('analyze %s (%s)', tbl, (select string_agg(quote_ident(c), ', ') from unnest(cols) c));
      end if;
    end
    $$`.execute(db);
}
