// Starting on an empty database, as an operator would (`dripline serve` as a real child process):
// PostgreSQL (DATABASE_URL) gets no demo data and prints the setup steps, which then work —
// `areas load`, `users create` for the first admin, whose one-time password must be changed
// first; the embedded database of a newcomer's `npm start` gets the demo data as before.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../seeds/demo-accounts.ts';
import { openDatabase } from './db/connect.ts';
import { DEFAULT_PORT } from './config.ts';
import { lanUrls } from './server.ts';
import { cloneTemplate, dripline } from './test/cli.ts';
import { adminQuery, adminUrl, ROOT, testAuditKeyFile, TMP, withDatabase } from './test/template.ts';
import viteConfig from '../vite.config.ts';

const BIN = path.join(ROOT, 'api/bin/dripline.js');

interface Running {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `dripline serve` on a free port and waits for it to say where it listens. */
async function serve(env: Record<string, string>, args: string[] = []): Promise<Running> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DRIPLINE_LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' };
  delete childEnv.DATABASE_URL;
  delete childEnv.DRIPLINE_DATA_DIR;
  Object.assign(childEnv, env);
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', ...args], { env: childEnv, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /(?:Open|API only on) (http:\/\/localhost:\d+\/)/.exec(out);
      // The lines after "Open" are printed in the same tick; wait for the end of the message.
      if (m && /API health/.test(out)) {
        clearInterval(timer);
        setTimeout(() => resolve(m[1] as string), 200);
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`dripline serve exited (${code}):\n${out}`));
    });
  });
  return {
    url,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A client keeping the session cookie and CSRF token, over real HTTP. */
function client(base: string) {
  let cookie = '';
  let csrf = '';
  return async (method: string, p: string, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'accept-language': 'zh-CN' };
    if (cookie) headers.cookie = cookie;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const res = await fetch(new URL(p, base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    if (set.length) cookie = set.join('; ');
    const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (json && typeof json.csrfToken === 'string') csrf = json.csrfToken;
    return { status: res.status, json };
  };
}

/** An empty database of the backend under test (nothing migrated). */
async function emptyDatabase(label: string): Promise<{ env: Record<string, string>; open: () => ReturnType<typeof openDatabase>; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `${adminUrl(url).base}_w${label}_${process.pid}`;
    await adminQuery(url, `drop database if exists "${name}" with (force)`);
    await adminQuery(url, `create database "${name}"`);
    const dbUrl = withDatabase(url, name);
    const owner = process.env.DRIPLINE_MIGRATE_URL;
    if (owner) {
      // The production role split: the owner migrates (and grants the server role), as an operator
      // does before the first start; the server's role could not create the schema.
      const migrated = await dripline(['migrate'], { DATABASE_URL: dbUrl, DRIPLINE_MIGRATE_URL: withDatabase(owner, name) }, 500_000);
      if (migrated.code !== 0) throw new Error(`migrate as the owner failed: ${migrated.stderr}`);
    }
    return {
      env: { DATABASE_URL: dbUrl },
      open: () => openDatabase({ databaseUrl: dbUrl, dataDir: '' }, { poolSize: 1 }),
      drop: async () => void (await adminQuery(url, `drop database if exists "${name}" with (force)`)),
    };
  }
  const dir = path.join(TMP, `w-${label}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    env: { DRIPLINE_DATA_DIR: dir },
    open: () => openDatabase({ databaseUrl: undefined, dataDir: dir }),
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

type Counted = 'accounts' | 'households' | 'areas' | 'findings' | 'procedures' | 'visits' | 'dataset_versions';

/** Rows per table in the target database. */
async function countRows<T extends Counted>(target: Awaited<ReturnType<typeof emptyDatabase>>, tables: readonly T[]): Promise<Record<T, number>> {
  const h = await target.open();
  try {
    const out = {} as Record<T, number>;
    for (const t of tables) {
      out[t] = Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(h.db)).rows[0]?.n);
    }
    return out;
  } finally {
    await h.close();
  }
}

const counts = (target: Awaited<ReturnType<typeof emptyDatabase>>) => countRows(target, ['accounts', 'households', 'areas'] as const);

describe('starting on an empty database', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it.runIf(process.env.DATABASE_URL)(
    'PostgreSQL: no demo data; the printed setup steps (areas of a whole province, the first admin) give an admin who must change the one-time password',
    async () => {
      const target = await emptyDatabase('prodstart');
      cleanups.push(target.drop);
      const first = await serve(target.env);
      cleanups.push(first.stop);
      const out = first.output();
      expect(out).toMatch(/No accounts yet/);
      expect(out).toMatch(/npx dripline areas load --prefecture 5223/);
      expect(out).toMatch(/npx dripline users create --username NAME --name 姓名 --role admin --area 5223/);
      expect(out).not.toMatch(/Dripline2026|Demo logins|demo data/);
      const anon = client(first.url);
      expect((await anon('GET', '/api/health')).status).toBe(200);
      expect((await anon('POST', '/api/auth/login', { username: 'admin', password: 'Dripline2026' })).status).toBe(401);
      await first.stop();
      expect(await counts(target)).toEqual({ accounts: 0, households: 0, areas: 0 });

      // A whole province: every prefecture of 贵州 in one transaction.
      const areas = await dripline(['areas', 'load', '--province', '52'], target.env, 800_000);
      expect(areas.stderr).toBe('');
      expect(areas.stdout).toMatch(/Areas loaded: 5201 贵阳市, 5202 六盘水市, .* 5227 黔南布依族苗族自治州 — 88 counties, 1510 townships, 17964 villages/);
      expect(await counts(target)).toEqual({ accounts: 0, households: 0, areas: 1 + 9 + 88 + 1510 + 17964 });

      const created = await dripline(
        ['users', 'create', '--username', 'first_admin', '--name', '系统管理员', '--role', 'admin', '--area', '52'],
        target.env,
        500_000,
      );
      expect(created.code).toBe(0);
      const otp = /Initial password \(shown once; must be changed at first login\): (\S+)/.exec(created.stdout)?.[1] ?? '';
      expect(otp).not.toBe('');

      const second = await serve(target.env);
      cleanups.push(second.stop);
      expect(second.output()).not.toMatch(/No accounts yet|Demo logins/);
      const admin = client(second.url);
      const login = await admin('POST', '/api/auth/login', { username: 'first_admin', password: otp });
      expect(login.status).toBe(200);
      expect((login.json?.account as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
      const held = await admin('GET', '/api/accounts');
      expect(held.status).toBe(403);
      expect((held.json?.error as { code: string }).code).toBe('PASSWORD_CHANGE_REQUIRED');
      expect((await admin('POST', '/api/auth/password', { currentPassword: otp, newPassword: 'RealAdmin2026' })).status).toBe(200);
      const list = await admin('GET', '/api/accounts');
      expect(list.status).toBe(200);
      expect((list.json?.items as { username: string }[]).map((a) => a.username)).toEqual(['first_admin']);
      await second.stop();
    },
    1_500_000,
  );

  it.runIf(process.env.DATABASE_URL)(
    'PostgreSQL with the demo seed run by hand: the demo logins are shown with a warning',
    async () => {
      const target = await emptyDatabase('demopg');
      cleanups.push(target.drop);
      const seeded = await dripline(['seed', '--no-households'], target.env, 500_000);
      expect(seeded.code).toBe(0);
      const running = await serve(target.env);
      cleanups.push(running.stop);
      expect(running.output()).toMatch(/Demo logins \(password Dripline2026\)/);
      expect(running.output()).toMatch(/WARNING: these accounts use the password published in the README/);
      await running.stop();
    },
    900_000,
  );

  it.skipIf(process.env.DATABASE_URL)(
    'embedded: `npm start` on an empty data directory loads the demo data and prints the demo logins',
    async () => {
      const target = await emptyDatabase('embstart');
      cleanups.push(target.drop);
      const running = await serve(target.env, ['--households', '20']);
      cleanups.push(running.stop);
      expect(running.output()).toMatch(/Empty embedded database: loading the demo data/);
      expect(running.output()).toMatch(/Demo logins \(password Dripline2026\)/);
      expect(running.output()).not.toMatch(/WARNING|No accounts yet/);
      // Roles in Chinese, with the person's name and post.
      expect(running.output()).toMatch(/qinglong_county\s+县扶贫办\s+晴隆县扶贫办 王主任\s+晴隆县/);
      expect(running.output()).toMatch(/baojia_cadre\s+村干部\/驻村队员\s+保家村 罗书记/);
      const c = client(running.url);
      expect((await c('POST', '/api/auth/login', { username: 'qinglong_county', password: 'Dripline2026' })).status).toBe(200);
      await running.stop();
      // The registry's 20 households, and the candidates the case work registers.
      expect(await counts(target)).toMatchObject({ accounts: DEMO_ACCOUNTS.length });
      expect((await counts(target)).households).toBeGreaterThanOrEqual(20);
      // The story (seeds/index.ts): the departments' files, the cross-check, case work.
      const story = await countRows(target, ['dataset_versions', 'findings', 'procedures', 'visits'] as const);
      expect(story.dataset_versions).toBe(10);
      for (const [k, v] of Object.entries(story)) expect(v, k).toBeGreaterThan(0);
      // Every demo account's area has households to work on (三合社区 had none once).
      const h = await target.open();
      try {
        for (const a of DEMO_ACCOUNTS) {
          const r = await sql<{ n: number }>`select count(*)::int as n from households where village_code like ${`${a.areaCode}%`}`.execute(h.db);
          expect(Number(r.rows[0]?.n), a.username).toBeGreaterThan(0);
        }
      } finally {
        await h.close();
      }
    },
    900_000,
  );

  it.skipIf(process.env.DATABASE_URL)(
    'embedded: `areas load` on a new data directory loads the areas without accounts or households',
    async () => {
      const target = await emptyDatabase('embareas');
      cleanups.push(target.drop);
      const areas = await dripline(['areas', 'load'], target.env, 500_000);
      expect(areas.stderr).toBe('');
      expect(areas.stdout).toMatch(/Areas loaded: 5223 黔西南布依族苗族自治州 — 8 counties, 140 townships, 1294 villages/);
      expect(await counts(target)).toEqual({ accounts: 0, households: 0, areas: 1 + 1 + 8 + 140 + 1294 });
    },
    900_000,
  );
});

describe('the development loop (README: Development)', () => {
  it('`npm run dev` starts the API alone with the options it passes, and `npm run dev:web` proxies /api to it', async () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const dev = (scripts.dev ?? '').split(/\s+/);
    const bin = dev.indexOf('api/bin/dripline.js');
    expect(bin).toBeGreaterThan(-1);
    expect(fs.existsSync(path.join(ROOT, 'node_modules/.bin', dev[0] as string))).toBe(true);
    const [cmd, ...args] = dev.slice(bin + 1);
    expect(cmd).toBe('serve');

    const target = await cloneTemplate('devloop');
    try {
      const running = await serve({ ...target.env, DRIPLINE_AUDIT_KEY_FILE: testAuditKeyFile() }, args);
      try {
        expect(running.output()).toMatch(/API only on http:\/\/localhost:\d+\/ \(--api-only\): for the web app run `npm run dev:web`/);
        expect((await fetch(new URL('/api/health', running.url))).status).toBe(200);
        // The web app is Vite's: the API server does not serve a (possibly stale) build.
        expect((await fetch(running.url)).status).toBe(404);
      } finally {
        await running.stop();
      }
    } finally {
      await target.drop();
    }

    expect(scripts['dev:web']).toBe('vite --config vite.config.ts');
    const proxy = viteConfig.server?.proxy?.['/api'];
    expect(typeof proxy === 'object' && proxy.target).toBe(`http://localhost:${process.env.PORT || DEFAULT_PORT}`);
  }, 300_000);
});

describe('the start banner', () => {
  it('prints the LAN addresses when listening on every interface, and none when bound to one address', () => {
    const ipv4 = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    expect(lanUrls('0.0.0.0', 8080)).toEqual(ipv4.map((a) => `http://${a}:8080/`));
    for (const u of lanUrls('0.0.0.0', 8080)) expect(u).not.toMatch(/127\.0\.0\.1|localhost/);
    expect(lanUrls('127.0.0.1', 8080)).toEqual([]);
  });
});
