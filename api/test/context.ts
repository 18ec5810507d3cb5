// Contexts for calling domain functions directly in tests (api/context.ts: `fn(ctx, input)`).
import type { Ctx } from '../context.ts';
import type { Db } from '../db/schema.ts';
import type { Actor } from '../modules/audit/audit.ts';
import { Scope } from '../modules/auth/scope.ts';

/** The actor of an account row (what requireAuth puts on a request). */
export const actorOf = (a: { id: string; username: string; role: string }): Actor => ({ id: a.id, name: a.username, role: a.role });

/**
 * A context acting in `scope` (a Scope, or an account row's area and role): as `actor` (default:
 * the account given, else a nameless test actor of the scope's role), at `now` (default: the clock).
 */
export function testCtx(
  db: Db,
  as: Scope | { id: string; username: string; role: Scope['role']; area_code: string },
  opts: { actor?: Actor; now?: Date } = {},
): Ctx {
  const scope = as instanceof Scope ? as : new Scope(as.area_code, as.role);
  const actor = opts.actor ?? (as instanceof Scope ? { id: null, name: 'test', role: as.role } : actorOf(as));
  return { db, scope, actor, origin: { via: 'test' }, now: opts.now ?? new Date() };
}
