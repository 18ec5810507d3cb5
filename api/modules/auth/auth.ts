// Accounts, login and sessions: domain rules (throttling by back-off, password policy).
// No HTTP here; routes.ts turns results into cookies and responses.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import type { AnonymousCtx, Ctx } from '../../context.ts';
import { inTransaction } from '../../context.ts';
import type { Db, Role } from '../../db/schema.ts';
import { AppError, Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import * as q from './queries.ts';
import type { LoginBody } from './schema.ts';
import { assertNotBlocked, type BackoffKey, clearBackoff, pruneBackoff, recordBackoffFailure } from './backoff.ts';
import { dummyHash, hashPassword, isPublishedPassword, isStrongPassword, verifyPassword } from './passwords.ts';

/** Share of failed logins after which old back-off rows are deleted. */
const PRUNE_SHARE = 0.05;

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

/** The login form (LoginBody) and where it came from. */
export interface LoginInput extends z.infer<typeof LoginBody> {
  ip: string;
  userAgent: string;
  sessionHours: number;
  /** The browser's dl_device cookie, if it has one. */
  deviceToken?: string;
}

/**
 * Checks the password (throttled by back-off, see backoff.ts) and opens a session. Returns the
 * session token and the device token for the cookies; throws one generic error for an unknown
 * name, a wrong password or a disabled account alike. Nobody is logged in yet: an anonymous
 * context (its clock is the one tests move instead of sleeping).
 */
export async function login(ctx: AnonymousCtx, input: LoginInput) {
  const { db, origin, now } = ctx;
  const deviceHash = input.deviceToken ? tokenHash(input.deviceToken) : null;
  const account = await q.findLoginAccount(db, input.username, deviceHash);
  // From a browser this account has logged in on, only that device's own failures count.
  const trusted = account?.trusted_device === true && deviceHash !== null;
  const keys: BackoffKey[] = trusted
    ? [{ kind: 'device', subject: deviceHash }]
    : [
        { kind: 'account', subject: input.username },
        { kind: 'address', subject: input.ip },
      ];
  await assertNotBlocked(db, keys, now);
  // Unknown names are verified against a dummy hash and disabled accounts are verified too, so
  // the time taken does not tell them apart from a wrong password.
  const matches = await verifyPassword(account?.password_hash ?? (await dummyHash()), input.password);
  if (!account || !matches || account.disabled) {
    await inTransaction(ctx, async (trx) => {
      await recordBackoffFailure(trx, keys, now);
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
    if (Math.random() < PRUNE_SHARE) await pruneBackoff(db, now);
    throw new AppError('UNAUTHENTICATED', 'auth.badCredentials');
  }
  const token = newToken();
  const csrfToken = newToken();
  // The browser's device token is kept (it may be trusted for other accounts on a shared tablet).
  const deviceToken = input.deviceToken && /^[A-Za-z0-9_-]{43}$/.test(input.deviceToken) ? input.deviceToken : newToken();
  await inTransaction(ctx, async (trx) => {
    await q.setLastLogin(trx, account.id, now);
    await clearBackoff(trx, trusted ? keys : [{ kind: 'account', subject: input.username }]);
    await q.trustDevice(trx, tokenHash(deviceToken), account.id, now);
    await q.insertSession(trx, {
      id: tokenHash(token),
      account_id: account.id,
      csrf_token: csrfToken,
      expires_at: new Date(now.getTime() + input.sessionHours * 3600_000),
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
  return { token, csrfToken, deviceToken };
}

/** Resolves a session cookie to the account; slides the expiry. */
/** When this process last slid each session's expiry (see resolveSession). */
const touchedAt = new Map<string, number>();
function forgetOldTouches(now: number) {
  for (const [id, at] of touchedAt) if (now - at > 60_000) touchedAt.delete(id);
}

export async function resolveSession(db: Db, token: string, sessionHours: number): Promise<SessionInfo | undefined> {
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

export async function logout(ctx: Ctx, session: SessionInfo) {
  const { actor, origin } = ctx;
  await inTransaction(ctx, async (trx) => {
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

export async function changePassword(ctx: Ctx, session: SessionInfo, input: { currentPassword: string; newPassword: string }) {
  const { db, actor, origin, now } = ctx;
  const account = await q.findAccountById(db, session.account.id);
  if (!account) throw NotFound('account.notFound', { username: session.account.username });
  // A session left open must not let someone guess the current password at full speed.
  const key: BackoffKey = { kind: 'password', subject: account.id };
  await assertNotBlocked(db, [key], now, 'auth.passwordThrottled');
  if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
    await inTransaction(ctx, async (trx) => {
      await recordBackoffFailure(trx, [key], now);
      await recordAudit(trx, {
        actor,
        action: 'auth.password_change_failed',
        entity: 'account',
        entityId: account.id,
        areaCode: account.area_code,
        origin,
      });
    });
    throw Invalid([{ path: 'currentPassword', key: 'auth.wrongPassword' }]);
  }
  if (input.currentPassword === input.newPassword) throw Invalid([{ path: 'newPassword', key: 'auth.samePassword' }]);
  if (!isStrongPassword(input.newPassword)) throw Invalid([{ path: 'newPassword', key: 'auth.weakPassword' }]);
  if (isPublishedPassword(input.newPassword)) throw Invalid([{ path: 'newPassword', key: 'account.demoPassword' }]);
  const password_hash = await hashPassword(input.newPassword);
  await inTransaction(ctx, async (trx) => {
    await q.updateAccount(trx, account.id, { password_hash, password_changed_at: now, must_change_password: false }, now);
    await clearBackoff(trx, [key]);
    // Other devices must log in again with the new password.
    await q.deleteOtherSessions(trx, account.id, session.sessionId);
    await recordAudit(trx, {
      actor,
      action: 'auth.password_changed',
      entity: 'account',
      entityId: account.id,
      areaCode: account.area_code,
      before: { password_hash: account.password_hash, must_change_password: account.must_change_password },
      after: { password_hash, must_change_password: false },
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

/** Creates an account as `ctx.actor` (the seed, the CLI and account management call it). */
export async function createAccount(ctx: Ctx, input: CreateAccountInput) {
  const { db, actor, origin } = ctx;
  if (!isStrongPassword(input.password)) throw Invalid([{ path: 'password', key: 'auth.weakPassword' }]);
  if (!(await q.areaExists(db, input.areaCode))) throw NotFound('area.notFound', { code: input.areaCode });
  if (await q.findAccountByUsername(db, input.username)) throw Conflict('account.exists', { username: input.username });
  const password_hash = await hashPassword(input.password);
  return inTransaction(ctx, async (trx) => {
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
