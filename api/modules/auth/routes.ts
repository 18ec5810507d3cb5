// HTTP for login, logout, the current account and password change.
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { Unauthenticated } from '../../errors.ts';
import type { AppEnv } from '../../http/context.ts';
import { CSRF_COOKIE, SESSION_COOKIE, requireAuth } from '../../http/middleware.ts';
import { createRouter } from '../../http/router.ts';
import { changePassword, login, logout, resolveSession, type SessionInfo } from './auth.ts';
import { ROLE_LABELS } from './roles.ts';
import { Scope } from './scope.ts';
import { AccountView, ChangePasswordBody, ErrorResponse, LoginBody, MeResponse, OkResponse } from './schema.ts';

const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = {
  400: json(ErrorResponse, 'Invalid input'),
  401: json(ErrorResponse, 'Not logged in or wrong credentials'),
  429: json(ErrorResponse, 'Too many attempts'),
};

function accountView(c: Context<AppEnv>, s: SessionInfo): z.infer<typeof AccountView> {
  return {
    ...s.account,
    roleLabel: ROLE_LABELS[s.account.role][c.var.lang],
    canWrite: new Scope(s.account.areaCode, s.account.role).canWrite,
  };
}

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
      request: { body: { content: { 'application/json': { schema: LoginBody } }, required: true } },
      responses: { 200: json(MeResponse, 'Logged in'), ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { token, csrfToken } = await login(
        c.var.db,
        { ...body, ip: c.var.origin.ip, userAgent: c.var.origin.userAgent, sessionHours: c.var.config.sessionHours },
        c.var.origin,
      );
      setCookie(c, SESSION_COOKIE, token, { ...cookieOptions(c), httpOnly: true });
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
      await logout(c.var.db, c.var.session as SessionInfo, c.var.actor, c.var.origin);
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
      request: { body: { content: { 'application/json': { schema: ChangePasswordBody } }, required: true } },
      responses: { 200: json(OkResponse, 'Changed'), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      await changePassword(c.var.db, c.var.session as SessionInfo, c.req.valid('json'), c.var.actor, c.var.origin);
      return c.json({ ok: true as const }, 200);
    },
  );
