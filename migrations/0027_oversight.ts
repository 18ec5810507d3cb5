// Oversight of projects and funds (issue 15 items 4–5; docs/domain/oversight-rules.md): the
// inspectors' and officials' comments on projects and ledger entries (append-only, like the step
// log), the anomaly rules' runs, and alerts — raised by a rule run or by an inspector by hand,
// answered by the responsible office, closed by the inspector.
//
// An alert names its subject by kind (project, ledger entry, project step, procedure step,
// account) and carries the rule's own stable key for it (subject_key): a rule run inserts an alert
// only where no active one (open or answered) of the same rule and key exists — a unique index
// says so — so running the rules again changes nothing. Manual alerts have no key and may repeat.
// village_code is the subject's area (a project's lead village, a procedure's village): scope
// filters on it as on every other area table.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table project_comments (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null,
      county_code text collate "C" not null,
      -- the project's lead village (scope)
      village_code text collate "C" not null references areas (code),
      -- a comment on one of the project's ledger entries
      ledger_entry_id uuid references ledger_entries (id),
      author_id uuid references accounts (id),
      author_name text not null,
      author_role text not null,
      text text not null check (btrim(text) <> '' and length(text) <= 4000),
      at timestamptz not null,
      created_at timestamptz not null default now(),
      foreign key (project_id, county_code) references projects (id, county_code),
      constraint project_comments_county_of_village_check check (county_code = left(village_code, 6))
    )`.execute(db);
  await sql`create index project_comments_project_idx on project_comments (project_id, at)`.execute(db);

  await sql`
    create table oversight_runs (
      id uuid primary key default gen_random_uuid(),
      county_code text collate "C" not null check (length(county_code) = 6),
      as_of date not null,
      thresholds jsonb not null,
      counts jsonb not null default '{}'::jsonb,
      started_by uuid references accounts (id),
      started_by_name text not null,
      started_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table oversight_alerts (
      id uuid primary key default gen_random_uuid(),
      county_code text collate "C" not null check (length(county_code) = 6),
      village_code text collate "C" not null references areas (code),
      -- a rule code (DISBURSED_BEFORE_APPROVAL …) or 'manual'
      rule text not null check (rule ~ '^[A-Z_]+$' or rule = 'manual'),
      severity text not null check (severity in ('high', 'medium', 'low')),
      subject_kind text not null check (subject_kind in ('project', 'ledger_entry', 'project_step', 'procedure_step', 'account')),
      -- the rule's stable identity of the subject; null for manual alerts
      subject_key text,
      project_id uuid references projects (id),
      ledger_entry_id uuid references ledger_entries (id),
      project_step_id uuid references project_steps (id),
      procedure_id uuid references procedures (id),
      procedure_step_id uuid references procedure_steps (id),
      evidence jsonb not null default '{}'::jsonb,
      evidence_text text not null,
      evidence_hash text not null,
      status text not null default 'open' check (status in ('open', 'answered', 'closed')),
      raised_by uuid references accounts (id),
      raised_by_name text,
      raised_by_run uuid references oversight_runs (id),
      raised_at timestamptz not null,
      last_seen_run uuid references oversight_runs (id),
      answer text,
      answered_by uuid references accounts (id),
      answered_by_name text,
      answered_by_role text,
      answered_at timestamptz,
      close_note text,
      closed_by uuid references accounts (id),
      closed_by_name text,
      closed_at timestamptz,
      version integer not null default 1,
      updated_at timestamptz not null default now(),
      constraint oversight_alerts_county_of_village_check check (county_code = left(village_code, 6)),
      constraint oversight_alerts_raised_check check ((rule = 'manual') = (raised_by_run is null) and (rule = 'manual') = (subject_key is null)),
      constraint oversight_alerts_answer_check check ((answered_at is null) = (answer is null) and (status <> 'answered' or answered_at is not null)),
      constraint oversight_alerts_closed_check check ((status = 'closed') = (closed_at is not null))
    )`.execute(db);
  // One active alert per rule and subject: re-running the rules is idempotent.
  await sql`create unique index oversight_alerts_active_idx on oversight_alerts (county_code, rule, subject_key) where status <> 'closed' and subject_key is not null`.execute(
    db,
  );
  // The queue: a county's alerts by status, oldest first; a project's alerts.
  await sql`create index oversight_alerts_queue_idx on oversight_alerts (county_code, status, raised_at)`.execute(db);
  await sql`create index oversight_alerts_project_idx on oversight_alerts (project_id) where project_id is not null`.execute(db);

  // Comments are append-only, with the audit's refusal (migration 0022: the message names the table).
  await sql`
    create trigger project_comments_no_update_delete before update or delete on project_comments
    for each row execute function audit_refuse_change()`.execute(db);
  await sql`
    create trigger project_comments_no_truncate before truncate on project_comments
    for each statement execute function audit_refuse_change()`.execute(db);
}
