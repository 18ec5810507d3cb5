// SQL of SMS: the only place that knows sms_recipients, sms_batches and sms_messages. Lists are
// filtered by the caller's scope. The queue's claim takes due rows with FOR UPDATE SKIP LOCKED so
// that two workers never take the same message (decision 0033).
import { sql } from 'kysely';
import type { DbOrTrx, SmsState } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';

// ── Roster ──────────────────────────────────────────────────────────────────────────────────
const RECIPIENT_COLUMNS = [
  'r.id',
  'r.village_code',
  'r.name',
  'r.phone',
  'r.position',
  'r.opted_in',
  'r.opted_out_via',
  'r.opted_out_at',
  'r.version',
  'r.updated_at',
] as const;

export const listRecipients = (db: DbOrTrx, scope: Scope, f: { areaCode?: string | undefined }) => {
  let q = db
    .selectFrom('sms_recipients as r')
    .innerJoin('areas as v', 'v.code', 'r.village_code')
    .select([...RECIPIENT_COLUMNS, 'v.name as village_name'])
    .where(scope.sql('r.village_code', 'r.county_code'));
  if (f.areaCode) q = q.where('r.village_code', 'like', `${f.areaCode}%`);
  return q.orderBy('r.village_code').orderBy('r.position').orderBy('r.name').limit(5000).execute();
};

export const findRecipient = (db: DbOrTrx, id: string) =>
  db
    .selectFrom('sms_recipients as r')
    .select([...RECIPIENT_COLUMNS])
    .where('r.id', '=', id)
    .executeTakeFirst();

export const lockRecipient = (db: DbOrTrx, id: string) =>
  db
    .selectFrom('sms_recipients as r')
    .select([...RECIPIENT_COLUMNS])
    .where('r.id', '=', id)
    .forUpdate()
    .executeTakeFirst();

export const insertRecipients = (db: DbOrTrx, rows: { villageCode: string; name: string; phone: string; position: '村监委会成员' | '群众监督员' }[]) =>
  db
    .insertInto('sms_recipients')
    .values(rows.map((r) => ({ county_code: r.villageCode.slice(0, 6), village_code: r.villageCode, name: r.name, phone: r.phone, position: r.position })))
    .returning(['id', 'village_code', 'phone'])
    .execute();

/** An import: a row whose (village, phone) is on the roster updates its name and position (opt-in stays). */
export const upsertRecipients = (db: DbOrTrx, rows: { villageCode: string; name: string; phone: string; position: '村监委会成员' | '群众监督员' }[]) =>
  db
    .insertInto('sms_recipients')
    .values(rows.map((r) => ({ county_code: r.villageCode.slice(0, 6), village_code: r.villageCode, name: r.name, phone: r.phone, position: r.position })))
    .onConflict((oc) =>
      oc.columns(['village_code', 'phone']).doUpdateSet({
        name: (eb) => eb.ref('excluded.name'),
        position: (eb) => eb.ref('excluded.position'),
        version: sql`sms_recipients.version + 1`,
        updated_at: sql`now()`,
      }),
    )
    .returning(['id', sql<boolean>`(xmax = 0)`.as('inserted')])
    .execute();

export const updateRecipient = (
  db: DbOrTrx,
  id: string,
  set: { name?: string; phone?: string; position?: '村监委会成员' | '群众监督员'; optedIn?: boolean; optedOutVia?: 'sms' | 'app' | null; at: Date },
) =>
  db
    .updateTable('sms_recipients')
    .set({
      ...(set.name !== undefined ? { name: set.name } : {}),
      ...(set.phone !== undefined ? { phone: set.phone } : {}),
      ...(set.position !== undefined ? { position: set.position } : {}),
      ...(set.optedIn !== undefined
        ? { opted_in: set.optedIn, opted_out_via: set.optedIn ? null : (set.optedOutVia ?? 'app'), opted_out_at: set.optedIn ? null : set.at }
        : {}),
      version: sql`version + 1`,
      updated_at: set.at,
    })
    .where('id', '=', id)
    .returning(['id', 'village_code', 'name', 'phone', 'position', 'opted_in', 'opted_out_via', 'opted_out_at', 'version', 'updated_at'])
    .executeTakeFirstOrThrow();

/** Every roster entry with this phone (a number may supervise in more than one village). */
export const recipientsByPhone = (db: DbOrTrx, phone: string) =>
  db
    .selectFrom('sms_recipients as r')
    .innerJoin('areas as v', 'v.code', 'r.village_code')
    .select(['r.id', 'r.village_code', 'r.opted_in', 'v.name as village_name'])
    .where('r.phone', '=', phone)
    .orderBy('r.village_code')
    .execute();

export const optOutPhone = (db: DbOrTrx, phone: string, at: Date) =>
  db
    .updateTable('sms_recipients')
    .set({ opted_in: false, opted_out_via: 'sms', opted_out_at: at, version: sql`version + 1`, updated_at: at })
    .where('phone', '=', phone)
    .where('opted_in', '=', true)
    .returning(['id', 'village_code'])
    .execute();

/** Villages by code or name (an inbound query names one), in the whole database: the figures are public. */
export const findVillages = (db: DbOrTrx, codeOrName: string) =>
  db
    .selectFrom('areas')
    .select(['code', 'name'])
    .where('level', '=', 'village')
    .where((eb) => eb.or([eb('code', '=', codeOrName), eb('name', '=', codeOrName)]))
    .orderBy('code')
    .limit(5)
    .execute();

/** Villages of an area (a county, township or village), for previews and batches. */
export const villagesOf = (db: DbOrTrx, scope: Scope, areaCode: string) =>
  db
    .selectFrom('areas')
    .select(['code', 'name'])
    .where('level', '=', 'village')
    .where('code', 'like', `${areaCode}%`)
    .where(scope.sql('code', 'county_code'))
    .orderBy('code')
    .execute();

/** The opted-in recipients of villages in the area (a batch's addressees) and the number opted out. */
export const batchRecipients = (db: DbOrTrx, areaCode: string) =>
  db
    .selectFrom('sms_recipients')
    .select(['id', 'village_code', 'county_code', 'phone', 'opted_in'])
    .where('village_code', 'like', `${areaCode}%`)
    .orderBy('village_code')
    .orderBy('phone')
    .execute();

// ── Batches and the queue ─────────────────────────────────────────────────────────────────────
export const insertBatch = (db: DbOrTrx, b: { period: string; countyCode: string | null; startedBy: string | null; startedByName: string; at: Date }) =>
  db
    .insertInto('sms_batches')
    .values({ period: b.period, county_code: b.countyCode, started_by: b.startedBy, started_by_name: b.startedByName, started_at: b.at })
    .returning('id')
    .executeTakeFirstOrThrow();

export const setBatchCounts = (db: DbOrTrx, id: string, counts: Record<string, number>) =>
  db
    .updateTable('sms_batches')
    .set({ counts: JSON.stringify(counts) })
    .where('id', '=', id)
    .execute();

export interface NewMessage {
  direction: 'out' | 'in';
  kind: 'summary' | 'reply' | 'inbound';
  batchId?: string | null;
  villageCode: string | null;
  recipientId?: string | null;
  phone: string;
  period?: string | null;
  text: string;
  segments: number;
  state: SmsState;
  handling?: string | null;
  inReplyTo?: string | null;
  provider?: string | null;
  providerIds?: string[];
  at: Date;
}

const messageRow = (m: NewMessage) => ({
  direction: m.direction,
  kind: m.kind,
  batch_id: m.batchId ?? null,
  county_code: m.villageCode ? m.villageCode.slice(0, 6) : null,
  village_code: m.villageCode,
  recipient_id: m.recipientId ?? null,
  phone: m.phone,
  period: m.period ?? null,
  text: m.text,
  segments: m.segments,
  state: m.state,
  handling: m.handling ?? null,
  in_reply_to: m.inReplyTo ?? null,
  provider: m.provider ?? null,
  provider_ids: JSON.stringify(m.providerIds ?? []),
  next_attempt_at: m.at,
  created_at: m.at,
  updated_at: m.at,
  ...(m.state === 'received' ? { finished_at: m.at } : {}),
});

/** Summaries: a (village, period, phone) already queued or sent is left alone — exactly once. */
export const enqueueSummaries = (db: DbOrTrx, rows: NewMessage[]) =>
  db
    .insertInto('sms_messages')
    .values(rows.map(messageRow))
    .onConflict((oc) => oc.columns(['village_code', 'period', 'phone']).where('kind', '=', 'summary').doNothing())
    .returning(['id'])
    .execute();

export const insertMessage = (db: DbOrTrx, m: NewMessage) => db.insertInto('sms_messages').values(messageRow(m)).returning(['id']).executeTakeFirstOrThrow();

/** Messages sent while the worker that was sending them died (lease over): in doubt, never sent again by themselves. */
export const markInDoubt = (db: DbOrTrx, now: Date) =>
  db
    .updateTable('sms_messages')
    .set({ state: 'unknown', error: 'worker stopped while sending', lease_until: null, updated_at: now })
    .where('state', '=', 'sending')
    .where('lease_until', '<', now)
    .returning(['id', 'village_code', 'phone', 'worker'])
    .execute();

/** A submit whose answer never came (the connection closed): in doubt, like a dead worker's. */
export const markUnknown = (db: DbOrTrx, id: string, error: string, at: Date) =>
  db
    .updateTable('sms_messages')
    .set({ state: 'unknown', error, lease_until: null, updated_at: at })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .returning(['id', 'village_code'])
    .executeTakeFirst();

/** Queued summaries whose recipient opted out since: never sent (the roster shows why). */
export const dropOptedOut = (db: DbOrTrx, at: Date) =>
  db
    .updateTable('sms_messages')
    .set({ state: 'failed', error: 'opted out (退订)', finished_at: at, updated_at: at })
    .where('state', '=', 'queued')
    .where('kind', '=', 'summary')
    .where((eb) =>
      eb.exists(eb.selectFrom('sms_recipients as r').select('r.id').whereRef('r.id', '=', 'sms_messages.recipient_id').where('r.opted_in', '=', false)),
    )
    .returning(['id', 'village_code'])
    .execute();

/** What is left to do: queued, being sent, in doubt. */
export const pending = async (db: DbOrTrx) => {
  const rows = await db
    .selectFrom('sms_messages')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['queued', 'sending', 'unknown'])
    .groupBy('state')
    .execute();
  const n = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
  return { queued: n('queued'), sending: n('sending'), unknown: n('unknown') };
};

/** Claims up to `limit` due messages for `worker` until `leaseUntil` (state sending, attempt counted). */
export const claimDue = (db: DbOrTrx, worker: string, now: Date, leaseUntil: Date, limit: number) =>
  db
    .updateTable('sms_messages')
    .set({ state: 'sending', worker, lease_until: leaseUntil, attempts: sql`attempts + 1`, updated_at: now })
    .where(
      'id',
      'in',
      db
        .selectFrom('sms_messages')
        .select('id')
        .where('state', '=', 'queued')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'phone', 'text', 'segments', 'attempts', 'village_code', 'kind'])
    .execute();

/** The provider took it. A receipt that came before this answer has set the state already: it stays. */
export const markSubmitted = (db: DbOrTrx, id: string, r: { provider: string; providerIds: string[]; delivered: boolean; at: Date }) =>
  db
    .updateTable('sms_messages')
    .set({
      state: sql<SmsState>`case when state in ('sending', 'unknown') then ${r.delivered ? 'delivered' : 'submitted'} else state end`,
      provider: r.provider,
      provider_ids: JSON.stringify(r.providerIds),
      lease_until: null,
      error: sql<string | null>`case when state in ('sending', 'unknown') then null else error end`,
      submitted_at: r.at,
      ...(r.delivered ? { finished_at: r.at } : {}),
      updated_at: r.at,
    })
    .where('id', '=', id)
    .returning(['id', 'village_code', 'kind'])
    .executeTakeFirst();

/** A refused submit: queued again after `retryAt`, or failed for good (retryAt null). */
export const markRefused = (db: DbOrTrx, id: string, r: { error: string; retryAt: Date | null; provider: string; at: Date }) =>
  db
    .updateTable('sms_messages')
    .set({
      state: r.retryAt ? 'queued' : 'failed',
      next_attempt_at: r.retryAt ?? r.at,
      lease_until: null,
      error: r.error.slice(0, 500),
      provider: r.provider,
      ...(r.retryAt ? {} : { finished_at: r.at }),
      updated_at: r.at,
    })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .returning(['id', 'village_code', 'state'])
    .executeTakeFirst();

/** A delivery report: the message one of whose parts has `providerId`. */
export const messageByProviderId = (db: DbOrTrx, providerId: string) =>
  db
    .selectFrom('sms_messages')
    .select(['id', 'state', 'village_code', 'provider_ids'])
    .where('direction', '=', 'out')
    .where(sql<boolean>`provider_ids @> ${JSON.stringify([providerId])}::jsonb`)
    .executeTakeFirst();

/** A report for a part whose submit was never answered (in doubt): the newest such message to that phone. */
export const inDoubtTo = (db: DbOrTrx, phone: string) =>
  db
    .selectFrom('sms_messages')
    .select(['id', 'state', 'village_code', 'provider_ids'])
    .where('direction', '=', 'out')
    .where('phone', '=', phone)
    .where('state', 'in', ['unknown', 'sending'])
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();

export const setReported = (db: DbOrTrx, id: string, r: { state: 'delivered' | 'failed'; error: string | null; providerIds: string[]; at: Date }) =>
  db
    .updateTable('sms_messages')
    .set({ state: r.state, error: r.error, provider_ids: JSON.stringify(r.providerIds), finished_at: r.at, lease_until: null, updated_at: r.at })
    .where('id', '=', id)
    .returning(['id', 'village_code'])
    .executeTakeFirst();

/** Failed or in-doubt messages queued again by hand (the failed-messages page). */
export const requeue = (db: DbOrTrx, scope: Scope, ids: string[], at: Date) =>
  db
    .updateTable('sms_messages')
    .set({ state: 'queued', next_attempt_at: at, attempts: 0, error: null, finished_at: null, updated_at: at })
    .where('id', 'in', ids)
    .where('direction', '=', 'out')
    .where('state', 'in', ['failed', 'unknown'])
    .where(scope.sql('village_code', 'county_code'))
    .returning(['id', 'village_code'])
    .execute();

/** Inbound messages from `phone` since `since` (the per-number rate limit). */
export const inboundSince = async (db: DbOrTrx, phone: string, since: Date) =>
  Number(
    (
      await db
        .selectFrom('sms_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('direction', '=', 'in')
        .where('phone', '=', phone)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow()
    ).n,
  );

export interface MessageFilter {
  state?: SmsState[] | undefined;
  direction?: 'out' | 'in' | undefined;
  period?: string | undefined;
  limit: number;
  offset: number;
}

export const listMessages = (db: DbOrTrx, scope: Scope, f: MessageFilter) => {
  let q = db
    .selectFrom('sms_messages as m')
    .leftJoin('areas as v', 'v.code', 'm.village_code')
    .select([
      'm.id',
      'm.direction',
      'm.kind',
      'm.village_code',
      'v.name as village_name',
      'm.phone',
      'm.period',
      'm.text',
      'm.segments',
      'm.state',
      'm.handling',
      'm.attempts',
      'm.provider',
      'm.error',
      'm.created_at',
      'm.submitted_at',
      'm.finished_at',
    ])
    .where(scope.sql('m.village_code', 'm.county_code'));
  if (f.state?.length) q = q.where('m.state', 'in', f.state);
  if (f.direction) q = q.where('m.direction', '=', f.direction);
  if (f.period) q = q.where('m.period', '=', f.period);
  return q.orderBy('m.created_at', 'desc').orderBy('m.id').limit(f.limit).offset(f.offset).execute();
};

export const queueCounts = (db: DbOrTrx, batchId: string) =>
  db
    .selectFrom('sms_messages')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('batch_id', '=', batchId)
    .groupBy('state')
    .execute();
