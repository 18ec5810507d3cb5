// The `dripline` command for operators. Subcommands call module functions, never HTTP, and use
// the same database as the server (DATABASE_URL, or the embedded one in DRIPLINE_DATA_DIR).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { openDatabase, type DbHandle } from './db/connect.ts';
import { DataDirLockedError } from './db/lock.ts';
import { migrateToLatest } from './db/migrate.ts';
import { AppError } from './errors.ts';
import { t } from './http/messages.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from './modules/audit/audit.ts';
import { createAccount } from './modules/auth/auth.ts';
import { isRole, ROLES } from './modules/auth/roles.ts';
import { REGISTRY_USAGE, RegistryUsageError, registryCommand } from './modules/registry/cli.ts';
import { CROSSCHECK_USAGE, crosscheckCommand } from './modules/crosscheck/cli.ts';

const USAGE = `dripline — Dripline (滴灌) operator commands

  dripline serve [--port N]              start the server (migrates; seeds an empty database)
  dripline migrate                       apply pending migrations
  dripline seed [--households N] [--seed S] [--no-households]
                                         load demo data (areas of 黔西南州, demo accounts, 晴隆县 households)
  dripline audit verify                  check the audit hash chains; names the first broken entry
  dripline users create --username U --name NAME --role ROLE --area CODE [--password-stdin]
                                         create an account (a password is generated and printed when not given)
${REGISTRY_USAGE}
${CROSSCHECK_USAGE}

Environment: DATABASE_URL (PostgreSQL+PostGIS) or DRIPLINE_DATA_DIR (embedded, default ./data), PORT.
Roles: ${ROLES.join(', ')}`;

async function withDb<T>(fn: (h: DbHandle) => Promise<T>): Promise<T> {
  const h = await openDatabase(loadConfig());
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function run(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (cmd === 'datasets' || cmd === 'crosscheck' || cmd === 'findings') {
    const code = await crosscheckCommand(cmd, argv.slice(1), withDb);
    if (code !== undefined) return code;
  }
  switch (cmd) {
    case 'serve': {
      const { values } = parseArgs({ args: argv.slice(1), options: { port: { type: 'string' }, households: { type: 'string' } } });
      const config = loadConfig(values.port ? { ...process.env, PORT: values.port } : process.env);
      const { startServer } = await import('./server.ts');
      await startServer(config, { households: values.households ? Number(values.households) : undefined });
      return await new Promise<number>(() => {}); // runs until a signal
    }
    case 'migrate':
      return withDb(async (h) => {
        const { applied } = await migrateToLatest(h.db);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
        return 0;
      });
    case 'seed': {
      const { values } = parseArgs({
        args: argv.slice(1),
        options: { households: { type: 'string' }, seed: { type: 'string' }, 'no-households': { type: 'boolean' } },
      });
      const households = values.households ? Number(values.households) : undefined;
      if (households !== undefined && !(Number.isInteger(households) && households > 0)) {
        console.error('--households must be a positive whole number');
        return 2;
      }
      return withDb(async (h) => {
        await migrateToLatest(h.db);
        const { seedDemo } = await import('../seeds/index.ts');
        await seedDemo(h, {
          households,
          seed: values.seed ? Number(values.seed) : undefined,
          withoutHouseholds: values['no-households'],
          log: (l) => console.log(l),
        });
        return 0;
      });
    }
    case 'audit': {
      if (sub !== 'verify') break;
      return withDb(async (h) => {
        const r = await verifyAuditChain(h.db);
        if (r.ok) {
          console.log(`Audit log OK: ${r.entries} entries in ${r.chains} chain(s), every hash verified.`);
          return 0;
        }
        console.error(`Audit log BROKEN in ${r.problems.length} chain(s) (${r.entries} entries read):`);
        for (const p of r.problems) {
          const what = {
            hash: 'its content does not match its hash (altered)',
            prev_hash: 'it does not link to the entry before it',
            sequence: 'an entry is missing before it',
            head: 'entries are missing at the end of the chain',
          }[p.reason];
          console.error(`  chain ${p.chain}: first broken entry seq ${p.seq}${p.id != null ? ` (id ${p.id})` : ''}: ${what}`);
        }
        return 1;
      });
    }
    case 'registry':
      try {
        return await withDb((h) => registryCommand(h, sub, rest));
      } catch (e) {
        if (!(e instanceof RegistryUsageError)) throw e;
        console.error(`${e.message}\n\n${USAGE}`);
        return 2;
      }
    case 'users': {
      if (sub !== 'create') break;
      const { values } = parseArgs({
        args: rest,
        options: {
          username: { type: 'string' },
          name: { type: 'string' },
          role: { type: 'string' },
          area: { type: 'string' },
          phone: { type: 'string' },
          'password-stdin': { type: 'boolean' },
        },
      });
      const missing = (['username', 'name', 'role', 'area'] as const).filter((k) => !values[k]);
      if (missing.length) {
        console.error(`Missing: ${missing.map((m) => `--${m}`).join(', ')}`);
        return 2;
      }
      if (!isRole(values.role as string)) {
        console.error(`Unknown role "${values.role}". Roles: ${ROLES.join(', ')}`);
        return 2;
      }
      const generated = !values['password-stdin'];
      const password = generated ? `${randomBytes(9).toString('base64url')}7a` : await readStdin();
      return withDb(async (h) => {
        const a = await createAccount(
          h.db,
          {
            username: values.username as string,
            displayName: values.name as string,
            role: values.role as never,
            areaCode: values.area as string,
            password,
            phone: values.phone ?? null,
            mustChangePassword: generated,
          },
          { ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'operator'}` },
          { via: 'cli' },
        );
        console.log(`Created account ${a.username} (${a.role}, area ${a.area_code}).`);
        if (generated) console.log(`Initial password (shown once; must be changed at first login): ${password}`);
        return 0;
      });
    }
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
