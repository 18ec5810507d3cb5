// Cross-check (行业部门数据比对): department dataset versions with one typed table per source
// (normalised values; unusable IDs kept with the reason, never matched), runs, and findings with
// stable identity (rule, 户编号, 证件号码) and a review lifecycle.
import { type Kysely, sql } from 'kysely';

const common = sql`
  dataset_version_id uuid not null references dataset_versions (id),
  county_code text not null,
  row_no integer not null,
  name text,
  id_number text,
  id_problem text`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table dataset_versions (
      id uuid primary key default gen_random_uuid(),
      county_code text not null,
      source text not null check (source in ('civil_assistance', 'disability', 'medical_claims', 'subsidy_payments',
        'household_events', 'vehicles', 'businesses', 'property', 'public_payroll', 'students')),
      status text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
      file_name text not null,
      sha256 text not null,
      byte_size bigint not null,
      encoding text,
      format text,
      rows_read integer not null default 0,
      rows_loaded integer not null default 0,
      rows_unusable integer not null default 0,
      unusable_reasons jsonb not null default '{}',
      ignored_columns text[] not null default '{}',
      error text,
      imported_by uuid references accounts (id),
      imported_by_name text,
      started_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`create index dataset_versions_current_idx on dataset_versions (county_code, source, finished_at desc) where status = 'succeeded'`.execute(db);

  await sql`create table ds_civil_assistance (${common}, area_code text, assistance_type text, covered_people integer,
    monthly_amount bigint, start_month text, status text, stop_date date)`.execute(db);
  await sql`create table ds_disability (${common}, category text, grade text, issued_on date)`.execute(db);
  await sql`create table ds_medical_claims (${common}, institution text, admitted_on date, discharged_on date,
    total_cost bigint, reimbursed bigint, self_paid bigint)`.execute(db);
  await sql`create table ds_subsidy_payments (${common}, bank_account text, item text, amount bigint, paid_on date)`.execute(db);
  await sql`create table ds_household_events (${common}, event_type text, event_date date, destination text)`.execute(db);
  await sql`create table ds_vehicles (${common}, plate text, vehicle_type text, registered_on date, status text)`.execute(db);
  await sql`create table ds_businesses (${common}, enterprise text, enterprise_type text, capital_wan numeric(14, 4),
    founded_on date, reg_status text)`.execute(db);
  await sql`create table ds_property (${common}, location text, floor_area numeric(10, 2), property_type text, registered_on date)`.execute(db);
  await sql`create table ds_public_payroll (${common}, employer text, category text, hired_on date)`.execute(db);
  await sql`create table ds_students (${common}, school text, stage text, grade text, enrol_status text)`.execute(db);
  for (const t of [
    'civil_assistance',
    'disability',
    'medical_claims',
    'subsidy_payments',
    'household_events',
    'vehicles',
    'businesses',
    'property',
    'public_payroll',
    'students',
  ]) {
    await sql`create index ${sql.id(`ds_${t}_match_idx`)} on ${sql.table(`ds_${t}`)} (dataset_version_id, id_number)`.execute(db);
  }

  await sql`
    create table crosscheck_runs (
      id uuid primary key default gen_random_uuid(),
      county_code text not null,
      as_of date not null,
      settings jsonb not null,
      dataset_versions jsonb not null,
      counts jsonb not null default '{}',
      status text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
      started_by uuid references accounts (id),
      started_by_name text,
      started_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);

  await sql`
    create table findings (
      id uuid primary key default gen_random_uuid(),
      county_code text not null,
      rule text not null,
      household_no text not null default '',
      id_number text not null default '',
      household_id uuid references households (id),
      member_id uuid references members (id),
      village_code text,
      severity text not null check (severity in ('exclude', 'update', 'risk', 'review')),
      evidence jsonb not null,
      evidence_text text not null,
      evidence_hash text not null,
      status text not null default 'open' check (status in ('open', 'confirmed', 'dismissed', 'needs_visit', 'resolved')),
      status_reason text,
      present boolean not null default true,
      first_run_id uuid references crosscheck_runs (id),
      last_run_id uuid references crosscheck_runs (id),
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      reviewed_by uuid references accounts (id),
      reviewed_at timestamptz,
      version integer not null default 1,
      unique (county_code, rule, household_no, id_number)
    )`.execute(db);
  await sql`create index findings_queue_idx on findings (county_code, status, rule)`.execute(db);
  await sql`create index findings_household_idx on findings (household_id)`.execute(db);

  await sql`
    create table crosscheck_settings (
      county_code text primary key,
      medical_self_pay_threshold bigint not null default 1000000,
      medical_window_months integer not null default 12,
      updated_at timestamptz not null default now()
    )`.execute(db);
}
