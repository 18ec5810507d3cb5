// Per-client rate limiting for the pages anyone may open without logging in (the village's public
// page): a token bucket per client address, kept in memory. A bucket holds up to `perMinute`
// tokens (the burst) and refills continuously at perMinute per minute; a request takes one or is
// refused with 429 RATE_LIMITED and the seconds until a token is back (Retry-After). The client
// address is the request context's (origin.ip: X-Forwarded-For's last entry only when
// DRIPLINE_TRUST_PROXY=1 — the same address login's back-off goes by), so a client cannot pick a
// new key per request by sending a header.
//
// Well kept: an idle bucket is full again after a minute and then means nothing, so buckets are
// dropped once full; the map is swept of those every `sweepEvery` requests, and never holds more
// than `maxKeys` (the least recently used go first), whatever the number of addresses seen.
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

export type Take = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Tokens per millisecond. */
  private readonly rate: number;
  private calls = 0;

  constructor(
    readonly perMinute: number,
    readonly opts: { maxKeys?: number; sweepEvery?: number } = {},
  ) {
    if (!(perMinute > 0)) throw new Error('RateLimiter needs a positive rate');
    this.rate = perMinute / 60_000;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes a token for `key` at `now` (ms), or says how long until one is back. */
  take(key: string, now: number = Date.now()): Take {
    if (++this.calls % (this.opts.sweepEvery ?? 1000) === 0) this.sweep(now);
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.perMinute, b.tokens + Math.max(0, now - b.at) * this.rate) : this.perMinute;
    // Most recently used last: Map keeps insertion order, so the first key is the least recent.
    if (b) this.buckets.delete(key);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      this.bound();
      return { ok: true, remaining: Math.floor(tokens - 1) };
    }
    this.buckets.set(key, { tokens, at: now });
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.rate / 1000)) };
  }

  /** Drops the buckets that have refilled (they hold nothing a new bucket would not). */
  sweep(now: number = Date.now()): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.rate >= this.perMinute) this.buckets.delete(key);
    }
  }

  private bound(): void {
    const max = this.opts.maxKeys ?? 100_000;
    if (this.buckets.size <= max) return;
    for (const key of this.buckets.keys()) {
      this.buckets.delete(key);
      if (this.buckets.size <= max) break;
    }
  }
}

/**
 * Middleware taking a token per request from the client address's bucket. Refused: `refuse` answers
 * (an HTML page, say), or else 429 RATE_LIMITED in the one error shape with Retry-After. A limiter of
 * undefined (rate 0 in the config) lets everything through.
 */
export function rateLimit(limiter: RateLimiter | undefined, refuse?: (c: Context<AppEnv>, retryAfterSeconds: number) => Response): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!limiter) return next();
    const r = limiter.take(c.var.origin.ip);
    if (!r.ok) {
      c.header('cache-control', 'no-store');
      if (refuse) {
        c.header('retry-after', String(r.retryAfterSeconds));
        return refuse(c, r.retryAfterSeconds);
      }
      throw new AppError('RATE_LIMITED', 'error.rateLimited', { seconds: r.retryAfterSeconds }, [], { retryAfterSeconds: r.retryAfterSeconds });
    }
    await next();
  };
}
