// SQL for accounts and sessions. The only place that knows these tables.
import type { Kysely, Transaction } from 'kysely';
import type { Database, NewAccount } from '../../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export const findAccountByUsername = (db: Db, username: string) =>
  db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirst();

export const findAccountById = (db: Db, id: string) =>
  db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();

export const insertAccount = (db: Db, account: NewAccount) =>
  db.insertInto('accounts').values(account).returningAll().executeTakeFirstOrThrow();

export async function recordFailure(db: Db, accountId: string | undefined, ip: string, username: string, lockAfter: number, lockMinutes: number) {
  await db.insertInto('login_failures').values({ ip, username }).execute();
  if (!accountId) return;
  const row = await db
    .updateTable('accounts')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', accountId)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  if (row.failed_logins >= lockAfter) {
    await db
      .updateTable('accounts')
      .set({ locked_until: new Date(Date.now() + lockMinutes * 60_000), failed_logins: 0 })
      .where('id', '=', accountId)
      .execute();
  }
}

export async function countRecentFailuresByIp(db: Db, ip: string, since: Date): Promise<number> {
  const r = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ip', '=', ip)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

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

export const deleteExpiredSessions = (db: Db) => db.deleteFrom('sessions').where('expires_at', '<', new Date()).execute();
