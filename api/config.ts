// Environment, parsed once at start-up. The server and the CLI read the same variables.
import path from 'node:path';

export interface Config {
  /** Real PostgreSQL+PostGIS when set; otherwise the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  /** Where the embedded database (and uploads) live. */
  dataDir: string;
  port: number;
  host: string;
  /** Cookies get `Secure` when the public URL is https. */
  publicUrl: string | undefined;
  sessionHours: number;
  logLevel: 'silent' | 'info' | 'debug';
  /**
   * PostgreSQL only: repeated statements become named prepared statements (api/db/prepared.ts).
   * DRIPLINE_PG_PREPARED=0 turns it off, e.g. behind a connection pooler in transaction mode
   * that does not carry prepared statements.
   */
  preparedStatements?: boolean;
}

export const DEFAULT_PORT = 8080;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT ? Number(env.PORT) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (0–65535), got "${env.PORT}"`);
  }
  const sessionHours = env.DRIPLINE_SESSION_HOURS ? Number(env.DRIPLINE_SESSION_HOURS) : 12;
  if (!(sessionHours > 0)) throw new Error('DRIPLINE_SESSION_HOURS must be a positive number');
  const logLevel = (env.DRIPLINE_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['silent', 'info', 'debug'].includes(logLevel)) {
    throw new Error('DRIPLINE_LOG_LEVEL must be silent, info or debug');
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DRIPLINE_DATA_DIR || 'data'),
    port,
    host: env.HOST || '0.0.0.0',
    publicUrl: env.DRIPLINE_PUBLIC_URL || undefined,
    sessionHours,
    logLevel,
    preparedStatements: !['0', 'off', 'false'].includes((env.DRIPLINE_PG_PREPARED ?? '').toLowerCase()),
  };
}
