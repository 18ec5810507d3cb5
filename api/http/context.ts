// What every request carries through Hono's context (c.var.*).
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { BulkRunner } from '../db/bulk.ts';
import type { Database } from '../db/schema.ts';
import type { Actor } from '../modules/audit/audit.ts';
import type { SessionInfo } from '../modules/auth/auth.ts';
import type { Scope } from '../modules/auth/scope.ts';
import type { Lang } from './messages.ts';

export interface AppVariables {
  db: Kysely<Database>;
  /** COPY-class bulk loading in one transaction (imports). */
  bulk: BulkRunner;
  config: Config;
  lang: Lang;
  requestId: string;
  /** Where the request came from, recorded in audit entries. */
  origin: { ip: string; userAgent: string; requestId: string; method: string; path: string };
  session: SessionInfo | undefined;
  /** Set by requireAuth: the one place access is scoped. */
  scope: Scope;
  actor: Actor;
}

export interface AppEnv {
  Variables: AppVariables;
}
