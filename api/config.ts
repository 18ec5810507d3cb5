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
  /** 天地图 (Tianditu) key for its vector and imagery basemaps (DRIPLINE_TIANDITU_KEY); none: our own basemap only. */
  tiandituKey?: string | undefined;
  sessionHours: number;
  logLevel: 'silent' | 'info' | 'debug';
  /**
   * PostgreSQL only: repeated statements become named prepared statements (api/db/prepared.ts).
   * DRIPLINE_PG_PREPARED=0 turns it off, e.g. behind a connection pooler in transaction mode
   * that does not carry prepared statements.
   */
  preparedStatements?: boolean;
  /**
   * The Ed25519 private key (PEM) that signs the audit chains' heads (DRIPLINE_AUDIT_KEY_FILE),
   * kept outside the database. Unset: the embedded database uses (and on first start makes)
   * audit-key.pem in dataDir; a server on PostgreSQL refuses to start (docs/decisions/0017).
   */
  auditKeyFile?: string;
  /**
   * The database owner's connection (DRIPLINE_MIGRATE_URL), for `migrate` and `db grant` only;
   * DATABASE_URL is then the server's role, which cannot alter the audit tables. The server
   * itself never uses it.
   */
  migrateUrl?: string;
  /**
   * Request body limits in bytes (api/http/limits.ts), checked before a body is read: JSON and
   * every other body, photo uploads, registry and department-dataset uploads.
   */
  limits: BodyLimits;
  /**
   * Requests per minute one client address may make to the public pages (/public/villages/…,
   * /api/public/…): a token bucket that refills continuously and allows a burst of as many
   * (DRIPLINE_PUBLIC_RATE_LIMIT; 0 turns the limit off, e.g. behind a proxy that limits itself).
   */
  publicRatePerMinute: number;
  /**
   * Seconds the server keeps a public page it has made, for every visitor (DRIPLINE_PUBLIC_CACHE_SECONDS,
   * default 60 = the pages' max-age; 0 makes every request read the database).
   */
  publicCacheSeconds: number;
  /** SMS (issue 17, docs/domain/sms.md): the provider and its settings. */
  sms: SmsConfig;
}

export type SmsProviderName = 'outbox' | 'smpp';
export const SMS_PROVIDERS: readonly SmsProviderName[] = ['outbox', 'smpp'];

export interface SmsConfig {
  /**
   * DRIPLINE_SMS_PROVIDER: outbox (messages stay in the app — the default on the embedded database)
   * or smpp (an SMSC over SMPP 3.4). Unset on PostgreSQL: nothing is sent (the worker does not start).
   */
  provider: SmsProviderName | undefined;
  /** The signature the provider puts before every text, without brackets (DRIPLINE_SMS_SIGNATURE, default 滴灌). */
  signature: string;
  /** Messages per second the provider accepts (DRIPLINE_SMS_RATE, default 50). */
  ratePerSecond: number;
  /** Seconds a worker holds the messages it is sending; after that they count as in doubt (DRIPLINE_SMS_LEASE_SECONDS, default 120). */
  leaseSeconds: number;
  /** Inbound messages per number and hour that get a reply (DRIPLINE_SMS_INBOUND_PER_HOUR, default 5). */
  inboundPerHour: number;
  smpp: {
    /** DRIPLINE_SMPP_URL, e.g. smpp://smsc.example.cn:2775 */
    url: string | undefined;
    systemId: string;
    password: string;
    /** The service number texts come from and replies go to (DRIPLINE_SMPP_SOURCE, 短信服务号码). */
    sourceAddr: string;
    /** Submits outstanding at once (DRIPLINE_SMPP_WINDOW, default 10). */
    window: number;
  };
}

const positiveInt = (name: string, raw: string | undefined, fallback: number, max: number) => {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  return n;
};

export function loadSmsConfig(env: NodeJS.ProcessEnv, embedded: boolean): SmsConfig {
  const raw = env.DRIPLINE_SMS_PROVIDER?.trim() || (embedded ? 'outbox' : undefined);
  if (raw !== undefined && !(SMS_PROVIDERS as readonly string[]).includes(raw)) {
    throw new Error(`DRIPLINE_SMS_PROVIDER must be one of ${SMS_PROVIDERS.join(', ')}, got "${raw}"`);
  }
  const provider = raw as SmsProviderName | undefined;
  const signature = env.DRIPLINE_SMS_SIGNATURE?.trim() || '滴灌';
  if (signature.length > 12 || /[【】]/.test(signature)) throw new Error('DRIPLINE_SMS_SIGNATURE must be at most 12 characters, without 【】');
  const url = env.DRIPLINE_SMPP_URL?.trim() || undefined;
  if (provider === 'smpp' && !url) throw new Error('DRIPLINE_SMS_PROVIDER=smpp needs DRIPLINE_SMPP_URL (smpp://host:port)');
  if (url && !/^s?smpp:\/\/[^/:]+:\d+\/?$/.test(url)) throw new Error(`DRIPLINE_SMPP_URL must look like smpp://host:2775, got "${url}"`);
  return {
    provider,
    signature,
    ratePerSecond: positiveInt('DRIPLINE_SMS_RATE', env.DRIPLINE_SMS_RATE, 50, 10_000),
    leaseSeconds: positiveInt('DRIPLINE_SMS_LEASE_SECONDS', env.DRIPLINE_SMS_LEASE_SECONDS, 120, 86_400),
    inboundPerHour: positiveInt('DRIPLINE_SMS_INBOUND_PER_HOUR', env.DRIPLINE_SMS_INBOUND_PER_HOUR, 5, 1000),
    smpp: {
      url,
      systemId: env.DRIPLINE_SMPP_SYSTEM_ID ?? '',
      password: env.DRIPLINE_SMPP_PASSWORD ?? '',
      sourceAddr: env.DRIPLINE_SMPP_SOURCE ?? '106900',
      window: positiveInt('DRIPLINE_SMPP_WINDOW', env.DRIPLINE_SMPP_WINDOW, 10, 100),
    },
  };
}

export const DEFAULT_PUBLIC_RATE_PER_MINUTE = 60;
export const DEFAULT_PUBLIC_CACHE_SECONDS = 60;

export interface BodyLimits {
  jsonBytes: number;
  photoBytes: number;
  importBytes: number;
}

const MB = 1024 * 1024;
export const DEFAULT_LIMITS: BodyLimits = { jsonBytes: 1 * MB, photoBytes: 10 * MB, importBytes: 200 * MB };

/** A size: bytes, or a number with K, M or G (binary: 1M = 1,048,576 bytes), e.g. "200M". */
export function parseSize(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg])?i?b?\s*$/i.exec(raw);
  const unit = { k: 1024, m: MB, g: 1024 * MB }[(m?.[2] ?? '').toLowerCase()] ?? 1;
  const bytes = m ? Math.floor(Number(m[1]) * unit) : Number.NaN;
  if (!(bytes >= 1024)) throw new Error(`${name} must be a size of at least 1K, such as 1048576, 512K, 10M or 1G; got "${raw}"`);
  return bytes;
}

export const DEFAULT_PORT = 8080;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT ? Number(env.PORT) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (0–65535), got "${env.PORT}"`);
  }
  const sessionHours = env.DRIPLINE_SESSION_HOURS ? Number(env.DRIPLINE_SESSION_HOURS) : 12;
  if (!(sessionHours > 0)) throw new Error('DRIPLINE_SESSION_HOURS must be a positive number');
  const publicRate = env.DRIPLINE_PUBLIC_RATE_LIMIT?.trim() ? Number(env.DRIPLINE_PUBLIC_RATE_LIMIT) : DEFAULT_PUBLIC_RATE_PER_MINUTE;
  if (!Number.isInteger(publicRate) || publicRate < 0) {
    throw new Error(`DRIPLINE_PUBLIC_RATE_LIMIT must be a whole number of requests per minute (0: no limit), got "${env.DRIPLINE_PUBLIC_RATE_LIMIT}"`);
  }
  const publicCache = env.DRIPLINE_PUBLIC_CACHE_SECONDS?.trim() ? Number(env.DRIPLINE_PUBLIC_CACHE_SECONDS) : DEFAULT_PUBLIC_CACHE_SECONDS;
  if (!Number.isInteger(publicCache) || publicCache < 0 || publicCache > 3600) {
    throw new Error(`DRIPLINE_PUBLIC_CACHE_SECONDS must be a whole number of seconds from 0 to 3600, got "${env.DRIPLINE_PUBLIC_CACHE_SECONDS}"`);
  }
  const tiandituKey = env.DRIPLINE_TIANDITU_KEY?.trim() || undefined;
  if (tiandituKey && !/^[0-9a-zA-Z]{16,64}$/.test(tiandituKey)) {
    throw new Error('DRIPLINE_TIANDITU_KEY must be the key 天地图 issued (letters and digits, e.g. 32 hexadecimal characters)');
  }
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
    tiandituKey,
    sessionHours,
    logLevel,
    preparedStatements: !['0', 'off', 'false'].includes((env.DRIPLINE_PG_PREPARED ?? '').toLowerCase()),
    limits: {
      jsonBytes: parseSize('DRIPLINE_MAX_JSON_BYTES', env.DRIPLINE_MAX_JSON_BYTES, DEFAULT_LIMITS.jsonBytes),
      photoBytes: parseSize('DRIPLINE_MAX_PHOTO_BYTES', env.DRIPLINE_MAX_PHOTO_BYTES, DEFAULT_LIMITS.photoBytes),
      importBytes: parseSize('DRIPLINE_MAX_IMPORT_BYTES', env.DRIPLINE_MAX_IMPORT_BYTES, DEFAULT_LIMITS.importBytes),
    },
    publicRatePerMinute: publicRate,
    publicCacheSeconds: publicCache,
    auditKeyFile: env.DRIPLINE_AUDIT_KEY_FILE ? path.resolve(env.DRIPLINE_AUDIT_KEY_FILE) : undefined,
    migrateUrl: env.DRIPLINE_MIGRATE_URL || undefined,
    sms: loadSmsConfig(env, !env.DATABASE_URL),
  };
}
