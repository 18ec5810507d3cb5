// Drives the real app in-process (app.request, no socket) as a logged-in user: keeps the
// session cookie and sends the CSRF header, like the web client does. `agent.api` is the typed
// client (hono/client over AppType, as the web uses it): request and response types come from the
// routes' schemas, so a change of a route's schema breaks the tests that use it at typecheck.
import { type ClientResponse, hc } from 'hono/client';
import { type AppType, createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DEMO_PASSWORD } from '../../seeds/demo-accounts.ts';
import { getTestDb } from './db.ts';

/** The defaults, quiet, and without the public pages' cache (tests read their own writes back; the cache has its own test). */
export const testConfig = () => ({ ...loadConfig({}), logLevel: 'silent' as const, publicCacheSeconds: 0 });

let appPromise: Promise<ReturnType<typeof createApp>> | undefined;
export function testApp() {
  appPromise ??= getTestDb().then(({ db, handle }) => createApp({ db, bulk: handle.bulk, config: testConfig(), listen: handle.listen }));
  return appPromise;
}

export interface AgentOptions {
  /** Client address (login throttling is per address). */
  ip?: string;
  lang?: 'zh-CN' | 'en';
}

/** The typed API client: `agent.api.households[':id'].$get({ param: { id } })`. */
export type ApiClient = ReturnType<typeof hc<AppType>>;

export class Agent {
  cookies = new Map<string, string>();
  csrf = '';
  /**
   * The typed client over this agent: hono/testing's testClient is hc over app.request; this is
   * the same with the API's /api base (AppType is the router mounted there) and the agent's
   * cookies, CSRF header, language and client address on every request.
   */
  readonly api: ApiClient;
  constructor(
    readonly app: ReturnType<typeof createApp>,
    readonly opts: AgentOptions = {},
  ) {
    this.api = hc<AppType>('http://localhost/api', { fetch: (input: RequestInfo | URL, init?: RequestInit) => this.fetch(input, init) });
  }

  /** fetch over the app as this agent (what the typed client calls). */
  async fetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has('accept-language')) headers.set('accept-language', this.opts.lang ?? 'zh-CN');
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    const method = (init.method ?? 'GET').toUpperCase();
    if (this.csrf && method !== 'GET' && !headers.has('x-csrf-token')) headers.set('x-csrf-token', this.csrf);
    const url = input instanceof Request ? input.url : String(input);
    const res = await this.app.request(url, { ...init, headers }, this.env());
    this.keepCookies(res);
    return res;
  }

  private env() {
    return { incoming: { socket: { remoteAddress: this.opts.ip ?? '127.0.0.1' } } };
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (!k) continue;
      if (/max-age=0/i.test(c) || v.join('=') === '') this.cookies.delete(k.trim());
      else this.cookies.set(k.trim(), v.join('='));
    }
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { 'accept-language': this.opts.lang ?? 'zh-CN', ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    if (this.csrf && method !== 'GET') h['x-csrf-token'] ??= this.csrf;
    let payload: string | FormData | undefined;
    if (body instanceof FormData)
      payload = body; // multipart: the Request sets the boundary
    else if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await this.app.request(path, { method, headers: h, body: payload }, this.env());
    this.keepCookies(res);
    return res;
  }
  get = (path: string, headers?: Record<string, string>) => this.request('GET', path, undefined, headers);
  post = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', path, body ?? {}, headers);
  patch = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('PATCH', path, body ?? {}, headers);
  delete = (path: string, headers?: Record<string, string>) => this.request('DELETE', path, undefined, headers);

  async login(username: string, password = DEMO_PASSWORD): Promise<Response> {
    const res = await this.post('/api/auth/login', { username, password });
    if (res.ok) this.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    return res;
  }
}

export async function anonymous(opts?: AgentOptions) {
  return new Agent(await testApp(), opts);
}

/** An agent logged in as a demo (or test-created) account; throws if login fails. */
export async function loginAs(username: string, opts?: AgentOptions & { password?: string }) {
  const agent = new Agent(await testApp(), opts);
  const res = await agent.login(username, opts?.password);
  if (!res.ok) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
  return agent;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any typed client response
type AnyResponse = ClientResponse<any, number, string>;

/**
 * Asserts the response's status (naming the body when it is another) and returns its JSON, typed
 * as the route declares it for that status: `const s = await bodyOf(res, 200)`.
 */
export async function bodyOf<R extends AnyResponse, S extends R['status']>(res: R, status: S): Promise<Awaited<ReturnType<Extract<R, { status: S }>['json']>>> {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as Awaited<ReturnType<Extract<R, { status: S }>['json']>>;
}
