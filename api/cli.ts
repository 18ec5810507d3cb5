// The `dripline` command for operators. Subcommands call module functions, never HTTP, and use
// the same database as the server (DATABASE_URL, or the embedded one in DRIPLINE_DATA_DIR).
import { parseArgs } from 'node:util';
import { watchStdout } from './cli-output.ts';
import { loadConfig } from './config.ts';
import { openDatabase, type DbHandle } from './db/connect.ts';
import { DataDirLockedError } from './db/lock.ts';
import { migrateToLatest } from './db/migrate.ts';
import { AppError } from './errors.ts';
import { t } from './http/messages.ts';
import { grantServerRole, urlUser } from './db/roles.ts';
import { AUDIT_USAGE, AuditUsageError, auditCommand } from './modules/audit/cli.ts';
import { requireSigningKey, startAuditSigning } from './modules/audit/start.ts';
import { AREAS_USAGE, areasCommand } from './modules/areas/cli.ts';
import { USERS_USAGE, UsersUsageError, usersCommand } from './modules/auth/cli.ts';
import { ROLES } from './modules/auth/roles.ts';
import { REGISTRY_USAGE, RegistryUsageError, registryCommand } from './modules/registry/cli.ts';
import { CROSSCHECK_USAGE, crosscheckCommand } from './modules/crosscheck/cli.ts';
import { OVERSIGHT_USAGE, oversightCommand } from './modules/oversight/cli.ts';
import { spatialQaCommand } from './modules/spatial-qa/cli.ts';
import { SMS_USAGE, smsCommand } from './modules/sms/cli.ts';

const USAGE = `dripline — Dripline (滴灌) operator commands

  dripline serve [--port N] [--api-only] start the server (migrates; the embedded database, when empty, gets the demo data);
                                         --api-only leaves the web app to Vite's dev server (npm run dev, npm run dev:web)
  dripline migrate                       apply pending migrations (as DRIPLINE_MIGRATE_URL's role when set, which
                                         then grants DATABASE_URL's role the server's privileges)
  dripline db grant --role NAME          give a PostgreSQL role the server's privileges: data read and write, the
                                         audit read and append only (run as the owner, after every migrate)
  dripline seed [--households N] [--seed S] [--no-households] [--no-story]
                                         load DEMO data (areas of 黔西南州, demo accounts with the published
                                         password, 晴隆县 households) — for trying the system, never production
${AUDIT_USAGE}
${AREAS_USAGE}
${USERS_USAGE}
${REGISTRY_USAGE}
${CROSSCHECK_USAGE}
${OVERSIGHT_USAGE}
${SMS_USAGE}

Environment: DATABASE_URL (PostgreSQL+PostGIS) or DRIPLINE_DATA_DIR (embedded, default ./data), PORT,
DRIPLINE_AUDIT_KEY_FILE (the audit key; embedded default: audit-key.pem in the data directory),
DRIPLINE_MIGRATE_URL (the database owner, for migrate and db grant).
Roles: ${ROLES.join(', ')}`;

/**
 * Opens the database for one command. Commands that may write (`sign`, the default) load the
 * audit key first and refuse without one, as the server does.
 */
/** Opens the database (migrated first when `migrate`: signing needs the audit tables) and signs its audit while fn runs. */
async function withDb<T>(fn: (h: DbHandle) => Promise<T>, opts: { sign?: boolean; url?: string; migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const key = opts.sign === false ? null : requireSigningKey(config);
  const h = await openDatabase(opts.url ? { ...config, databaseUrl: opts.url } : config);
  try {
    if (opts.migrate) await migrateToLatest(h.db);
    if (key) await startAuditSigning(h.db, key, (l) => console.error(l));
    return await fn(h);
  } finally {
    await h.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function run(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (cmd === 'datasets' || cmd === 'crosscheck' || cmd === 'findings') {
    const code = await crosscheckCommand(cmd, argv.slice(1), withDb);
    if (code !== undefined) return code;
  }
  if (cmd === 'sms') return smsCommand(argv.slice(1), loadConfig(), withDb);
  if (cmd === 'oversight') {
    const code = await oversightCommand(argv.slice(1), withDb);
    if (code !== undefined) return code;
  }
  switch (cmd) {
    case 'serve': {
      const { values } = parseArgs({
        args: argv.slice(1),
        options: { port: { type: 'string' }, households: { type: 'string' }, 'api-only': { type: 'boolean' } },
      });
      const config = loadConfig(values.port ? { ...process.env, PORT: values.port } : process.env);
      const { startServer } = await import('./server.ts');
      await startServer(config, { households: values.households ? Number(values.households) : undefined, serveWeb: !values['api-only'] });
      return await new Promise<number>(() => {}); // runs until a signal
    }
    case 'migrate': {
      // The owner migrates (DRIPLINE_MIGRATE_URL) and hands the server's role its privileges.
      const { databaseUrl, migrateUrl } = loadConfig();
      const serverRole = databaseUrl && migrateUrl ? urlUser(databaseUrl) : undefined;
      return withDb(
        async (h) => {
          const { applied } = await migrateToLatest(h.db);
          console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
          if (serverRole && serverRole !== urlUser(migrateUrl as string)) {
            const { tables } = await grantServerRole(h.db, serverRole);
            console.log(`Granted role ${serverRole} the server's privileges on ${tables} tables (the audit: read and append only).`);
          }
          return 0;
        },
        { sign: false, url: migrateUrl },
      );
    }
    case 'db': {
      if (sub !== 'grant') break;
      const { values } = parseArgs({ args: rest, options: { role: { type: 'string' } } });
      if (!values.role) {
        console.error('db grant needs --role NAME (the PostgreSQL role the server connects as)');
        return 2;
      }
      const { databaseUrl, migrateUrl } = loadConfig();
      if (!databaseUrl && !migrateUrl) {
        console.error('db grant is for PostgreSQL (DATABASE_URL or DRIPLINE_MIGRATE_URL): the embedded database has a single user.');
        return 2;
      }
      return withDb(
        async (h) => {
          const { tables } = await grantServerRole(h.db, values.role as string);
          console.log(`Granted role ${values.role} the server's privileges on ${tables} tables (the audit: read and append only).`);
          return 0;
        },
        { sign: false, url: migrateUrl },
      );
    }
    case 'seed': {
      const { values } = parseArgs({
        args: argv.slice(1),
        options: { households: { type: 'string' }, seed: { type: 'string' }, 'no-households': { type: 'boolean' }, 'no-story': { type: 'boolean' } },
      });
      const households = values.households ? Number(values.households) : undefined;
      if (households !== undefined && !(Number.isInteger(households) && households > 0)) {
        console.error('--households must be a positive whole number');
        return 2;
      }
      return withDb(
        async (h) => {
          const { seedDemo } = await import('../seeds/index.ts');
          await seedDemo(h, {
            households,
            seed: values.seed ? Number(values.seed) : undefined,
            withoutHouseholds: values['no-households'],
            story: values['no-story'] ? false : undefined,
            log: (l) => console.log(l),
          });
          return 0;
        },
        { migrate: true },
      );
    }
    case 'audit':
      try {
        const code = await auditCommand(loadConfig(), sub, rest, withDb);
        if (code !== undefined) return code;
      } catch (e) {
        if (!(e instanceof AuditUsageError)) throw e;
        console.error(`${e.message}\n\n${USAGE}`);
        return 2;
      }
      break;
    case 'registry':
      try {
        return await withDb((h) => registryCommand(h, sub, rest));
      } catch (e) {
        if (!(e instanceof RegistryUsageError)) throw e;
        console.error(`${e.message}\n\n${USAGE}`);
        return 2;
      }
    case 'users':
      try {
        const code = await usersCommand(sub, rest, withDb, readStdin);
        if (code !== undefined) return code;
        break;
      } catch (e) {
        if (!(e instanceof UsersUsageError)) throw e;
        console.error(`${e.message}\n\n${USAGE}`);
        return 2;
      }
    case 'areas':
      // The QA report only reads: no audit key needed.
      if (sub === 'qa') return withDb((h) => spatialQaCommand(h, rest), { sign: false });
      if (sub !== 'load' && sub !== 'import') break;
      // A dry run writes nothing: like the QA report, it needs no audit key.
      return withDb(async (h) => (await areasCommand(h, sub, rest)) ?? 2, { sign: !(sub === 'import' && rest.includes('--dry-run')) });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
  }
  console.error(`Unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  // `dripline … | head -1`: the reader leaving is not an error (api/cli-output.ts).
  watchStdout();
  try {
    return await run(argv);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(e.message);
      return 3;
    }
    if (e instanceof AppError) {
      console.error(t('zh-CN', e.key, e.params));
      for (const f of e.fields) console.error(`  ${f.path}: ${t('zh-CN', f.key, f.params ?? {})}`);
      return 1;
    }
    console.error(`dripline: ${(e as Error).message}`);
    return 1;
  }
}
