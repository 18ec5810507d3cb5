// 数据铁笼: the audit log is append-only (the database refuses UPDATE, DELETE and TRUNCATE)
// and hash-chained, one chain per county (chain = 6-digit county code, or a shorter area
// code for prefecture/province-level actions). audit_heads holds each chain's tip; it is
// locked FOR UPDATE in the same transaction as the write it records.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      chain text not null,
      seq bigint not null,
      at timestamptz not null,
      actor_id uuid,
      actor_name text,
      actor_role text,
      action text not null,
      entity text not null,
      entity_id text,
      subject_id text,
      area_code text,
      diff jsonb not null,
      origin jsonb not null,
      prev_hash text not null,
      hash text not null,
      unique (chain, seq)
    )`.execute(db);
  await sql`create index audit_entity_idx on audit_log (entity, entity_id)`.execute(db);
  await sql`create index audit_at_idx on audit_log (at)`.execute(db);
  // The card an entry belongs to (a household id for member, visit, procedure… changes): the history tab.
  await sql`create index audit_subject_idx on audit_log (subject_id) where subject_id is not null`.execute(db);
  await sql`
    create table audit_heads (
      chain text primary key,
      seq bigint not null,
      hash text not null
    )`.execute(db);
  await sql`
    create function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_refuse_change()`.execute(db);
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_refuse_change()`.execute(db);
}
