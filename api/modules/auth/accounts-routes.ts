// HTTP for 账号管理 (/api/accounts): list, create, disable/enable, reset password, unlock.
// Who may do what is decided in accounts.ts; this file only validates and shapes.
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { body, ErrorResponse, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { createManagedAccount, listAccounts, manageableRoles, managerOf, resetAccountPassword, setAccountDisabled, unlockAccount } from './accounts.ts';
import { ROLE_LABELS } from './roles.ts';
import { AccountIdParam, AccountListQuery, AccountWithPassword, ManagedAccount, ManagedAccountPage, NewAccountBody } from './schema.ts';

const errors = {
  400: json(ErrorResponse, 'Invalid input, named per field'),
  401: json(ErrorResponse, 'Not logged in'),
  403: json(ErrorResponse, 'Not an account manager, or not an account this manager may manage'),
  404: json(ErrorResponse, 'No such account'),
};

const action = <P extends string>(path: P, summary: string) =>
  createRoute({
    method: 'post',
    path,
    tags: ['accounts'],
    summary,
    request: { params: AccountIdParam },
    responses: { 200: json(ManagedAccount, 'The account after the change'), ...errors },
  });

export const accountsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['accounts'],
      summary: 'Accounts the caller manages (admin: all; county official: township, village and supervisor accounts of its county)',
      request: { query: AccountListQuery },
      responses: { 200: json(ManagedAccountPage, 'A page of accounts'), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const input = c.req.valid('query');
      const page = await listAccounts(ctx, input, c.var.lang);
      const roles = manageableRoles(managerOf(ctx)).map((r) => ({ value: r, label: ROLE_LABELS[r][c.var.lang] }));
      return c.json({ ...page, roles }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['accounts'],
      summary: 'Create an account with a one-time password (shown once; changed at first login)',
      request: body(NewAccountBody),
      responses: { 201: json(AccountWithPassword, 'Created'), 409: json(ErrorResponse, 'Username taken'), ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const r = await createManagedAccount(ctxOf(c), { ...body, phone: body.phone || null }, { lang: c.var.lang });
      return c.json(r, 201);
    },
  )
  .openapi(action('/{id}/disable', 'Disable an account (ends its sessions)'), async (c) =>
    c.json(await setAccountDisabled(ctxOf(c), c.req.valid('param'), true, { lang: c.var.lang }), 200),
  )
  .openapi(action('/{id}/enable', 'Enable a disabled account'), async (c) =>
    c.json(await setAccountDisabled(ctxOf(c), c.req.valid('param'), false, { lang: c.var.lang }), 200),
  )
  .openapi(action('/{id}/unlock', 'Clear the login back-off of an account'), async (c) =>
    c.json(await unlockAccount(ctxOf(c), c.req.valid('param'), { lang: c.var.lang }), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/reset-password',
      tags: ['accounts'],
      summary: 'Reset the password to a one-time password (shown once); ends the account’s sessions',
      request: { params: AccountIdParam },
      responses: { 200: json(AccountWithPassword, 'The new one-time password'), ...errors },
    }),
    async (c) => c.json(await resetAccountPassword(ctxOf(c), c.req.valid('param'), { lang: c.var.lang }), 200),
  );
