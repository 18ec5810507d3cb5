// Starts the HTTP server: opens the database, migrates, seeds an empty database with demo
// data, serves the API and the built web app. Nothing else.
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../seeds/demo-accounts.ts';
import { isEmpty, seedDemo } from '../seeds/index.ts';

export interface StartOptions {
  seedIfEmpty?: boolean;
  households?: number;
}

export async function startServer(config: Config, opts: StartOptions = {}) {
  const handle = await openDatabase(config);
  try {
    const { applied } = await migrateToLatest(handle.db);
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
    if (opts.seedIfEmpty !== false && (await isEmpty(handle.db))) {
      console.log('Empty database: loading the demo data (黔西南州 areas, demo accounts, 晴隆县 households)…');
      await seedDemo(handle, { households: opts.households, log: (l) => console.log(`  ${l}`) });
    }
  } catch (e) {
    await handle.close();
    throw e;
  }
  const app = createApp({ db: handle.db, bulk: handle.bulk, config, serveWeb: true });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}/`;
  console.log(`\nDripline (滴灌) is running on ${handle.describe}`);
  console.log(`  Open ${url}`);
  console.log(`  API health: ${url}api/health   OpenAPI: ${url}api/openapi.json`);
  console.log(`  Demo logins (password ${DEMO_PASSWORD}):`);
  for (const a of DEMO_ACCOUNTS) console.log(`    ${a.username.padEnd(20)} ${a.role.padEnd(18)} ${a.areaLabel}`);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    server.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return { url, port, close: async () => { server.close(); await handle.close(); } };
}
