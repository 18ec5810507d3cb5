// The request context every domain function takes first: `fn(ctx, input)` (or `fn(ctx, id, input)`
// where a path names the record). Routes build it from Hono's context (api/http/context.ts: ctxOf),
// the CLI and the seeds with systemCtx. A domain write opens its own transaction from ctx.db with
// inTransaction (routes never do) and records its audit entry in it with ctx.actor and ctx.origin;
// ctx.now is the one clock of the operation (tests inject it).
//
// One domain write inside another's transaction (the cross-check review confirming a finding starts
// a procedure; the registry import withdraws a superseded one): the outer function hands the inner
// one `{ ...ctx, db: trx }` — inTransaction gives it that ctx — and the inner inTransaction joins the
// caller's transaction instead of opening one, so both commit or neither does.
import type { Db, Trx } from './db/schema.ts';
import type { Actor } from './modules/audit/audit.ts';
import { SYSTEM_ACTOR } from './modules/audit/audit.ts';
import { Scope } from './modules/auth/scope.ts';

/** Where a write came from, recorded in its audit entry (ip, user agent, request id, method, path; or the CLI command). */
export type Origin = Record<string, unknown>;

export interface Ctx {
  db: Db;
  /** What the acting account may see and change (its area subtree and role). */
  scope: Scope;
  actor: Actor;
  origin: Origin;
  now: Date;
}

/** The context of a request before anyone is logged in (login): no scope and no actor yet. */
export type AnonymousCtx = Pick<Ctx, 'db' | 'origin' | 'now'>;

/** The context of a command run from a trusted shell (CLI, seeds, jobs): the whole area `areaCode`, acting as `actor`. */
export function systemCtx(db: Db, opts: { areaCode?: string; actor?: Actor; origin?: Origin; now?: Date } = {}): Ctx {
  return {
    db,
    scope: new Scope(opts.areaCode ?? '', 'admin'),
    actor: opts.actor ?? SYSTEM_ACTOR,
    origin: opts.origin ?? { via: 'system' },
    now: opts.now ?? new Date(),
  };
}

/**
 * Runs `fn` in one transaction: a new one from ctx.db, or the caller's when ctx.db is already a
 * transaction (`{ ...ctx, db: trx }`: no nested transaction). `fn` gets the transaction and the
 * context to hand on to other domain functions (its db is the transaction).
 */
export function inTransaction<T, C extends AnonymousCtx = Ctx>(ctx: C, fn: (trx: Trx, ctx: C) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx.db as Trx, ctx);
  return ctx.db.transaction().execute((trx) => fn(trx, { ...ctx, db: trx }));
}
