// HTTP for login, logout, the current account and password change.
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { Unauthenticated } from '../../errors.ts';
import { anonymousCtxOf, type AppEnv, ctxOf } from '../../http/context.ts';
import { CSRF_COOKIE, DEVICE_COOKIE, SESSION_COOKIE, requireAuth } from '../../http/middleware.ts';
import { body, ErrorResponse, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { changePassword, login, logout, resolveSession, type SessionInfo } from './auth.ts';
import { permissionsOf } from '../../shared/permissions.ts';
import { ROLE_LABELS } from './roles.ts';
import { Scope } from './scope.ts';
import { type AccountView, ChangePasswordBody, LoginBody, MeResponse, OkResponse } from './schema.ts';

const errors = {
  400: json(ErrorResponse, 'Invalid input'),
  401: json(ErrorResponse, 'Not logged in or wrong credentials'),
  403: json(ErrorResponse, 'Refused (CSRF, or the one-time password must be changed first)'),
  429: json(ErrorResponse, 'Too many attempts: wait the seconds the message names'),
};

function accountView(c: Context<AppEnv>, s: SessionInfo): z.infer<typeof AccountView> {
  return {
    ...s.account,
    roleLabel: ROLE_LABELS[s.account.role][c.var.lang],
    canWrite: new Scope(s.account.areaCode, s.account.role).canWrite,
    can: permissionsOf(s.account.role),
  };
}

const DEVICE_COOKIE_DAYS = 180;

function cookieOptions(c: Context<AppEnv>) {
  const secure = c.var.config.publicUrl?.startsWith('https:') ?? false;
  return { path: '/', secure, sameSite: 'Lax' as const, maxAge: c.var.config.sessionHours * 3600 };
}

export const authRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/login',
      tags: ['auth'],
      summary: 'Log in with username and password (sets an HTTP-only session cookie)',
      request: body(LoginBody),
      responses: { 200: json(MeResponse, 'Logged in'), ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { token, csrfToken, deviceToken } = await login(anonymousCtxOf(c), {
        ...body,
        ip: c.var.origin.ip,
        userAgent: c.var.origin.userAgent,
        sessionHours: c.var.config.sessionHours,
        deviceToken: getCookie(c, DEVICE_COOKIE),
      });
      setCookie(c, SESSION_COOKIE, token, { ...cookieOptions(c), httpOnly: true });
      // Marks this browser as one the account logs in from (login back-off, backoff.ts): sent only to /api/auth.
      setCookie(c, DEVICE_COOKIE, deviceToken, { ...cookieOptions(c), path: '/api/auth', httpOnly: true, maxAge: DEVICE_COOKIE_DAYS * 86400 });
      setCookie(c, CSRF_COOKIE, csrfToken, { ...cookieOptions(c), httpOnly: false });
      const session = await resolveSession(c.var.db, token, c.var.config.sessionHours);
      if (!session) throw Unauthenticated();
      return c.json({ account: accountView(c, session), csrfToken }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me',
      middleware: [requireAuth] as const,
      tags: ['auth'],
      summary: 'The logged-in account, its role and area',
      responses: { 200: json(MeResponse, 'The current account'), 401: errors[401] },
    }),
    (c) => {
      const s = c.var.session as SessionInfo;
      return c.json({ account: accountView(c, s), csrfToken: s.csrfToken }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/logout',
      middleware: [requireAuth] as const,
      tags: ['auth'],
      summary: 'Log out (ends this session)',
      responses: { 200: json(OkResponse, 'Logged out'), 401: errors[401] },
    }),
    async (c) => {
      await logout(ctxOf(c), c.var.session as SessionInfo);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      deleteCookie(c, CSRF_COOKIE, { path: '/' });
      return c.json({ ok: true as const }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/password',
      middleware: [requireAuth] as const,
      tags: ['auth'],
      summary: 'Change the password of the logged-in account (ends its other sessions)',
      request: body(ChangePasswordBody),
      responses: { 200: json(OkResponse, 'Changed'), 400: errors[400], 401: errors[401], 429: errors[429] },
    }),
    async (c) => {
      await changePassword(ctxOf(c), c.var.session as SessionInfo, c.req.valid('json'));
      return c.json({ ok: true as const }, 200);
    },
  );
