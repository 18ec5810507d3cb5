// What every request carries through Hono's context (c.var.*).
import type { Context } from 'hono';
import type { AnonymousCtx, Ctx } from '../context.ts';
import type { Config } from '../config.ts';
import type { BulkRunner } from '../db/bulk.ts';
import type { Db } from '../db/schema.ts';
import type { Actor } from '../modules/audit/audit.ts';
import type { SessionInfo } from '../modules/auth/auth.ts';
import type { Scope } from '../modules/auth/scope.ts';
import type { ReportCache } from '../modules/stats/cache.ts';
import type { StatsReportOutput } from '../modules/stats/stats.ts';
import type { Lang } from './messages.ts';
import type { Upload } from './upload.ts';

export interface AppVariables {
  db: Db;
  /** COPY-class bulk loading in one transaction (imports). */
  bulk: BulkRunner;
  config: Config;
  /** The clock the domain context reads (createApp's `clock`; the wall clock but in tests). */
  clock: () => Date;
  lang: Lang;
  requestId: string;
  /** Where the request came from, recorded in audit entries. */
  origin: { ip: string; userAgent: string; requestId: string; method: string; path: string };
  session: SessionInfo | undefined;
  /** Set by requireAuth: the one place access is scoped. */
  scope: Scope;
  actor: Actor;
  /** Set by an upload route's streamUpload middleware: the file on disk and the form's fields. */
  upload: Upload;
  /** The dashboards kept until their data changes (api/modules/stats/cache.ts). */
  reports: ReportCache<StatsReportOutput>;
}

export interface AppEnv {
  Variables: AppVariables;
}

/** The domain's request context (api/context.ts) of an authenticated request; `now` is read once here. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  return { db: c.var.db, scope: c.var.scope, actor: c.var.actor, origin: c.var.origin, now: c.var.clock() };
}

/** The context of a request before anyone is logged in (login): db, origin and the clock. */
export function anonymousCtxOf(c: Context<AppEnv>): AnonymousCtx {
  return { db: c.var.db, origin: c.var.origin, now: c.var.clock() };
}
