// Login throttling by exponential back-off (issue 13 §4), replacing a hard lock that the right
// password could not lift. Each throttled thing — the account name as typed, the client address,
// a trusted device, an account's current-password checks — gets a few free failures; after that
// every failure makes it wait twice as long (15 s, 30 s, 1 min … at most 15 min) before the next
// attempt is even checked. Attempts refused while waiting are not counted, so hammering does not
// lengthen the wait, and the right password works as soon as it is over.
// Keyed by the name as typed, not by the account, so unknown and known names answer alike.
// A browser where the account has logged in before carries a device cookie; from it, only the
// device's own back-off applies, so guesses from elsewhere (or from the same office address)
// cannot keep the owner out. Admins clear an account's back-off with "unlock".
import type { BackoffKind, DbOrTrx as Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { MessageKey } from '../../http/messages.ts';
import * as q from './queries.ts';
export type { BackoffKey } from './queries.ts';

const HOUR = 3600_000;

/** Free failures before waiting starts, and how long after the last failure the count starts again. */
export const BACKOFF_POLICY: Readonly<Record<BackoffKind, { free: number; forgetMs: number }>> = {
  account: { free: 5, forgetMs: 24 * HOUR },
  device: { free: 5, forgetMs: 24 * HOUR },
  // One address may be a whole office behind NAT: more free failures, forgotten sooner.
  address: { free: 20, forgetMs: 1 * HOUR },
  password: { free: 5, forgetMs: 24 * HOUR },
};
export const BACKOFF_FIRST_SECONDS = 15;
export const BACKOFF_MAX_SECONDS = 15 * 60;

/** Seconds to wait after the `failures`-th failure (0 while failures are free). */
export function backoffSeconds(kind: BackoffKind, failures: number): number {
  const { free } = BACKOFF_POLICY[kind];
  if (failures < free) return 0;
  return Math.min(BACKOFF_FIRST_SECONDS * 2 ** (failures - free), BACKOFF_MAX_SECONDS);
}

/** Throws 429 (`key`, with the seconds left) when any of `keys` is still waiting at `now`. */
export async function assertNotBlocked(db: Db, keys: readonly q.BackoffKey[], now: Date, key: MessageKey = 'auth.throttled') {
  const until = await q.blockedUntil(db, keys, now);
  if (!until) return;
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  throw new AppError('RATE_LIMITED', key, { seconds }, [], { retryAfterSeconds: seconds });
}

/** Counts a failure for each key and starts its wait when its free failures are used up. */
export async function recordBackoffFailure(db: Db, keys: readonly q.BackoffKey[], now: Date) {
  for (const key of keys) {
    const failures = await q.addBackoffFailure(db, key, now, new Date(now.getTime() - BACKOFF_POLICY[key.kind].forgetMs));
    const seconds = backoffSeconds(key.kind, failures);
    if (seconds > 0) await q.setBlockedUntil(db, key, new Date(now.getTime() + seconds * 1000));
  }
}

/**
 * Deletes rows nobody waits on whose failures are forgotten anyway. Called now and then after a
 * failure has been recorded (outside its transaction, so it never holds a lock a failure waits on).
 */
export async function pruneBackoff(db: Db, now: Date) {
  await q.pruneBackoff(db, new Date(now.getTime() - 24 * HOUR), now);
}

export const clearBackoff = q.clearBackoff;
