// Request limits and clean refusals (issue 13 §4): bodies are limited before they are read, uploads
// are refused for role and scope before their body is read, and every refusal has the one error
// shape in the caller's language. In-process requests carry bodies that count what the server
// pulled from them; a real HTTP server shows that the refusal does not wait for the body.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { getTestDb } from '../test/db.ts';
import { createHousehold } from '../test/factories.ts';
import { type Agent, anonymous, loginAs, testApp, testConfig } from '../test/http.ts';

const MB = 1024 * 1024;
const BAOJIA = '522324101209';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const BOUNDARY = 'dripline-test-boundary';

interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; code: string; message: string }[] };
}

/**
 * A request body that counts how much of it the server pulled. `parts` come first, then `fill`
 * bytes of 'a', then `tail`: a multipart body whose file is `fill` bytes, or a plain body.
 */
function countingBody(o: { head?: string | Uint8Array; fill: number; tail?: string; chunk?: number }) {
  const pieces: Uint8Array[] = [];
  if (o.head) pieces.push(typeof o.head === 'string' ? Buffer.from(o.head) : o.head);
  let fillLeft = o.fill;
  const chunk = o.chunk ?? 64 * 1024;
  let tailSent = false;
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(ctrl) {
        let next: Uint8Array | undefined = pieces.shift();
        if (!next && fillLeft > 0) {
          const n = Math.min(chunk, fillLeft);
          fillLeft -= n;
          next = new Uint8Array(n).fill(0x61);
        }
        if (!next && !tailSent && o.tail) {
          tailSent = true;
          next = Buffer.from(o.tail);
        }
        if (!next) return ctrl.close();
        pulled += next.byteLength;
        ctrl.enqueue(next);
      },
    },
    { highWaterMark: 0 },
  );
  const total = (o.head ? Buffer.byteLength(o.head) : 0) + o.fill + (o.tail ? Buffer.byteLength(o.tail) : 0);
  return { stream, pulled: () => pulled, total };
}

const filePart = (name: string, type = 'application/octet-stream', fields: Record<string, string> = {}) =>
  Object.entries(fields)
    .map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('') + `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`;
const closing = `\r\n--${BOUNDARY}--\r\n`;

async function send(
  agent: Agent,
  method: string,
  path: string,
  body: ReturnType<typeof countingBody>,
  o: { contentType: string; declareLength?: boolean; lang?: 'zh-CN' | 'en'; app?: Agent['app'] },
) {
  const headers: Record<string, string> = { 'content-type': o.contentType, 'accept-language': o.lang ?? 'zh-CN' };
  if (agent.cookies.size) headers.cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  if (agent.csrf) headers['x-csrf-token'] = agent.csrf;
  if (o.declareLength) headers['content-length'] = String(body.total);
  const init = { method, headers, body: body.stream, duplex: 'half' } as RequestInit;
  return (o.app ?? agent.app).request(path, init, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
}

describe('body limits (in process: how much of the body the server read)', () => {
  it('an anonymous 100 MB login body is refused from its Content-Length without reading a byte (413, localized)', async () => {
    const anon = await anonymous();
    const body = countingBody({ head: '{"username":"admin","password":"', fill: 100 * MB, tail: '"}' });
    const zh = await send(anon, 'POST', '/api/auth/login', body, { contentType: 'application/json', declareLength: true });
    expect(zh.status).toBe(413);
    expect(((await zh.json()) as ErrorBody).error).toMatchObject({ code: 'TOO_LARGE', message: '请求内容过大（上限 1 MB）' });
    expect(body.pulled()).toBe(0);
    const body2 = countingBody({ fill: 100 * MB });
    const en = await send(anon, 'POST', '/api/auth/login', body2, { contentType: 'application/json', declareLength: true, lang: 'en' });
    expect(((await en.json()) as ErrorBody).error.message).toBe('The request body is too large (limit 1 MB)');
  });

  it('a chunked JSON body is counted while it arrives and refused once it passes 1 MB', async () => {
    const anon = await anonymous();
    const body = countingBody({ head: '{"username":"admin","password":"', fill: 20 * MB, tail: '"}' });
    const res = await send(anon, 'POST', '/api/auth/login', body, { contentType: 'application/json' });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe('TOO_LARGE');
    expect(body.pulled()).toBeGreaterThan(1 * MB);
    expect(body.pulled()).toBeLessThanOrEqual(1 * MB + 128 * 1024);
  });

  it('a JSON body under the limit still works', async () => {
    const anon = await anonymous();
    const res = await anon.post('/api/auth/login', { username: 'admin', password: 'x'.repeat(200) });
    expect(res.status).toBe(401);
  });

  it('read-only accounts’ 50 MB registry uploads are refused (403) before the body is read', async () => {
    for (const username of ['qinglong_inspector', 'baojia_supervisor', 'baojia_cadre']) {
      const agent = await loginAs(username);
      const body = countingBody({ head: filePart('registry.csv', 'text/csv'), fill: 50 * MB, tail: closing });
      const res = await send(agent, 'POST', '/api/registry/imports', body, { contentType: `multipart/form-data; boundary=${BOUNDARY}` });
      expect(res.status, username).toBe(403);
      expect(((await res.json()) as ErrorBody).error.code).toBe('FORBIDDEN');
      expect(body.pulled(), username).toBe(0);
    }
  });

  it('dataset uploads: the role is refused before the body, another county as soon as its field arrives', async () => {
    const township = await loginAs('shazi_township');
    const body = countingBody({ head: filePart('civil.csv', 'text/csv', { source: 'civil_assistance' }), fill: 50 * MB, tail: closing });
    const res = await send(township, 'POST', '/api/crosscheck/datasets', body, { contentType: `multipart/form-data; boundary=${BOUNDARY}` });
    expect(res.status).toBe(403);
    expect(body.pulled()).toBe(0);

    const county = await loginAs('qinglong_county');
    const other = countingBody({
      head: filePart('civil.csv', 'text/csv', { source: 'civil_assistance', county: '522301' }),
      fill: 50 * MB,
      tail: closing,
      chunk: 256 * 1024,
    });
    const refused = await send(county, 'POST', '/api/crosscheck/datasets', other, { contentType: `multipart/form-data; boundary=${BOUNDARY}` });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('FORBIDDEN');
    // The fields came in the first piece; the file's 50 MB were never read.
    expect(other.pulled()).toBeLessThanOrEqual(1 * MB);
  });

  it('photos: a read-only or out-of-area account is refused before the body; over 10 MB is 413 whether declared or counted', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const type = `multipart/form-data; boundary=${BOUNDARY}`;
    for (const username of ['baojia_supervisor', 'sanhe_cadre', 'qinglong_inspector']) {
      const agent = await loginAs(username);
      const body = countingBody({ head: filePart('p.png', 'image/png', { kind: '住房' }), fill: 50 * MB, tail: closing });
      const res = await send(agent, 'POST', `/api/households/${h.id}/photos`, body, { contentType: type });
      expect(res.status, username).toBe(403);
      expect(body.pulled(), username).toBe(0);
    }
    const cadre = await loginAs('baojia_cadre');
    // A household that does not exist: 404 before the body; a malformed id: 400 before the body.
    for (const [id, status] of [
      ['00000000-0000-4000-8000-000000000000', 404],
      ['not-a-uuid', 400],
    ] as const) {
      const body = countingBody({ head: filePart('p.png', 'image/png'), fill: 1 * MB, tail: closing });
      const res = await send(cadre, 'POST', `/api/households/${id}/photos`, body, { contentType: type });
      expect(res.status, id).toBe(status);
      expect(body.pulled(), id).toBe(0);
    }

    const declared = countingBody({ head: filePart('p.png', 'image/png', { kind: '住房' }), fill: 50 * MB, tail: closing });
    const big = await send(cadre, 'POST', `/api/households/${h.id}/photos`, declared, { contentType: type, declareLength: true, lang: 'en' });
    expect(big.status).toBe(413);
    const bigBody = (await big.json()) as ErrorBody;
    expect(bigBody.error).toMatchObject({ code: 'TOO_LARGE', message: 'A photo cannot exceed 10 MB' });
    expect(bigBody.error.fields?.[0]).toMatchObject({ path: 'file', code: 'photo.tooLarge' });
    expect(declared.pulled()).toBe(0);

    const chunked = countingBody({ head: filePart('p.png', 'image/png', { kind: '住房' }), fill: 11 * MB, tail: closing });
    const counted = await send(cadre, 'POST', `/api/households/${h.id}/photos`, chunked, { contentType: type });
    expect(counted.status).toBe(413);
    expect(chunked.pulled()).toBeGreaterThan(10 * MB);
    expect(chunked.pulled()).toBeLessThan(11 * MB);
    // Nothing was kept.
    const card = (await (await cadre.get(`/api/households/${h.id}`)).json()) as { photos: unknown[] };
    expect(card.photos).toEqual([]);

    // A photo under the limit is stored (streamed to disk, then kept in the database).
    const form = new FormData();
    form.set('kind', '住房');
    form.set('file', new File([PNG], '新房.png', { type: 'image/png' }));
    const ok = await cadre.request('POST', `/api/households/${h.id}/photos`, form);
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ byteSize: PNG.byteLength, contentType: 'image/png' });
  });

  it('the limits are configurable (DRIPLINE_MAX_*_BYTES)', async () => {
    const { db, handle } = await getTestDb();
    const base = testConfig();
    const app = createApp({ db, bulk: handle.bulk, config: { ...base, limits: { jsonBytes: 2048, photoBytes: 4096, importBytes: 8192 } } });
    const cadre = await loginAs('baojia_cadre');
    const h = await createHousehold({ village: BAOJIA });
    const type = `multipart/form-data; boundary=${BOUNDARY}`;
    const photo = countingBody({ head: filePart('p.png', 'image/png', { kind: '住房' }), fill: 8192, tail: closing });
    const res = await send(cadre, 'POST', `/api/households/${h.id}/photos`, photo, { contentType: type, app });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.message).toBe('照片不能超过 4 KB');
    const county = await loginAs('qinglong_county');
    const reg = countingBody({ head: filePart('r.csv', 'text/csv'), fill: 20_000, tail: closing });
    const r2 = await send(county, 'POST', '/api/registry/imports', reg, { contentType: type, app });
    expect(r2.status).toBe(413);
    const json = countingBody({ head: '{"username":"', fill: 4000, tail: '"}' });
    const r3 = await send(await anonymous(), 'POST', '/api/auth/login', json, { contentType: 'application/json', app });
    expect(r3.status).toBe(413);
    expect(((await r3.json()) as ErrorBody).error.message).toBe('请求内容过大（上限 2 KB）');
  });
});

describe('the limits from the environment', () => {
  it('defaults to 1 MB JSON, 10 MB photos, 200 MB imports; takes bytes or K/M/G; refuses nonsense at start', () => {
    expect(loadConfig({}).limits).toEqual({ jsonBytes: 1 * MB, photoBytes: 10 * MB, importBytes: 200 * MB });
    const c = loadConfig({ DRIPLINE_MAX_JSON_BYTES: '512K', DRIPLINE_MAX_PHOTO_BYTES: '20M', DRIPLINE_MAX_IMPORT_BYTES: '1073741824' });
    expect(c.limits).toEqual({ jsonBytes: 512 * 1024, photoBytes: 20 * MB, importBytes: 1024 * MB });
    expect(loadConfig({ DRIPLINE_MAX_IMPORT_BYTES: '1G' }).limits.importBytes).toBe(1024 * MB);
    expect(() => loadConfig({ DRIPLINE_MAX_JSON_BYTES: 'lots' })).toThrow(/DRIPLINE_MAX_JSON_BYTES must be a size/);
    expect(() => loadConfig({ DRIPLINE_MAX_PHOTO_BYTES: '10' })).toThrow(/at least 1K/);
  });
});

describe('clean refusals: 4xx in the one error shape, never 500', () => {
  it('an unknown /api path is a 404 JSON error, in either language', async () => {
    const anon = await anonymous({ lang: 'en' });
    const res = await anon.get('/api/no-such-thing/at/all');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Not found' } });
    const county = await loginAs('qinglong_county');
    const zh = await county.post('/api/households/nothing-here/x/y', {});
    expect(zh.status).toBe(404);
    expect(((await zh.json()) as ErrorBody).error).toEqual({ code: 'NOT_FOUND', message: '找不到请求的资源' });
  });

  it('a JSON body sent as text/plain is a 415; malformed JSON a 400', async () => {
    const anon = await anonymous();
    const res = await anon.post('/api/auth/login', JSON.stringify({ username: 'admin', password: 'x' }), { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的请求内容类型，应为 application/json' });
    const bad = await anon.post('/api/auth/login', '{"username": ', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.code).toBe('INVALID');
    // An upload route takes multipart only.
    const county = await loginAs('qinglong_county');
    const up = await county.post('/api/registry/imports', { file: 'x' });
    expect(up.status).toBe(415);
    expect(((await up.json()) as ErrorBody).error.message).toBe('不支持的请求内容类型，应为 multipart/form-data');
  });

  it('OPTIONS answers 204 with Allow on an existing path; another method 405; an unknown path 404', async () => {
    const county = await loginAs('qinglong_county');
    const opt = await county.request('OPTIONS', '/api/households');
    expect(opt.status).toBe(204);
    expect(opt.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
    const optId = await county.request('OPTIONS', '/api/households/00000000-0000-4000-8000-000000000000');
    expect(optId.status).toBe(204);
    expect(optId.headers.get('allow')).toContain('PATCH');
    const anonOpt = await (await anonymous()).request('OPTIONS', '/api/health');
    expect(anonOpt.status).toBe(204);
    const del = await county.request('DELETE', '/api/health');
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toContain('GET');
    expect(((await del.json()) as ErrorBody).error).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect((await county.request('OPTIONS', '/api/not-here')).status).toBe(404);
  });

  it('a NUL character in a search, a path or a JSON field is a 400 naming the field', async () => {
    const county = await loginAs('qinglong_county', { lang: 'en' });
    const res = await county.get('/api/households?q=%E5%BC%A0%00');
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.fields).toEqual([{ path: 'q', code: 'field.nul', message: 'Must not contain a NUL character (\\0)' }]);
    expect((await county.get('/api/households/abc%00def')).status).toBe(400);
    const login = await (await anonymous()).post('/api/auth/login', { username: 'adm\u0000in', password: 'x' });
    expect(login.status).toBe(400);
    expect(((await login.json()) as ErrorBody).error.fields?.[0]).toMatchObject({ path: 'username', code: 'field.nul' });
  });
});

describe('security headers', () => {
  it('every response carries CSP (no inline script), nosniff, frame-ancestors/X-Frame-Options and Referrer-Policy', async () => {
    const app = await testApp();
    const anon = await anonymous();
    const county = await loginAs('qinglong_county');
    const responses = [
      await anon.get('/api/health'),
      await anon.get('/api/households'), // 401
      await anon.get('/api/nothing'), // 404
      await county.get('/api/households?pageSize=1'),
      await app.request('/api/openapi.json'),
    ];
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, res.url).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).not.toMatch(/unsafe-eval/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
  });
});

describe('over a real socket: refusals do not wait for the body', () => {
  let server: ReturnType<typeof serve>;
  let port = 0;
  beforeAll(async () => {
    const app = await testApp();
    server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Sends the head and the first bytes of a body that declares far more, and reads the status line. */
  function partial(head: string, firstBytes: Buffer): Promise<{ status: number; raw: string }> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      let raw = '';
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error('no answer while the body was still incomplete: the server waits for the whole body'));
      }, 30_000);
      sock.on('data', (d) => {
        raw += d.toString('latin1');
        const m = /^HTTP\/1\.1 (\d{3})/.exec(raw);
        if (m && raw.includes('\r\n\r\n')) {
          clearTimeout(timer);
          sock.destroy();
          resolve({ status: Number(m[1]), raw });
        }
      });
      sock.on('error', (e) => {
        if (!raw) reject(e);
      });
      sock.write(head);
      sock.write(firstBytes);
    });
  }

  it('an anonymous 100 MB login and a read-only account’s 50 MB upload are answered at once', async () => {
    const login = await partial(
      ['POST /api/auth/login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${100 * MB}`, '', ''].join('\r\n'),
      Buffer.from('{"username":"admin","password":"aaaaaaaa'),
    );
    expect(login.status).toBe(413);
    const inspector = await loginAs('qinglong_inspector');
    const cookie = [...inspector.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const upload = await partial(
      [
        'POST /api/registry/imports HTTP/1.1',
        'Host: 127.0.0.1',
        `Cookie: ${cookie}`,
        `X-CSRF-Token: ${inspector.csrf}`,
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
        `Content-Length: ${50 * MB}`,
        '',
        '',
      ].join('\r\n'),
      Buffer.concat([Buffer.from(filePart('registry.csv', 'text/csv')), Buffer.alloc(64 * 1024, 0x61)]),
    );
    expect(upload.status).toBe(403);
    expect(upload.raw.toLowerCase()).toContain('content-security-policy');
  });
});
