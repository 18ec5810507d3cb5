// Request/response schemas of the auth routes (shared with web through the typed client).
import { z } from '@hono/zod-openapi';
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
    role: z.enum(ROLES as unknown as [string, ...string[]]),
    roleLabel: z.string(),
    areaCode: z.string(),
    areaName: z.string(),
    areaLevel: z.string(),
    mustChangePassword: z.boolean(),
    canWrite: z.boolean(),
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

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');
