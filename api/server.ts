// Starts the HTTP server: opens the database, migrates, serves the API and the built web app.
// The demo data (accounts with the README's published password) goes only into the embedded
// database when it is empty — a newcomer's `npm start`. A PostgreSQL database (DATABASE_URL) is
// never seeded: empty, it starts with no accounts and the setup steps are printed instead.
import os from 'node:os';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { markInterruptedImports } from './modules/registry/interrupted.ts';
import { providerFor } from './modules/sms/providers.ts';
import { runWorker } from './modules/sms/sms.ts';
import { canAlterAudit } from './db/roles.ts';
import { requireSigningKey, startAuditSigning } from './modules/audit/start.ts';
import type { Db } from './db/schema.ts';
import { verifyPassword } from './modules/auth/passwords.ts';
import { countAccountsAndAreas, enabledAccountsNamed } from './modules/auth/queries.ts';
import { ROLE_LABELS } from './shared/roles.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../seeds/demo-accounts.ts';
import { isEmpty, seedDemo } from '../seeds/index.ts';

export interface StartOptions {
  /** Embedded database only: load the demo data when it is empty (default true). */
  seedIfEmpty?: boolean;
  households?: number;
  /** Serve the built web app from web/dist (default true); `npm run dev` leaves it to Vite's dev server. */
  serveWeb?: boolean;
}

/** What the start-up message tells the operator: how many accounts and areas, and which demo logins work. */
async function setupState(db: Db) {
  const counts = await countAccountsAndAreas(db);
  const demo = await enabledAccountsNamed(
    db,
    DEMO_ACCOUNTS.map((a) => a.username),
  );
  const published = new Set<string>();
  for (const a of demo) if (await verifyPassword(a.password_hash, DEMO_PASSWORD)) published.add(a.username);
  return { ...counts, published };
}

export async function startServer(config: Config, opts: StartOptions = {}) {
  // Every write signs its audit chain's head: without the key the server does not start (docs/decisions/0017).
  const auditKey = requireSigningKey(config);
  const handle = await openDatabase(config);
  const embedded = !config.databaseUrl;
  let state: Awaited<ReturnType<typeof setupState>>;
  try {
    const { applied } = await migrateToLatest(handle.db).catch((e: Error) => {
      // The server's role (production: not the owner) cannot migrate; the owner does, beforehand.
      if (/permission denied|must be owner/.test(e.message)) {
        throw new Error(
          `${e.message}\nThe database needs migrations that only its owner can apply: run \`npx dripline migrate\` with DRIPLINE_MIGRATE_URL (the owner's connection), then start the server again.`,
        );
      }
      throw e;
    });
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
    // Registry imports left "running" by a process that died (api/modules/registry/interrupted.ts).
    const interrupted = await markInterruptedImports(handle.db, handle.bulk);
    if (interrupted.length) console.log(`Marked ${interrupted.length} interrupted registry import(s) as failed.`);
    await startAuditSigning(handle.db, auditKey, (l) => console.log(l));
    if (handle.backend === 'postgres' && (await canAlterAudit(handle.db))) {
      console.warn(
        "[audit] WARNING: the server's database role can alter the audit tables (it owns them or is a superuser). " +
          'The signed heads still reveal a rewritten audit, but in production run the server as a role of its own (README: Production roles).',
      );
    }
    if (embedded && opts.seedIfEmpty !== false && (await isEmpty(handle.db))) {
      console.log(
        'Empty embedded database: loading the demo data (黔西南州 areas, demo accounts, 晴隆县 households, projects, department datasets and case work)…',
      );
      await seedDemo(handle, { households: opts.households, log: (l) => console.log(`  ${l}`) });
    }
    state = await setupState(handle.db);
  } catch (e) {
    await handle.close();
    throw e;
  }
  const serveWeb = opts.serveWeb !== false;
  const app = createApp({ db: handle.db, bulk: handle.bulk, config, serveWeb, listen: handle.listen });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}/`;
  console.log(`\nDripline (滴灌) is running on ${handle.describe}`);
  // A tablet on the office Wi-Fi cannot open localhost: the machine's own addresses too.
  const lan = lanUrls(config.host, port);
  if (serveWeb) console.log(`  Open ${url}${lan.length ? `   (局域网 / LAN: ${lan.join('  ')})` : ''}`);
  else console.log(`  API only on ${url} (--api-only): for the web app run \`npm run dev:web\` and open the address Vite prints`);
  console.log(`  API health: ${url}api/health   OpenAPI: ${url}api/openapi.json`);
  if (state.accounts === 0) {
    console.log('\n  No accounts yet. Set the system up from a shell with the same DATABASE_URL:');
    if (state.areas === 0) {
      console.log('    npx dripline areas load --prefecture 5223      # official area codes and outlines (or --province 52)');
    }
    console.log('    npx dripline users create --username NAME --name 姓名 --role admin --area 5223');
    console.log('                                                   # prints a one-time password, changed at first login');
    console.log('  then log in here; the admin creates the other accounts on the 账号管理 page.');
  } else if (state.published.size > 0) {
    console.log(`  Demo logins (password ${DEMO_PASSWORD}):`);
    for (const a of DEMO_ACCOUNTS) {
      if (state.published.has(a.username))
        console.log(`    ${a.username.padEnd(22)} ${padWide(ROLE_LABELS[a.role]['zh-CN'], 16)} ${padWide(a.displayName, 26)} ${a.areaLabel}`);
    }
    if (!embedded) {
      console.log(
        `  WARNING: these accounts use the password published in the README. Disable them (npx dripline users disable --username …) before real use.`,
      );
    }
  }
  // The SMS worker drains the queue while the server runs (api/modules/sms/sms.ts; `dripline sms worker` runs one too).
  const smsStop = new AbortController();
  const smsProvider = providerFor(config.sms);
  const smsWorker = smsProvider
    ? runWorker(handle.db, smsProvider, config.sms, { signal: smsStop.signal, pollMs: 2000 }).catch((e: Error) => {
        console.error(`SMS worker stopped: ${e.message}`);
      })
    : undefined;
  if (smsProvider) console.log(`  SMS: provider ${smsProvider.name} (DRIPLINE_SMS_PROVIDER)`);
  const stopSms = async () => {
    smsStop.abort();
    await smsWorker;
  };
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await stopSms();
    server.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  return {
    url,
    port,
    close: async () => {
      await stopSms();
      server.close();
      await handle.close();
    },
  };
}

/** Pads to a width in terminal columns (a CJK character takes two). */
function padWide(text: string, columns: number): string {
  const width = [...text].reduce((w, ch) => w + (/[\u2e80-\uffef]/.test(ch) ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(1, columns - width));
}

/** http://<address>:<port>/ for each IPv4 address of the machine's network interfaces, when the server listens on all. */
export function lanUrls(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::' && host !== '') return [];
  const urls: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) urls.push(`http://${a.address}:${port}/`);
  }
  return urls;
}
