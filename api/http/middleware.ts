// Shared middleware: request context, session, CSRF, authentication, logging, errors.
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { Config } from '../config.ts';
import type { BulkRunner } from '../db/bulk.ts';
import type { Db } from '../db/schema.ts';
import { AppError, Unauthenticated } from '../errors.ts';
import { recordAudit } from '../modules/audit/audit.ts';
import { resolveSession, safeEqual } from '../modules/auth/auth.ts';
import { Scope } from '../modules/auth/scope.ts';
import type { AppEnv } from './context.ts';
import { type Lang, pickLang, t } from './messages.ts';

export const SESSION_COOKIE = 'dl_session';
export const CSRF_COOKIE = 'dl_csrf';
/** A browser the account has logged in on before (login back-off); HTTP-only, path /api/auth. */
export const DEVICE_COOKIE = 'dl_device';
export const CSRF_HEADER = 'x-csrf-token';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * What a session may reach while its account still has a one-time password (mustChangePassword):
 * change it, read who it is, log out — and what needs no session anyway. Everything else is 403
 * PASSWORD_CHANGE_REQUIRED, here in one place for every route.
 */
const BEFORE_PASSWORD_CHANGE = new Set(['/api/auth/password', '/api/auth/me', '/api/auth/logout', '/api/auth/login', '/api/health', '/api/openapi.json']);

function clientIp(c: Context<AppEnv>): string {
  // Behind a reverse proxy the operator sets DRIPLINE_TRUST_PROXY=1 so X-Forwarded-For is used —
  // its last entry, the one our proxy added: the entries before it are whatever the client sent,
  // and login back-off per address must not be escaped by sending a new one each time.
  if (process.env.DRIPLINE_TRUST_PROXY === '1') {
    const fwd = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (fwd) return fwd;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

export function requestContext(db: Db, bulk: BulkRunner, config: Config, clock: () => Date = () => new Date()): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 64) || randomUUID();
    c.set('db', db);
    c.set('bulk', bulk);
    c.set('config', config);
    c.set('clock', clock);
    c.set('lang', pickLang(c.req.header('accept-language')));
    c.set('requestId', requestId);
    c.set('origin', {
      ip: clientIp(c),
      userAgent: (c.req.header('user-agent') ?? '').slice(0, 300),
      requestId,
      method: c.req.method,
      path: c.req.path,
    });
    c.header('x-request-id', requestId);
    await next();
  };
}

/**
 * Loads the session from its cookie (if any), enforces CSRF on cookie-authenticated writes and
 * holds an account with a one-time password to the password change.
 */
export const sessionMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await resolveSession(c.var.db, token, c.var.config.sessionHours) : undefined;
  c.set('session', session);
  if (session) {
    const { account } = session;
    c.set('scope', new Scope(account.areaCode, account.role));
    // Who acts, as records and pages show it: the person's name and post (王主任), never the login id.
    c.set('actor', { id: account.id, name: account.displayName || account.username, role: account.role });
    if (UNSAFE.has(c.req.method)) {
      const sent = c.req.header(CSRF_HEADER) ?? '';
      if (!safeEqual(sent, session.csrfToken)) throw new AppError('FORBIDDEN', 'error.csrf');
    }
    if (account.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(c.req.path.replace(/\/+$/, ''))) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', 'auth.mustChangePassword');
    }
  }
  await next();
};

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.session) throw Unauthenticated();
  await next();
};

/** One line per request: method, path, status, time. Never bodies, query values or cookies (personal data). */
export function requestLogger(config: Config): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    await next();
    if (config.logLevel === 'silent') return;
    const ms = (performance.now() - start).toFixed(1);
    console.log(`${new Date().toISOString()} ${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms ${c.var.requestId ?? ''}`);
  };
}

export function errorBody(lang: Lang, e: AppError) {
  const { audit: _audit, ...details } = e.details;
  return {
    error: {
      code: e.code,
      message: t(lang, e.key, e.params),
      ...(e.fields.length ? { fields: e.fields.map((f) => ({ path: f.path, code: f.key, message: t(lang, f.key, f.params ?? {}) })) } : {}),
      ...(Object.keys(details).length ? { details } : {}),
    },
  };
}

/** PostgreSQL's class 22 (data exception: out of range, invalid datetime or text representation). */
function isDataException(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/** Hono's own refusals (validators, the media-type gate) in our shape: a 4xx stays a 4xx. */
function fromHttpException(err: HTTPException): AppError {
  switch (err.status) {
    case 400:
      if (/json/i.test(err.message)) return new AppError('INVALID', 'error.malformedJson');
      if (/formdata|multipart/i.test(err.message)) return new AppError('INVALID', 'error.malformedMultipart', { detail: '' });
      return new AppError('INVALID', 'error.invalid', { count: 1 });
    case 401:
      return new AppError('UNAUTHENTICATED', 'auth.required');
    case 403:
      return new AppError('FORBIDDEN', 'error.forbidden');
    case 404:
      return new AppError('NOT_FOUND', 'error.notFound');
    case 405:
      return new AppError('METHOD_NOT_ALLOWED', 'error.methodNotAllowed', { method: '', allow: '' });
    case 413:
      return new AppError('TOO_LARGE', 'error.bodyTooLarge', { limit: '' });
    case 415:
      // The JSON routes' gate (@hono/zod-openapi); uploads refuse other types themselves.
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'error.unsupportedMediaType', { expected: 'application/json' });
    default:
      return new AppError('INVALID', 'error.invalid', { count: 1 });
  }
}

/** Maps every error to the one JSON shape; records refused out-of-scope access in the audit log. */
export async function handleError(err: Error, c: Context<AppEnv>) {
  const lang = c.var.lang ?? 'zh-CN';
  let e: AppError;
  if (err instanceof AppError) e = err;
  else if (err instanceof HTTPException && err.status < 500) e = fromHttpException(err);
  else if (isDataException(err)) {
    // A value the database cannot take (a number out of range, an impossible date) that the
    // route's schema let through: the caller's input, so a 400 — logged, so the schema gets fixed.
    console.error(
      `[warn] ${c.var.requestId ?? ''} ${c.req.method} ${c.req.path}: a value the database refused (sqlstate ${(err as { code?: string }).code}) answered 400`,
    );
    e = new AppError('INVALID', 'error.valueRefused');
  } else {
    // Log the kind of failure only: driver messages can quote row values (personal data).
    const pgCode = (err as { code?: string }).code;
    console.error(`[error] ${c.var.requestId ?? ''} ${c.req.method} ${c.req.path}: ${err.name}${pgCode ? ` (sqlstate ${pgCode})` : ''}`);
    if (c.var.config?.logLevel === 'debug') console.error(err.stack);
    e = new AppError('INTERNAL', 'error.internal');
  }
  const audit = e.details.audit as { code: string; entity: string; entityId: string; kind: string } | undefined;
  if (audit && c.var.actor) {
    try {
      await recordAudit(c.var.db, {
        actor: c.var.actor,
        action: 'access.denied',
        entity: audit.entity,
        entityId: audit.entityId,
        areaCode: c.var.session?.account.areaCode,
        note: { requestedArea: audit.code, kind: audit.kind },
        origin: c.var.origin,
      });
    } catch (auditErr) {
      console.error(`[error] could not audit a refused access: ${(auditErr as Error).name}`);
    }
  }
  // A refusal for too many requests says when to come back (login back-off, the public pages' limit).
  const retryAfter = e.details.retryAfterSeconds;
  if (e.code === 'RATE_LIMITED' && typeof retryAfter === 'number') c.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
  return c.json(errorBody(lang, e), e.status);
}
