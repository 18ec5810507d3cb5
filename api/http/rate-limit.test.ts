// The token bucket of the public pages' rate limit, on its own clock: the burst, the refill, the
// wait it names, and that the map of buckets stays bounded whatever the number of addresses.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then one request per 60/perMinute seconds, naming the wait', () => {
    const l = new RateLimiter(60);
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(l.take('a', t0).ok, `request ${i + 1}`).toBe(true);
    expect(l.take('a', t0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    // Refused attempts do not dig a deeper hole: a second later one token is back.
    for (let i = 0; i < 10; i++) expect(l.take('a', t0 + 500).ok).toBe(false);
    expect(l.take('a', t0 + 1000).ok).toBe(true);
    expect(l.take('a', t0 + 1000).ok).toBe(false);
    // Another key has its own bucket.
    expect(l.take('b', t0).ok).toBe(true);
    // After a minute idle the bucket is full again (and no fuller).
    let n = 0;
    while (l.take('a', t0 + 600_000).ok) n++;
    expect(n).toBe(60);
  });

  it('names a longer wait for a slower rate', () => {
    const l = new RateLimiter(2);
    expect(l.take('a', 0).ok && l.take('a', 0).ok).toBe(true);
    expect(l.take('a', 0)).toEqual({ ok: false, retryAfterSeconds: 30 });
    expect(l.take('a', 29_000).ok).toBe(false);
    expect(l.take('a', 30_000).ok).toBe(true);
  });

  it('drops refilled buckets on its sweeps and never holds more than maxKeys', () => {
    const l = new RateLimiter(60, { maxKeys: 100, sweepEvery: 50 });
    for (let i = 0; i < 1000; i++) l.take(`10.0.${i >> 8}.${i & 255}`, 0);
    expect(l.size).toBe(100);
    // The most recent survive; an old key comes back with a full bucket.
    l.take('busy', 0);
    for (let i = 0; i < 59; i++) l.take('busy', 0);
    expect(l.take('busy', 0).ok).toBe(false);
    // A minute later every bucket has refilled: the next sweep drops them all but the one in use.
    for (let i = 0; i < 50; i++) l.take('late', 120_000);
    expect(l.size).toBeLessThanOrEqual(2);
    expect(() => new RateLimiter(0)).toThrow();
  });
});
