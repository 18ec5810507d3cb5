// A real HTTP server on a free port over the worker's test database, serving the built web
// app — for browser tests.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../app.ts';
import type { Config } from '../config.ts';
import { getTestDb } from './db.ts';
import { testConfig } from './http.ts';

/**
 * The server's clock is the wall clock moved by `advance` (the domain's ctx.now only: sessions and
 * HTTP keep real time), so a browser test can let a notice period run out.
 */
export async function startTestServer(overrides: Partial<Config> = {}) {
  const { db, handle } = await getTestDb();
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const app = createApp({ db, bulk: handle.bulk, config: { ...testConfig(), ...overrides }, serveWeb: true, clock, listen: handle.listen });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Moves the server's clock forward by so many days. */
    advanceDays: (days: number) => {
      offsetMs += days * 86_400_000;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
