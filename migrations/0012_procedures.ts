// Status procedures (识别纳入, 监测对象认定, 标注脱贫, 风险消除, 返贫, 再次纳入, 自然减少, 清退): a
// household's status changes only through one of these, signed off along 村级评议 → 村内公示 (7
// days) → 乡镇审核 → 县级审定. procedure_steps is the append-only trail of who did what when.
// households gain registry_state (在册/待识别/自然减少/清退: whether the household is in the
// registry at all — status keeps the 户状态 code list), risk_eliminated_year and removed_on.
// county_year_settings gains a version for optimistic concurrency on its PUT.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table households
      add column registry_state text not null default '在册'
        check (registry_state in ('在册', '待识别', '自然减少', '清退')),
      add column risk_eliminated_year integer,
      add column removed_on date`.execute(db);

  await sql`
    alter table county_year_settings
      add column version integer not null default 1,
      add column created_at timestamptz not null default now()`.execute(db);

  await sql`
    create table procedures (
      id uuid primary key default gen_random_uuid(),
      county_code text not null check (length(county_code) = 6),
      village_code text not null references areas (code),
      household_id uuid not null references households (id),
      type text not null check (type in ('识别纳入', '监测对象认定', '标注脱贫', '风险消除', '返贫', '再次纳入', '自然减少', '清退')),
      status text not null default 'open' check (status in ('open', 'completed', 'rejected', 'withdrawn')),
      -- the stage waiting for its sign-off; null once the procedure is closed
      stage text check (stage in ('村级评议', '村内公示', '乡镇审核', '县级审定')),
      from_state text not null,
      to_state text not null,
      reason text not null,
      evidence jsonb not null,
      payload jsonb not null,
      started_by uuid references accounts (id),
      started_by_name text not null,
      started_by_role text not null,
      publicity_started_at timestamptz,
      closed_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  // Only one open procedure per household (the domain checks first for a friendly message).
  await sql`create unique index procedures_one_open_idx on procedures (household_id) where status = 'open' and deleted_at is null`.execute(db);
  await sql`create index procedures_household_idx on procedures (household_id, created_at)`.execute(db);
  await sql`create index procedures_queue_idx on procedures (county_code, status, stage, village_code text_pattern_ops)`.execute(db);

  await sql`
    create table procedure_steps (
      id uuid primary key default gen_random_uuid(),
      procedure_id uuid not null references procedures (id),
      county_code text not null,
      seq integer not null,
      stage text not null,
      action text not null check (action in ('start', 'approve', 'reject', 'withdraw', 'object', 'answer')),
      note text,
      -- for 'answer': the objection step it answers
      objection_id uuid references procedure_steps (id),
      actor_id uuid references accounts (id),
      actor_name text not null,
      actor_role text not null,
      at timestamptz not null,
      created_at timestamptz not null default now(),
      unique (procedure_id, seq)
    )`.execute(db);
}
