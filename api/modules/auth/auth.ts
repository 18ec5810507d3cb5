// Accounts, login and sessions: domain rules (throttling, lockout, password policy).
// No HTTP here; routes.ts turns results into cookies and responses.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../../db/schema.ts';
import { AppError, Conflict, Invalid, NotFound } from '../../errors.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import * as q from './queries.ts';
import { dummyHash, hashPassword, isStrongPassword, verifyPassword } from './passwords.ts';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
/** Failed attempts from one address within the window before it must wait. */
export const IP_FAILURE_LIMIT = 20;
export const IP_WINDOW_MINUTES = 15;

export interface SessionInfo {
  sessionId: string;
  csrfToken: string;
  account: {
    id: string;
    username: string;
    displayName: string;
    role: Role;
    areaCode: string;
    areaName: string;
    areaLevel: string;
    mustChangePassword: boolean;
  };
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  userAgent: string;
  sessionHours: number;
}

/** Returns the new session token (for the cookie) and its info; throws one generic error on failure. */
export async function login(db: Kysely<Database>, input: LoginInput, origin: Record<string, unknown>) {
  const since = new Date(Date.now() - IP_WINDOW_MINUTES * 60_000);
  if ((await q.countRecentFailuresByIp(db, input.ip, since)) >= IP_FAILURE_LIMIT) {
    throw new AppError('RATE_LIMITED', 'auth.throttled', { seconds: IP_WINDOW_MINUTES * 60 });
  }
  const account = await q.findAccountByUsername(db, input.username);
  if (account?.locked_until && account.locked_until > new Date()) {
    const seconds = Math.ceil((account.locked_until.getTime() - Date.now()) / 1000);
    await q.recordFailure(db, undefined, input.ip, input.username, LOCK_AFTER_FAILURES, LOCK_MINUTES);
    throw new AppError('RATE_LIMITED', 'auth.throttled', { seconds });
  }
  const ok = account
    ? !account.disabled && (await verifyPassword(account.password_hash, input.password))
    : (await verifyPassword(await dummyHash(), input.password)) && false;
  if (!account || !ok) {
    await db.transaction().execute(async (trx) => {
      await q.recordFailure(trx, account?.id, input.ip, input.username, LOCK_AFTER_FAILURES, LOCK_MINUTES);
      if (account) {
        await recordAudit(trx, {
          actor: { id: account.id, name: account.username, role: account.role },
          action: 'auth.login_failed',
          entity: 'account',
          entityId: account.id,
          areaCode: account.area_code,
          origin,
        });
      }
    });
    throw new AppError('UNAUTHENTICATED', 'auth.badCredentials');
  }
  const token = newToken();
  const csrfToken = newToken();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('accounts')
      .set({ failed_logins: 0, locked_until: null, last_login_at: new Date() })
      .where('id', '=', account.id)
      .execute();
    await q.insertSession(trx, {
      id: tokenHash(token),
      account_id: account.id,
      csrf_token: csrfToken,
      expires_at: new Date(Date.now() + input.sessionHours * 3600_000),
      ip: input.ip,
      user_agent: input.userAgent.slice(0, 300),
    });
    await recordAudit(trx, {
      actor: { id: account.id, name: account.username, role: account.role },
      action: 'auth.login',
      entity: 'account',
      entityId: account.id,
      areaCode: account.area_code,
      origin,
    });
  });
  return { token, csrfToken };
}

/** Resolves a session cookie to the account; slides the expiry. */
/** When this process last slid each session's expiry (see resolveSession). */
const touchedAt = new Map<string, number>();
function forgetOldTouches(now: number) {
  for (const [id, at] of touchedAt) if (now - at > 60_000) touchedAt.delete(id);
}

export async function resolveSession(db: Kysely<Database>, token: string, sessionHours: number): Promise<SessionInfo | undefined> {
  const id = tokenHash(token);
  const row = await q.findSessionWithAccount(db, id);
  if (!row || row.disabled) return undefined;
  if (new Date(row.expires_at) < new Date()) {
    await q.deleteSession(db, id);
    return undefined;
  }
  // Slide the expiry at most once a minute, not on every request — and once per process: the
  // requests a busy client has in flight when the minute passes would otherwise all queue on the
  // session row's lock to write the same thing.
  const now = Date.now();
  if (now - new Date(row.last_seen_at).getTime() > 60_000 && now - (touchedAt.get(id) ?? 0) > 60_000) {
    touchedAt.set(id, now);
    if (touchedAt.size > 10_000) forgetOldTouches(now);
    await q.touchSession(db, id, new Date(now + sessionHours * 3600_000));
  }
  return {
    sessionId: id,
    csrfToken: row.csrf_token,
    account: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      areaCode: row.area_code,
      areaName: row.area_name,
      areaLevel: row.area_level,
      mustChangePassword: row.must_change_password,
    },
  };
}

export async function logout(db: Kysely<Database>, session: SessionInfo, actor: Actor, origin: Record<string, unknown>) {
  await db.transaction().execute(async (trx) => {
    await q.deleteSession(trx, session.sessionId);
    await recordAudit(trx, {
      actor,
      action: 'auth.logout',
      entity: 'account',
      entityId: session.account.id,
      areaCode: session.account.areaCode,
      origin,
    });
  });
}

export async function changePassword(
  db: Kysely<Database>,
  session: SessionInfo,
  input: { currentPassword: string; newPassword: string },
  actor: Actor,
  origin: Record<string, unknown>,
) {
  const account = await q.findAccountById(db, session.account.id);
  if (!account) throw NotFound('account.notFound', { username: session.account.username });
  if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
    throw Invalid([{ path: 'currentPassword', key: 'auth.wrongPassword' }]);
  }
  if (input.currentPassword === input.newPassword) throw Invalid([{ path: 'newPassword', key: 'auth.samePassword' }]);
  if (!isStrongPassword(input.newPassword)) throw Invalid([{ path: 'newPassword', key: 'auth.weakPassword' }]);
  const password_hash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('accounts')
      .set((eb) => ({
        password_hash,
        password_changed_at: new Date(),
        must_change_password: false,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', account.id)
      .execute();
    // Other devices must log in again with the new password.
    await q.deleteOtherSessions(trx, account.id, session.sessionId);
    await recordAudit(trx, {
      actor,
      action: 'auth.password_changed',
      entity: 'account',
      entityId: account.id,
      areaCode: account.area_code,
      before: { password_hash: account.password_hash },
      after: { password_hash },
      origin,
    });
  });
}

export interface CreateAccountInput {
  username: string;
  displayName: string;
  role: Role;
  areaCode: string;
  password: string;
  phone?: string | null;
  mustChangePassword?: boolean;
}

export async function createAccount(db: Kysely<Database>, input: CreateAccountInput, actor: Actor, origin: Record<string, unknown> = {}) {
  if (!isStrongPassword(input.password)) throw Invalid([{ path: 'password', key: 'auth.weakPassword' }]);
  const area = await db.selectFrom('areas').select(['code']).where('code', '=', input.areaCode).executeTakeFirst();
  if (!area) throw NotFound('area.notFound', { code: input.areaCode });
  if (await q.findAccountByUsername(db, input.username)) throw Conflict('account.exists', { username: input.username });
  const password_hash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const created = await q.insertAccount(trx, {
      username: input.username,
      display_name: input.displayName,
      role: input.role,
      area_code: input.areaCode,
      county_code: input.areaCode.length >= 6 ? input.areaCode.slice(0, 6) : null,
      phone: input.phone ?? null,
      password_hash,
      must_change_password: input.mustChangePassword ?? false,
    });
    const { password_hash: _omit, ...visible } = created;
    await recordAudit(trx, {
      actor,
      action: 'account.create',
      entity: 'account',
      entityId: created.id,
      areaCode: created.area_code,
      after: visible,
      origin,
    });
    return created;
  });
}
