// The one server guard of the permission table (api/shared/permissions.ts): a route names the
// permission it needs and a role without it is refused with 403 before the handler runs (for an
// upload: before a byte of the body is read). The refusal is the same Forbidden AppError the
// domain checks throw, with the route's own message. Where the session's area matters too, the
// domain checks its Scope after this.
import type { Context, MiddlewareHandler } from 'hono';
import { Forbidden, Unauthenticated } from '../errors.ts';
import { can, type Permission } from '../shared/permissions.ts';
import type { AppEnv } from './context.ts';
import type { MessageKey } from './messages.ts';

/** Throws 403 `key` unless the session's role has `permission` (401 without a session). */
export function assertPermission(c: Context<AppEnv>, permission: Permission, key: MessageKey = 'error.forbidden'): void {
  const scope = c.var.scope;
  if (!scope) throw Unauthenticated();
  if (!can(scope.role, permission)) throw Forbidden(key);
}

/** Route middleware: `middleware: [requirePermission('crosscheck.run', 'crosscheck.roleCannotRun')] as const`. */
export function requirePermission(permission: Permission, key: MessageKey = 'error.forbidden'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    assertPermission(c, permission, key);
    await next();
  };
}
