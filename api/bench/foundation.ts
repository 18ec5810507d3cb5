// Foundation benchmarks: embedded-DB cold start, first-request latency, /api/areas throughput.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { runLoad } from './load.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { seedDemo } from '../../seeds/index.ts';
import { DEMO_PASSWORD } from '../../seeds/demo-accounts.ts';

const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number) => `${n.toFixed(0)} ms`;

async function startup() {
  if (process.env.DATABASE_URL) {
    console.log('(embedded cold start is measured without DATABASE_URL; skipped on PostgreSQL)');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-bench-'));
  try {
    let t0 = performance.now();
    let h = await openDatabase({ databaseUrl: undefined, dataDir: dir });
    const create = ms(t0);
    t0 = performance.now();
    await migrateToLatest(h.db);
    const migrate = ms(t0);
    await h.close();
    t0 = performance.now();
    h = await openDatabase({ databaseUrl: undefined, dataDir: dir });
    const reopen = ms(t0);
    await h.close();
    console.log(`embedded cold start (create data dir + PostGIS): ${fmt(create)}`);
    console.log(`migrations from empty: ${fmt(migrate)}`);
    console.log(`reopen existing data dir: ${fmt(reopen)}   ratio reopen/cold = ${(reopen / create).toFixed(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function withServer(fn: (url: string, cookie: string) => Promise<void>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-bench-'));
  const config = { ...loadConfig(), dataDir: dir, logLevel: 'silent' as const };
  const h = await openDatabase(config);
  try {
    await migrateToLatest(h.db);
    await seedDemo(h, { households: 2000 });
    const app = createApp({ db: h.db, bulk: h.bulk, config });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'qinglong_county', password: DEMO_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    try {
      await fn(url, cookie);
    } finally {
      server.close();
    }
  } finally {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function firstRequest() {
  await withServer(async (url, cookie) => {
    let t0 = performance.now();
    await (await fetch(`${url}/api/health`)).json();
    const health = ms(t0);
    t0 = performance.now();
    await (await fetch(`${url}/api/areas`, { headers: { cookie } })).json();
    const areas = ms(t0);
    t0 = performance.now();
    await (await fetch(`${url}/api/areas`, { headers: { cookie } })).json();
    const warm = ms(t0);
    console.log(
      `first /api/health: ${health.toFixed(1)} ms; first /api/areas: ${areas.toFixed(1)} ms; second /api/areas: ${warm.toFixed(1)} ms (ratio first/second ${(areas / warm).toFixed(1)})`,
    );
  });
}

/** 50 connections for 10 s from a separate process (decision 0011). */
const cannon = (url: string, headers: Record<string, string>) =>
  runLoad({ url: new URL(url).origin, paths: [new URL(url).pathname], headers, connections: 50, seconds: 10 });

async function areasThroughput() {
  await withServer(async (url, cookie) => {
    const health = await cannon(`${url}/api/health`, {});
    const areas = await cannon(`${url}/api/areas`, { cookie });
    const show = (n: string, r: Awaited<ReturnType<typeof cannon>>) =>
      console.log(
        `${n}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors} (50 connections, 10 s)`,
      );
    show('/api/health', health);
    show('/api/areas ', areas);
    console.log(`ratio /api/areas ÷ /api/health throughput = ${(areas.rps / health.rps).toFixed(2)}`);
  });
}

export const foundationBenchmarks = { startup, 'first-request': firstRequest, areas: areasThroughput };
