// Clean refusals before any work is done: request bodies are limited before they are read, NUL
// characters are refused (PostgreSQL text cannot hold them), and a path the API does not have
// answers 404 — or 405 / 204 for OPTIONS when the path exists under another method. Every refusal
// is an AppError, so it has the one error shape in the caller's language.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { BodyLimits } from '../config.ts';
import { AppError, Invalid } from '../errors.ts';
import type { AppEnv } from './context.ts';

/** "1 MB", "512 KB", "200 MB": sizes in refusals. */
export function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}

export const tooLarge = (limit: number) => new AppError('TOO_LARGE', 'error.bodyTooLarge', { limit: formatSize(limit) });

const isMultipart = (c: Context) => /^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '');

export function declaredLength(c: Context): number | undefined {
  if (c.req.header('transfer-encoding')) return undefined;
  const raw = c.req.header('content-length');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Every /api request body: at most `limits.jsonBytes` (a declared Content-Length is refused at
 * once; a chunked body is counted while it arrives and refused when it passes the limit).
 * multipart/form-data is only read by the upload routes, which stream it to disk under their own
 * limit (api/http/upload.ts); here it is refused at once only when it declares more than the
 * largest upload limit.
 */
export function bodyLimits(limits: BodyLimits): MiddlewareHandler<AppEnv> {
  const json = bodyLimit({
    maxSize: limits.jsonBytes,
    onError: () => {
      throw tooLarge(limits.jsonBytes);
    },
  });
  const largestUpload = Math.max(limits.photoBytes, limits.importBytes);
  return async (c, next) => {
    if (isMultipart(c)) {
      const n = declaredLength(c);
      if (n !== undefined && n > largestUpload + UPLOAD_OVERHEAD) throw tooLarge(largestUpload);
      return next();
    }
    return json(c, next);
  };
}

/** Room for a multipart body's boundaries, part headers and small fields beside the file. */
export const UPLOAD_OVERHEAD = 64 * 1024;

export const hasNul = (s: string) => s.includes('\u0000');

/**
 * The path of the first string (or key) holding a NUL character inside a parsed JSON value.
 * Walked with a stack of its own: a body nested thousands deep must not exhaust the call stack.
 */
function nulPath(root: unknown): string | undefined {
  const stack: [unknown, string[]][] = [[root, []]];
  while (stack.length) {
    const [v, at] = stack.pop() as [unknown, string[]];
    if (typeof v === 'string') {
      if (hasNul(v)) return at.join('.') || '(body)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], at.length < 32 ? [...at, String(i)] : at]);
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i] as [string, unknown];
        if (hasNul(k)) return [...at, k.replaceAll('\u0000', '\\0')].join('.');
        stack.push([x, at.length < 32 ? [...at, k] : at]);
      }
    }
  }
  return undefined;
}

export const nulRefused = (path: string) => Invalid([{ path, key: 'field.nul' }]);
const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;

/**
 * Refuses a NUL character in the path, a query value or a JSON body (escaped as \u0000): text
 * columns cannot store it and the driver's error would surface as a 500. A JSON body parsed here
 * is handed on to the route's validator, so it is read once.
 */
export const refuseNul: MiddlewareHandler<AppEnv> = async (c, next) => {
  const url = new URL(c.req.url);
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  if (hasNul(path)) throw nulRefused('(path)');
  for (const [k, v] of url.searchParams) {
    if (hasNul(k) || hasNul(v)) throw nulRefused(k.replaceAll('\u0000', '\\0'));
  }
  if (c.req.raw.body && JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    const text = await c.req.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The route's validator names it malformed (error.malformedJson).
      return next();
    }
    const p = nulPath(parsed);
    if (p !== undefined) throw nulRefused(p);
    // The validator parses the text again from Hono's body cache (c.req.json reads cached text).
  }
  return next();
};

interface RouteShape {
  pattern: RegExp;
  methods: Set<string>;
}

/** Hono's route list (path patterns with :params) as matchers, for 404/405/OPTIONS. */
export function routeTable(routes: readonly { method: string; path: string }[]): RouteShape[] {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue; // middleware and fallbacks
    const set = byPath.get(r.path) ?? new Set<string>();
    set.add(r.method.toUpperCase());
    if (r.method.toUpperCase() === 'GET') set.add('HEAD');
    byPath.set(r.path, set);
  }
  return [...byPath].map(([p, methods]) => ({
    pattern: new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+(\\\{[^}]*\\\})?/g, '[^/]+')}/?$`),
    methods,
  }));
}

/**
 * The /api fallback, reached when no route took the request: OPTIONS on an existing path → 204
 * with Allow; another method on an existing path → 405 with Allow; anything else → 404.
 */
export function apiFallback(table: () => RouteShape[]) {
  return (c: Context<AppEnv>) => {
    const methods = new Set<string>();
    for (const r of table()) if (r.pattern.test(c.req.path)) for (const m of r.methods) methods.add(m);
    if (methods.size === 0) throw new AppError('NOT_FOUND', 'error.notFound');
    const allow = [...methods, 'OPTIONS'].join(', ');
    c.header('allow', allow);
    if (c.req.method === 'OPTIONS') return c.body(null, 204);
    throw new AppError('METHOD_NOT_ALLOWED', 'error.methodNotAllowed', { method: c.req.method, allow });
  };
}
