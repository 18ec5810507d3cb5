// SQL for accounts and sessions. The only place that knows these tables.
import type { ExpressionBuilder } from 'kysely';
import type { AccountUpdate, BackoffKind, Database, DbOrTrx as Db, NewAccount, Role } from '../../db/schema.ts';

export const findAccountByUsername = (db: Db, username: string) => db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirst();

export const findAccountById = (db: Db, id: string) => db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();

export const insertAccount = (db: Db, account: NewAccount) => db.insertInto('accounts').values(account).returningAll().executeTakeFirstOrThrow();

/** Changes an account's columns at `now` (updated_at, version + 1). */
export const updateAccount = (db: Db, id: string, set: Omit<AccountUpdate, 'updated_at' | 'version'>, now: Date) =>
  db
    .updateTable('accounts')
    .set((eb) => ({ ...set, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();

/** A login: when the account last logged in (not a change of the account: no version). */
export const setLastLogin = (db: Db, id: string, now: Date) => db.updateTable('accounts').set({ last_login_at: now }).where('id', '=', id).execute();

/** Whether an area exists (accounts are bound to one). */
export const areaExists = async (db: Db, code: string) => !!(await db.selectFrom('areas').select('code').where('code', '=', code).executeTakeFirst());

/** What the server's start-up message says: how many accounts and areas there are. */
export async function countAccountsAndAreas(db: Db) {
  const [accounts, areas] = await Promise.all([
    db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('areas')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { accounts: Number(accounts.n), areas: Number(areas.n) };
}

/** The enabled accounts among `usernames`, with their password hashes (the start-up message: which demo logins still work). */
export const enabledAccountsNamed = (db: Db, usernames: readonly string[]) =>
  db.selectFrom('accounts').select(['username', 'password_hash']).where('username', 'in', usernames).where('disabled', '=', false).execute();

export interface BackoffKey {
  kind: BackoffKind;
  subject: string;
}

const keyFilter = (keys: readonly BackoffKey[]) => (eb: ExpressionBuilder<Database, 'login_backoff'>) =>
  eb.or(keys.map((k) => eb.and([eb('kind', '=', k.kind), eb('subject', '=', k.subject)])));

/** The latest time any of `keys` may try again (undefined when none is blocked at `now`). */
export async function blockedUntil(db: Db, keys: readonly BackoffKey[], now: Date): Promise<Date | undefined> {
  if (keys.length === 0) return undefined;
  const r = await db
    .selectFrom('login_backoff')
    .select((eb) => eb.fn.max('blocked_until').as('until'))
    .where(keyFilter(keys))
    .where('blocked_until', '>', now)
    .executeTakeFirst();
  return r?.until ? new Date(r.until) : undefined;
}

/**
 * Counts one failure of `key` at `now` (starting again from 1 when the last one is older than
 * `forgetBefore`) and returns the count. One statement, so concurrent failures all count.
 */
export async function addBackoffFailure(db: Db, key: BackoffKey, now: Date, forgetBefore: Date): Promise<number> {
  const row = await db
    .insertInto('login_backoff')
    .values({ kind: key.kind, subject: key.subject, failures: 1, last_failure_at: now })
    .onConflict((oc) =>
      oc.columns(['kind', 'subject']).doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('login_backoff.last_failure_at', '<', forgetBefore)
          .then(1)
          .else(eb('login_backoff.failures', '+', 1))
          .end(),
        last_failure_at: now,
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return row.failures;
}

export const setBlockedUntil = (db: Db, key: BackoffKey, until: Date | null) =>
  db.updateTable('login_backoff').set({ blocked_until: until }).where('kind', '=', key.kind).where('subject', '=', key.subject).execute();

export const clearBackoff = async (db: Db, keys: readonly BackoffKey[]) => {
  if (keys.length) await db.deleteFrom('login_backoff').where(keyFilter(keys)).execute();
};

/** Rows nobody is waiting on and whose failures are forgotten anyway. */
export const pruneBackoff = (db: Db, olderThan: Date, now: Date) =>
  db
    .deleteFrom('login_backoff')
    .where('last_failure_at', '<', olderThan)
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', now)]))
    .execute();

/** Clears every back-off of one account: its name, its current-password checks and its devices. */
export async function clearAccountBackoff(db: Db, account: { id: string; username: string }) {
  await db
    .deleteFrom('login_backoff')
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', 'account'), eb('subject', '=', account.username)]),
        eb.and([eb('kind', '=', 'password'), eb('subject', '=', account.id)]),
        eb.and([eb('kind', '=', 'device'), eb('subject', 'in', eb.selectFrom('login_devices').select('token_hash').where('account_id', '=', account.id))]),
      ]),
    )
    .execute();
}

/** The account of a login attempt and whether the attempt comes from one of its trusted devices. */
export const findLoginAccount = (db: Db, username: string, deviceHash: string | null) =>
  db
    .selectFrom('accounts as a')
    .selectAll('a')
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('login_devices as d')
            .select('d.account_id')
            .whereRef('d.account_id', '=', 'a.id')
            .where('d.token_hash', '=', deviceHash ?? ''),
        )
        .as('trusted_device'),
    )
    .where('a.username', '=', username)
    .executeTakeFirst();

/** Devices remembered per account; the oldest beyond this are forgotten. */
export const DEVICES_PER_ACCOUNT = 20;

export async function trustDevice(db: Db, tokenHash: string, accountId: string, now: Date) {
  await db
    .insertInto('login_devices')
    .values({ token_hash: tokenHash, account_id: accountId, created_at: now, last_used_at: now })
    .onConflict((oc) => oc.columns(['token_hash', 'account_id']).doUpdateSet({ last_used_at: now }))
    .execute();
  await db
    .deleteFrom('login_devices')
    .where('account_id', '=', accountId)
    .where('token_hash', 'not in', (eb) =>
      eb.selectFrom('login_devices').select('token_hash').where('account_id', '=', accountId).orderBy('last_used_at', 'desc').limit(DEVICES_PER_ACCOUNT),
    )
    .execute();
}

export const forgetDevices = (db: Db, accountId: string) => db.deleteFrom('login_devices').where('account_id', '=', accountId).execute();

export const insertSession = (
  db: Db,
  s: { id: string; account_id: string; csrf_token: string; expires_at: Date; ip: string | null; user_agent: string | null },
) => db.insertInto('sessions').values(s).execute();

export const findSessionWithAccount = (db: Db, id: string) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .innerJoin('areas as ar', 'ar.code', 'a.area_code')
    .select([
      's.id as session_id',
      's.csrf_token',
      's.expires_at',
      's.last_seen_at',
      'a.id',
      'a.username',
      'a.display_name',
      'a.role',
      'a.area_code',
      'a.disabled',
      'a.must_change_password',
      'ar.name as area_name',
      'ar.level as area_level',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();

export const touchSession = (db: Db, id: string, expires: Date) =>
  db.updateTable('sessions').set({ last_seen_at: new Date(), expires_at: expires }).where('id', '=', id).execute();

export const deleteSession = (db: Db, id: string) => db.deleteFrom('sessions').where('id', '=', id).execute();

export const deleteOtherSessions = (db: Db, accountId: string, keepId: string) =>
  db.deleteFrom('sessions').where('account_id', '=', accountId).where('id', '!=', keepId).execute();

export const deleteSessionsOf = (db: Db, accountId: string) => db.deleteFrom('sessions').where('account_id', '=', accountId).execute();

export const deleteExpiredSessions = (db: Db) => db.deleteFrom('sessions').where('expires_at', '<', new Date()).execute();

export type AccountStatus = 'active' | 'disabled' | 'mustChange' | 'throttled';

export interface AccountListFilter {
  /** Part of the username or the name. */
  q?: string;
  role?: Role;
  status?: AccountStatus;
  /** Only accounts whose area lies under this code (a county official's county). */
  within?: string;
  /** Only these roles (what the manager may manage). */
  roles?: readonly Role[];
  now: Date;
}

function accountListQuery(db: Db, f: AccountListFilter) {
  let query = db
    .selectFrom('accounts as a')
    .innerJoin('areas as ar', 'ar.code', 'a.area_code')
    .leftJoin('login_backoff as b', (join) => join.on('b.kind', '=', 'account').onRef('b.subject', '=', 'a.username'));
  if (f.within) query = query.where('a.area_code', 'like', `${f.within.replace(/[^0-9]/g, '')}%`);
  if (f.roles) query = query.where('a.role', 'in', [...f.roles]);
  if (f.role) query = query.where('a.role', '=', f.role);
  const text = f.q?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('a.username', 'ilike', like), eb('a.display_name', 'like', like)]));
  }
  switch (f.status) {
    case 'active':
      query = query.where('a.disabled', '=', false);
      break;
    case 'disabled':
      query = query.where('a.disabled', '=', true);
      break;
    case 'mustChange':
      query = query.where('a.must_change_password', '=', true);
      break;
    case 'throttled':
      query = query.where('b.blocked_until', '>', f.now);
      break;
    case undefined:
      break;
  }
  return query;
}

/** The list's columns: the account, its area (and the area above), its login back-off. */
const accountRows = (db: Db, f: AccountListFilter) =>
  accountListQuery(db, f)
    .leftJoin('areas as p', 'p.code', 'ar.parent_code')
    .select([
      'a.id',
      'a.username',
      'a.display_name',
      'a.role',
      'a.area_code',
      'a.phone',
      'a.disabled',
      'a.must_change_password',
      'a.last_login_at',
      'a.created_at',
      'ar.name as area_name',
      'ar.level as area_level',
      'p.name as parent_name',
      'b.failures',
      'b.blocked_until',
    ]);

export async function listAccounts(db: Db, f: AccountListFilter, page: { limit: number; offset: number }) {
  const [rows, count] = await Promise.all([
    accountRows(db, f).orderBy('a.area_code').orderBy('a.username').limit(page.limit).offset(page.offset).execute(),
    accountListQuery(db, f)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** One account as the list shows it. */
export const findAccountRow = (db: Db, id: string, now: Date) => accountRows(db, { now }).where('a.id', '=', id).executeTakeFirst();

export type AccountRow = NonNullable<Awaited<ReturnType<typeof findAccountRow>>>;
