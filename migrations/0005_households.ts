// Registry households (建档立卡户/监测户) and their members: identity and classification.
// Every per-household table carries county_code (distribution key, see docs/SCALING.md),
// a client-generatable UUID, a version that increments on each change, and soft deletion.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table households (
      id uuid primary key default gen_random_uuid(),
      county_code text not null check (length(county_code) = 6),
      village_code text not null references areas (code),
      group_name text,
      household_no text not null,
      head_name text not null,
      address text,
      location geometry(Point, 4326),
      location_accuracy_m real,
      location_at timestamptz,
      phone text,
      bank_name text,
      bank_account text,
      household_type text not null default '一般户',
      identification_standard text,
      status text not null default '脱贫户',
      monitoring_category text,
      identified_year integer,
      exit_year integer,
      main_cause text,
      other_causes text[] not null default '{}',
      risk_types text[] not null default '{}',
      reported_income_per_capita numeric(12, 2),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      unique (county_code, household_no)
    )`.execute(db);
  await sql`create index households_village_idx on households (county_code, village_code text_pattern_ops)`.execute(db);
  await sql`create index households_location_idx on households using gist (location)`.execute(db);
  await sql`
    create table members (
      id uuid primary key default gen_random_uuid(),
      household_id uuid not null references households (id),
      county_code text not null check (length(county_code) = 6),
      name text not null,
      id_number text not null,
      sex text check (sex in ('男', '女')),
      birth_date date,
      relation text not null,
      ethnicity text,
      education text,
      schooling text,
      health text,
      labor_skill text,
      work_status text,
      work_months integer check (work_months between 0 and 12),
      has_medical_insurance boolean,
      has_pension_insurance boolean,
      phone text,
      person_status text not null default '正常' check (person_status in ('正常', '死亡', '迁出', '失踪')),
      status_date date,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create index members_household_idx on members (household_id)`.execute(db);
  await sql`create index members_id_number_idx on members (county_code, id_number)`.execute(db);
}
