// Accounts are bound to one area; sessions are server-side (only a hash of the token is stored).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table accounts (
      id uuid primary key default gen_random_uuid(),
      username text not null unique check (username ~ '^[A-Za-z0-9_.-]{3,64}$'),
      display_name text not null,
      role text not null check (role in ('village_cadre', 'township_officer', 'county_official', 'inspector', 'village_supervisor', 'admin')),
      area_code text not null references areas (code),
      county_code text,
      phone text,
      password_hash text not null,
      password_changed_at timestamptz not null default now(),
      must_change_password boolean not null default false,
      failed_logins integer not null default 0,
      locked_until timestamptz,
      disabled boolean not null default false,
      last_login_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1
    )`.execute(db);
  await sql`create index accounts_area_idx on accounts (area_code text_pattern_ops)`.execute(db);
  await sql`
    create table sessions (
      id text primary key,
      account_id uuid not null references accounts (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ip text,
      user_agent text
    )`.execute(db);
  await sql`create index sessions_account_idx on sessions (account_id)`.execute(db);
  // Failed logins by client address, for throttling that survives restarts and spans processes.
  await sql`
    create table login_failures (
      id bigint generated always as identity primary key,
      ip text not null,
      username text not null,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index login_failures_ip_at_idx on login_failures (ip, at)`.execute(db);
}
