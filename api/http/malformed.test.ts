// Malformed input to every operation of /api/openapi.json: wrong content types, invalid JSON,
// oversized bodies, wrong types, out-of-range numbers, impossible dates, NUL characters, garbage
// path parameters, missing and unknown fields — anonymously and as logged-in accounts (with the
// CSRF token). The answer may be any 4xx (or a success where the input happened to be valid), never
// a 5xx. Runs on a database of its own: variants that happen to be valid really write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { freshTestDb, type TestDb } from '../test/db.ts';
import { Agent, testConfig } from '../test/http.ts';

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
};

interface Param {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  name: string;
  params: Param[];
  body?: { mediaType: string; schema: Schema; required: boolean };
}

interface Variant {
  label: string;
  path: string;
  query?: string;
  contentType?: string;
  body?: string | Uint8Array;
}

const MB = 1024 * 1024;
const VALUE_REFUSED = 'A value in the request is out of range or not valid';
const NUL = '\u0000';

let fresh: TestDb & { dispose: () => Promise<void> };
let app: ReturnType<typeof createApp>;
let doc: {
  paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
};
const agents: Record<string, Agent> = {};
/** Real identifiers, so that one garbage value at a time reaches past the others. */
const real: Record<string, string> = {};

function resolve(s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return resolve(doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')]);
  if (s.allOf?.length)
    return s.allOf
      .map(resolve)
      .reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties }, required: [...(a.required ?? []), ...(b.required ?? [])] }), {});
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return resolve(alt.find((x) => resolve(x).type !== 'null') ?? alt[0]);
  return s;
}
const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type) ?? (s.properties ? 'object' : s.enum ? 'enum' : 'any');

/** A plausible value for a schema (often valid), used where another field is being broken. */
function plausible(s0: Schema | undefined, key = ''): unknown {
  const s = resolve(s0);
  if (s.enum?.length) return s.enum[0];
  switch (typeOf(s)) {
    case 'string':
      if (s.format === 'uuid') return real.householdId;
      if (s.format === 'date' || /date/i.test(key)) return '2024-06-01';
      if (s.format === 'date-time') return '2024-06-01T08:00:00+08:00';
      if (/code|area|village|county/i.test(key)) return '522324101209';
      if (/idNumber/i.test(key)) return '522324198001010016';
      if (/phone/i.test(key)) return '15585268493';
      return 'x';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = plausible(v, k);
      return out;
    }
    default:
      return 'x';
  }
}

/** Values of the wrong type, out of range or otherwise broken, for one schema. */
function broken(s0: Schema | undefined): unknown[] {
  const s = resolve(s0);
  const common: unknown[] = [null, {}, [], 'x'.repeat(70_000), `a${NUL}b`, '\ud800', -1];
  switch (typeOf(s)) {
    case 'string':
      return [
        ...common,
        12345,
        true,
        [['nested']],
        '',
        ' ',
        '9999-99-99',
        '2024-02-30',
        '0000-01-01',
        '12345678901234567890123',
        "'; drop table households; --",
        '..%2F..%2F',
        '\u202e\u200b',
        '1e999',
      ];
    case 'integer':
    case 'number':
      return [...common, 'abc', 1.5, 1e308, -1e308, 2 ** 63, 2 ** 31, -(2 ** 31) - 1, 0, '12', true];
    case 'boolean':
      return [...common, 'yes', 0, 1];
    case 'array':
      return [...common, 'x', 1, Array.from({ length: 5000 }, () => 'x'), [null], [{}], [[[[[1]]]]]];
    case 'object':
      return [...common, 'x', 1, { [`k${NUL}`]: 1 }, { __proto__: { a: 1 } }];
    case 'enum':
      return [...common, 'not-one-of-them', 0];
    default:
      return common;
  }
}

const GARBAGE_PATH = [
  'x',
  '%00',
  '-1',
  '0',
  '99999999999999999999',
  '%E5%BC%A0%E4%B8%89',
  "'%20or%201=1--",
  'a'.repeat(2000),
  '..%2F..',
  '%ZZ',
  '00000000-0000-0000-0000-000000000000',
  '1.5',
  'null',
];
const GARBAGE_QUERY = ['', 'x', '%00', '-1', '1.5', '1e309', 'NaN', '99999999999999999999', 'a'.repeat(3000), '2024-13-45', '%ZZ', 'true', '%E5%BC%A0'];

function fillPath(op: Operation, override: Record<string, string> = {}): string {
  return `/api${op.path.replace(/\{(\w+)\}/g, (_, name: string) => override[name] ?? encodeURIComponent(realFor(op, name)))}`;
}

function realFor(op: Operation, name: string): string {
  if (name === 'memberId') return real.memberId as string;
  if (name === 'year') return '2024';
  if (name === 'countyCode') return '522324';
  if (name === 'code') return op.path.startsWith('/areas') ? '522324' : '522324101209';
  if (op.path.startsWith('/households')) return real.householdId as string;
  if (op.path.startsWith('/work-teams')) return real.workTeamId ?? '00000000-0000-4000-8000-000000000000';
  return '00000000-0000-4000-8000-000000000000';
}

function variants(op: Operation): Variant[] {
  const base = fillPath(op);
  const out: Variant[] = [{ label: 'as documented, without a body', path: base }];
  for (const p of op.params) {
    if (p.in === 'path') {
      for (const g of GARBAGE_PATH) out.push({ label: `path ${p.name}=${g.slice(0, 30)}`, path: fillPath(op, { [p.name]: g }) });
    } else if (p.in === 'query') {
      for (const g of GARBAGE_QUERY) out.push({ label: `query ${p.name}=${g.slice(0, 30)}`, path: base, query: `${p.name}=${g}` });
      out.push({ label: `query ${p.name} twice`, path: base, query: `${p.name}=1&${p.name}=2` });
      out.push({ label: `query ${p.name}[]`, path: base, query: `${p.name}[a]=1` });
    }
  }
  out.push({ label: 'unknown query parameter', path: base, query: 'zzz=1&__proto__=x&constructor=y' });
  // Bodies, whether or not the operation takes one.
  const json = 'application/json';
  for (const [label, body] of [
    ['invalid JSON', '{"a": '],
    ['JSON null', 'null'],
    ['JSON array', '[]'],
    ['JSON string', '"x"'],
    ['JSON number', '1e999'],
    ['empty JSON body', ''],
    ['NUL in JSON', JSON.stringify({ a: NUL })],
    ['deep JSON', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['__proto__ JSON', '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}'],
  ] as const) {
    out.push({ label, path: base, contentType: json, body });
  }
  out.push({ label: 'JSON as text/plain', path: base, contentType: 'text/plain', body: '{"a":1}' });
  out.push({ label: 'urlencoded', path: base, contentType: 'application/x-www-form-urlencoded', body: 'a=1&b=%00' });
  out.push({ label: 'no content type', path: base, body: '{"a":1}' });
  out.push({ label: 'garbage content type', path: base, contentType: '\u00e9/;;;=', body: 'x' });
  out.push({ label: 'multipart without boundary', path: base, contentType: 'multipart/form-data', body: 'x' });
  out.push({
    label: 'truncated multipart',
    path: base,
    contentType: 'multipart/form-data; boundary=b',
    body: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
  });
  out.push({ label: 'oversized JSON (2 MB)', path: base, contentType: json, body: JSON.stringify({ a: 'x'.repeat(2 * MB) }) });
  if (op.body?.mediaType === json) {
    const schema = resolve(op.body.schema);
    const good = plausible(schema) as Record<string, unknown>;
    out.push({ label: 'plausible body', path: base, contentType: json, body: JSON.stringify(good) });
    out.push({ label: 'missing every field', path: base, contentType: json, body: '{}' });
    out.push({ label: 'unknown field', path: base, contentType: json, body: JSON.stringify({ ...good, zzz: 1 }) });
    for (const [k, v] of Object.entries(schema.properties ?? {})) {
      for (const b of broken(v)) {
        out.push({ label: `body ${k}=${JSON.stringify(b)?.slice(0, 40)}`, path: base, contentType: json, body: JSON.stringify({ ...good, [k]: b }) });
      }
      const item = resolve(resolve(v).items);
      if (typeOf(resolve(v)) === 'array' && item.properties) {
        const goodItem = plausible(item) as Record<string, unknown>;
        for (const [ik, iv] of Object.entries(item.properties)) {
          for (const b of broken(iv).slice(0, 8)) {
            out.push({
              label: `body ${k}[0].${ik}=${JSON.stringify(b)?.slice(0, 30)}`,
              path: base,
              contentType: json,
              body: JSON.stringify({ ...good, [k]: [{ ...goodItem, [ik]: b }] }),
            });
          }
        }
      }
    }
  }
  if (op.body?.mediaType === 'multipart/form-data') {
    const schema = resolve(op.body.schema);
    const fields = Object.entries(schema.properties ?? {}).filter(([k]) => k !== 'file');
    const part = (name: string, value: string) => `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const filePart = (name: string, content: string | Uint8Array) =>
      Buffer.concat([
        Buffer.from(`--b\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        Buffer.from(content),
        Buffer.from('\r\n'),
      ]);
    const goodFields = fields.map(([k, v]) => part(k, String(plausible(v, k)))).join('');
    const type = 'multipart/form-data; boundary=b';
    const mp = (...pieces: (string | Uint8Array)[]) => Buffer.concat([...pieces.map((p) => Buffer.from(p)), Buffer.from('--b--\r\n')]);
    out.push({ label: 'multipart: no file', path: base, contentType: type, body: mp(goodFields) });
    out.push({ label: 'multipart: file as a text field', path: base, contentType: type, body: mp(goodFields, part('file', 'abc')) });
    out.push({ label: 'multipart: two files', path: base, contentType: type, body: mp(goodFields, filePart('a.csv', 'a'), filePart('b.csv', 'b')) });
    out.push({ label: 'multipart: empty file', path: base, contentType: type, body: mp(goodFields, filePart('a.csv', '')) });
    out.push({
      label: 'multipart: garbage file',
      path: base,
      contentType: type,
      body: mp(
        goodFields,
        filePart(
          'a.xlsx',
          new Uint8Array(4096).map((_, i) => (i * 7919) % 256),
        ),
      ),
    });
    out.push({ label: 'multipart: NUL file name', path: base, contentType: type, body: mp(goodFields, filePart(`a${NUL}.csv`, 'a,b\n1,2\n')) });
    out.push({ label: 'multipart: NUL field', path: base, contentType: type, body: mp(part(fields[0]?.[0] ?? 'kind', `x${NUL}`), filePart('a.csv', 'a')) });
    out.push({ label: 'multipart: bad part header', path: base, contentType: type, body: '--b\r\nContent-Disposition\r\n\r\nx\r\n--b--\r\n' });
    out.push({ label: 'multipart: 30 fields', path: base, contentType: type, body: mp(Array.from({ length: 30 }, (_, i) => part(`f${i}`, 'x')).join('')) });
    for (const [k, v] of fields) {
      for (const b of ['', 'x', '-1', '1e999', 'a'.repeat(20_000), '2024-02-30', 'not-a-uuid']) {
        out.push({
          label: `multipart ${k}=${b.slice(0, 20)}`,
          path: base,
          contentType: type,
          body: mp(
            fields
              .filter(([f]) => f !== k)
              .map(([f, s]) => part(f, String(plausible(s, f))))
              .join(''),
            part(k, b),
            filePart('a.csv', 'a'),
          ),
        });
      }
      void v;
    }
  }
  return out;
}

async function sweep(agent: Agent, op: Operation, list: Variant[]): Promise<string[]> {
  const failures: string[] = [];
  for (const v of list) {
    const headers: Record<string, string> = { 'accept-language': 'en' };
    if (agent.cookies.size) headers.cookie = [...agent.cookies].map(([k, val]) => `${k}=${val}`).join('; ');
    if (agent.csrf) headers['x-csrf-token'] = agent.csrf;
    if (v.contentType) headers['content-type'] = v.contentType;
    // GET and HEAD cannot carry a body in fetch; their variants are the path and query ones.
    const body = (op.method === 'GET' ? undefined : v.body) as BodyInit | undefined;
    if (op.method === 'GET' && v.body !== undefined) continue;
    const url = `${v.path}${v.query ? `?${v.query}` : ''}`;
    let status: number;
    let text: string;
    try {
      const res = await app.request(url, { method: op.method, headers, body }, { incoming: { socket: { remoteAddress: agent.opts.ip ?? '127.0.0.1' } } });
      status = res.status;
      text = await res.text();
    } catch (e) {
      failures.push(`${op.name} [${v.label}]: threw ${(e as Error).name}: ${(e as Error).message}`);
      continue;
    }
    if (status >= 500) failures.push(`${op.name} [${v.label}]: ${status} ${text.slice(0, 200)}`);
    // The database's safety net (a value it refused, answered 400) means the schema let it through.
    else if (text.includes(VALUE_REFUSED)) failures.push(`${op.name} [${v.label}]: reached the database (schema gap): ${text.slice(0, 120)}`);
    else if (status >= 400 && !/^\{"error":\{"code":"[A-Z_]+","message":"/.test(text))
      failures.push(`${op.name} [${v.label}]: ${status} not the error shape: ${text.slice(0, 120)}`);
  }
  return failures;
}

const ops: Operation[] = [];

beforeAll(async () => {
  fresh = await freshTestDb('sweep');
  app = createApp({ db: fresh.db, bulk: fresh.handle.bulk, config: testConfig() });
  doc = (await (await app.request('/api/openapi.json')).json()) as typeof doc;
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, o] of Object.entries(methods)) {
      const content = o.requestBody?.content ?? {};
      const mediaType = Object.keys(content)[0];
      ops.push({
        method: method.toUpperCase(),
        path: p,
        name: `${method.toUpperCase()} /api${p}`,
        params: o.parameters ?? [],
        body: mediaType ? { mediaType, schema: content[mediaType]?.schema ?? {}, required: o.requestBody?.required ?? false } : undefined,
      });
    }
  }
  const h = await fresh.db
    .selectFrom('households')
    .innerJoin('members', 'members.household_id', 'households.id')
    .select(['households.id as hid', 'members.id as mid'])
    .where('households.village_code', 'like', '522324%')
    .where('households.deleted_at', 'is', null)
    .limit(1)
    .executeTakeFirstOrThrow();
  real.householdId = h.hid;
  real.memberId = h.mid;
  // Each account logs in from an address of its own (login throttling is per address).
  let n = 0;
  for (const username of ['qinglong_county', 'admin', 'baojia_cadre']) {
    const a = new Agent(app, { ip: `10.13.4.${++n}`, lang: 'en' });
    const res = await a.login(username);
    if (!res.ok) throw new Error(`login as ${username}: ${res.status}`);
    agents[username] = a;
  }
  agents.anonymous = new Agent(app, { ip: '10.13.4.99', lang: 'en' });
}, 180_000);

afterAll(async () => {
  await fresh?.dispose();
});

describe('malformed input to every OpenAPI operation', () => {
  it('exercises every operation of the document (at least 60) with at least 15 variants each', () => {
    expect(ops.length).toBeGreaterThanOrEqual(60);
    for (const op of ops) expect(variants(op).length, op.name).toBeGreaterThanOrEqual(15);
  });

  it('never answers 5xx, as any account or anonymously', { timeout: 1_500_000 }, async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const op of ops) {
      // Logging out is one of the operations: it would end the session the rest depends on.
      const who = op.path === '/auth/logout' ? ['anonymous'] : ['qinglong_county', 'admin', 'baojia_cadre', 'anonymous'];
      const list = variants(op);
      for (const username of who) {
        const agent = agents[username] as Agent;
        // The county official gets every variant; the others the path, query and body-shape ones.
        const mine = username === 'qinglong_county' ? list : list.filter((v) => !v.label.startsWith('body ') && !v.label.startsWith('multipart '));
        failures.push(...(await sweep(agent, op, mine)));
        sent += mine.length;
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(5000);
    // The sessions were live all along: the sweep was not refused wholesale at the door.
    for (const username of ['qinglong_county', 'admin', 'baojia_cadre']) {
      expect((await (agents[username] as Agent).get('/api/auth/me')).status, username).toBe(200);
    }
  });
});
