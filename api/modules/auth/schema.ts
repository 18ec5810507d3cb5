// Request/response schemas of the auth routes (shared with web through the typed client).
import { z } from '@hono/zod-openapi';
import { PERMISSION_NAMES } from '../../shared/permissions.ts';
import { ROLES } from './roles.ts';

export const LoginBody = z
  .object({
    username: z.string().trim().min(1).max(64).openapi({ example: 'qinglong_county' }),
    password: z.string().min(1).max(200),
  })
  .openapi('LoginBody');

export const AccountView = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    roleLabel: z.string(),
    areaCode: z.string(),
    areaName: z.string(),
    areaLevel: z.string(),
    mustChangePassword: z.boolean(),
    canWrite: z.boolean(),
    /** What the role may do (the permission table, api/shared/permissions.ts): the web shows what it allows. */
    can: z.array(z.enum(PERMISSION_NAMES)).openapi({ description: 'The permissions of the account’s role (api/shared/permissions.ts)' }),
  })
  .openapi('Account');

export const MeResponse = z.object({ account: AccountView, csrfToken: z.string() }).openapi('Me');

export const ChangePasswordBody = z
  .object({
    currentPassword: z.string().min(1).max(200),
    newPassword: z.string().min(1).max(200),
  })
  .openapi('ChangePasswordBody');

export const OkResponse = z.object({ ok: z.literal(true) }).openapi('Ok');

// ---- 账号管理 (/api/accounts) -------------------------------------------------------------

const RoleSchema = z.enum(ROLES);

export const AccountListQuery = z.object({
  q: z.string().trim().max(64).optional().openapi({ description: 'Part of the username or the name' }),
  role: RoleSchema.optional(),
  status: z.enum(['active', 'disabled', 'mustChange', 'throttled']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ManagedAccount = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: RoleSchema,
    roleLabel: z.string(),
    areaCode: z.string(),
    areaName: z.string(),
    areaLevel: z.string(),
    parentAreaName: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: 'Masked unless the manager’s role sees personal data' }),
    disabled: z.boolean(),
    mustChangePassword: z.boolean(),
    lastLoginAt: z.string().nullable(),
    createdAt: z.string(),
    failedLogins: z.number().int(),
    blockedUntil: z.string().nullable().openapi({ description: 'Logins under this name wait until then; unlock clears it' }),
    self: z.boolean(),
  })
  .openapi('ManagedAccount');

export const ManagedAccountPage = z
  .object({
    items: z.array(ManagedAccount),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
    /** Roles the caller may create (for the form). */
    roles: z.array(z.object({ value: RoleSchema, label: z.string() })),
  })
  .openapi('ManagedAccountPage');

export const NewAccountBody = z
  .object({
    username: z.string().trim().min(1).max(64).openapi({ example: 'baojia_cadre2' }),
    displayName: z.string().trim().min(1).max(50),
    role: RoleSchema,
    areaCode: z.string().trim().min(1).max(15),
    phone: z.string().trim().max(20).nullable().optional(),
  })
  .strict()
  .openapi('NewAccountBody');

export const AccountIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const AccountWithPassword = z
  .object({
    account: ManagedAccount,
    oneTimePassword: z.string().nullable().openapi({ description: 'Shown once; the account must change it at its next login' }),
  })
  .openapi('AccountWithPassword');
