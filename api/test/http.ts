// Drives the real app in-process (app.request, no socket) as a logged-in user: keeps the
// session cookie and sends the CSRF header, like the web client does.
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DEMO_PASSWORD } from '../../seeds/demo-accounts.ts';
import { getTestDb } from './db.ts';

export const testConfig = () => ({ ...loadConfig({}), logLevel: 'silent' as const });

let appPromise: Promise<ReturnType<typeof createApp>> | undefined;
export function testApp() {
  appPromise ??= getTestDb().then(({ db, handle }) => createApp({ db, bulk: handle.bulk, config: testConfig() }));
  return appPromise;
}

export interface AgentOptions {
  /** Client address (login throttling is per address). */
  ip?: string;
  lang?: 'zh-CN' | 'en';
}

export class Agent {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly app: ReturnType<typeof createApp>,
    readonly opts: AgentOptions = {},
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { 'accept-language': this.opts.lang ?? 'zh-CN', ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrf && method !== 'GET') h['x-csrf-token'] ??= this.csrf;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body; // multipart: the Request sets the boundary
    else if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await this.app.request(path, { method, headers: h, body: payload }, { incoming: { socket: { remoteAddress: this.opts.ip ?? '127.0.0.1' } } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (!k) continue;
      if (/max-age=0/i.test(c) || v.join('=') === '') this.cookies.delete(k.trim());
      else this.cookies.set(k.trim(), v.join('='));
    }
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
