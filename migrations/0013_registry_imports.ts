// Registry imports (贫困人口明细 → households and members): one row per import job — who uploaded
// which file, its progress and outcome, and the row-level errors kept for the downloadable report.
// The imported rows themselves land in households/members; nothing of a rejected file is kept
// except this record.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table registry_imports (
      id uuid primary key default gen_random_uuid(),
      -- the importing account's area: who may see the job (scope), and the audit chain
      area_code text not null,
      status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
      file_name text not null,
      sha256 text,
      byte_size bigint not null default 0,
      format text,
      encoding text,
      rows_read integer not null default 0,
      -- { householdsCreated, householdsUpdated, householdsUnchanged, membersCreated, membersUpdated, membersRemoved }
      counts jsonb not null default '{}',
      ignored_columns text[] not null default '{}',
      file_error jsonb,
      -- [{ rowNo, column, key, params, severity }] — the first 10,000; error_count/warning_count count all
      errors jsonb not null default '[]',
      error_count integer not null default 0,
      warning_count integer not null default 0,
      created_by uuid references accounts (id),
      created_by_name text not null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    )`.execute(db);
  await sql`create index registry_imports_area_idx on registry_imports (area_code text_pattern_ops, created_at desc)`.execute(db);
}
