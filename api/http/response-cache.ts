// A small in-process cache of whole responses, for pages that are the same for every visitor and
// already say so (`Cache-Control: public, max-age=…`): the village's public page and its JSON.
// Only 200 responses to GET are kept, by path and query, for `seconds` on the request's clock
// (c.var.clock, so tests can let an entry expire); at most `maxEntries`, the oldest dropped first.
// A write does not invalidate an entry: the page may be as old as its max-age promises, no older.
// Served copies say `X-Cache: hit`.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';

interface Entry {
  expires: number;
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

const KEPT_HEADERS = ['content-type', 'cache-control'];

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  constructor(
    readonly seconds: number,
    readonly maxEntries = 5_000,
  ) {}

  get(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.expires <= now) this.entries.delete(key);
    return e && e.expires > now ? e : undefined;
  }

  set(key: string, e: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, e);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Serves GETs from the cache while fresh; keeps 200 responses. No cache (seconds 0): passes through. */
export function cacheResponses(cache: ResponseCache | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!cache || cache.seconds <= 0 || c.req.method !== 'GET') return next();
    const url = new URL(c.req.url);
    const key = `${url.pathname}?${url.searchParams.toString()}`;
    const now = c.var.clock().getTime();
    const hit = cache.get(key, now);
    if (hit) {
      const headers = new Headers(hit.headers);
      headers.set('x-cache', 'hit');
      c.res = new Response(hit.body, { status: hit.status, headers });
      return;
    }
    await next();
    if (c.res.status !== 200) return;
    const body = await c.res.clone().arrayBuffer();
    const headers = KEPT_HEADERS.flatMap((h): [string, string][] => {
      const v = c.res.headers.get(h);
      return v === null ? [] : [[h, v]];
    });
    cache.set(key, { expires: now + cache.seconds * 1000, status: 200, headers, body });
  };
}
