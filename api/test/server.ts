// A real HTTP server on a free port over the worker's test database, serving the built web
// app — for browser tests.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../app.ts';
import { getTestDb } from './db.ts';
import { testConfig } from './http.ts';

export async function startTestServer() {
  const { db, handle } = await getTestDb();
  const app = createApp({ db, bulk: handle.bulk, config: testConfig(), serveWeb: true });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
