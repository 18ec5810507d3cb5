// SMS for village supervisors and villagers (issue 17; docs/domain/sms.md): the roster of each
// village's supervisors (村监委会成员, 群众监督员) with their opt-in state, the batches of monthly
// summaries, and every message sent or received with its state.
//
// sms_messages is also the delivery queue (decision 0033): a worker claims queued rows with
// FOR UPDATE SKIP LOCKED, holds them by a lease, and retries with back-off. A summary is one row per
// (village, period, phone) — a partial unique index — so a batch started twice, or a worker that
// died and was restarted, can never make a second message for the same recipient and month.
// Phones are stored in full (they are needed to send) and masked in every view.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sms_recipients (
      id uuid primary key default gen_random_uuid(),
      county_code text collate "C" not null,
      village_code text collate "C" not null references areas (code),
      name text not null check (btrim(name) <> '' and length(name) <= 50),
      phone text not null check (phone ~ '^1[3-9][0-9]{9}$'),
      position text not null default '群众监督员' check (position in ('村监委会成员', '群众监督员')),
      opted_in boolean not null default true,
      -- how the entry last left the list: a reply of 退订 ('sms') or an edit in the app ('app')
      opted_out_via text check (opted_out_via in ('sms', 'app')),
      opted_out_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint sms_recipients_county_of_village_check check (county_code = left(village_code, 6)),
      constraint sms_recipients_village_phone_key unique (village_code, phone)
    )`.execute(db);
  await sql`create index sms_recipients_phone_idx on sms_recipients (phone)`.execute(db);

  await sql`
    create table sms_batches (
      id uuid primary key default gen_random_uuid(),
      period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      -- the county the batch covers; null: every county
      county_code text collate "C" check (length(county_code) = 6),
      counts jsonb not null default '{}'::jsonb,
      started_by uuid references accounts (id),
      started_by_name text not null,
      started_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table sms_messages (
      id uuid primary key default gen_random_uuid(),
      direction text not null check (direction in ('out', 'in')),
      -- out: summary (the monthly figures) or reply (to an inbound query); in: inbound
      kind text not null check (kind in ('summary', 'reply', 'inbound')),
      batch_id uuid references sms_batches (id),
      county_code text collate "C" check (length(county_code) = 6),
      village_code text collate "C" references areas (code),
      recipient_id uuid references sms_recipients (id),
      phone text not null check (phone ~ '^[0-9+]{3,20}$'),
      period text check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      text text not null,
      segments integer not null default 1 check (segments between 1 and 10),
      state text not null check (state in ('queued', 'sending', 'submitted', 'delivered', 'failed', 'unknown', 'received')),
      -- inbound: what was done with it (query, help, optout, limited)
      handling text,
      in_reply_to uuid references sms_messages (id),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      lease_until timestamptz,
      worker text,
      provider text,
      -- the provider's ids of the parts (SMPP message_id of each submit_sm)
      provider_ids jsonb not null default '[]'::jsonb,
      error text,
      created_at timestamptz not null default now(),
      submitted_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz not null default now()
    )`.execute(db);
  // Exactly once per (village, period, recipient): the summary's key.
  await sql`create unique index sms_messages_summary_key on sms_messages (village_code, period, phone) where kind = 'summary'`.execute(db);
  // The queue: what is due, oldest first.
  await sql`create index sms_messages_due_idx on sms_messages (next_attempt_at) where state = 'queued'`.execute(db);
  await sql`create index sms_messages_sending_idx on sms_messages (lease_until) where state = 'sending'`.execute(db);
  await sql`create index sms_messages_phone_idx on sms_messages (phone, created_at)`.execute(db);
  await sql`create index sms_messages_provider_ids_idx on sms_messages using gin (provider_ids)`.execute(db);
  await sql`create index sms_messages_area_idx on sms_messages (county_code, village_code, created_at)`.execute(db);
}
