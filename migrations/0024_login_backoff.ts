// Login throttling by exponential back-off instead of a hard lock (issue 13 §4): one row per thing
// being throttled — an account name as typed (known or not, so both answer alike), a client
// address, a trusted device, or an account's current-password checks — holding its recent failures
// and when it may try again. Devices where an account has logged in before are remembered (only a
// hash of their cookie) so that guesses from elsewhere cannot keep the owner out.
// Replaces login_failures and the accounts' failed_logins/locked_until (the 15-minute lock).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table login_backoff (
      kind text not null check (kind in ('account', 'address', 'device', 'password')),
      subject text not null,
      failures integer not null check (failures > 0),
      last_failure_at timestamptz not null,
      blocked_until timestamptz,
      primary key (kind, subject)
    )`.execute(db);
  await sql`create index login_backoff_last_failure_idx on login_backoff (last_failure_at)`.execute(db);
  await sql`
    create table login_devices (
      token_hash text not null,
      account_id uuid not null references accounts (id) on delete cascade,
      created_at timestamptz not null default now(),
      last_used_at timestamptz not null default now(),
      primary key (token_hash, account_id)
    )`.execute(db);
  await sql`create index login_devices_account_idx on login_devices (account_id, last_used_at)`.execute(db);
  await sql`drop table login_failures`.execute(db);
  await sql`alter table accounts drop column failed_logins, drop column locked_until`.execute(db);
}
