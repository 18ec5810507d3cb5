// UUID version 7 (RFC 9562 §5.7): a 48-bit Unix millisecond timestamp, then random bits, so ids
// made one after another sort in the order they were made. Bulk loads use them for new rows:
// inserting increasing keys touches only the right edge of a B-tree (primary keys, the members'
// household index) instead of a random page per row. Within a millisecond a 12-bit counter in
// rand_a keeps the order (method 1 of §6.2); random bytes come from a pooled buffer — one
// getRandomValues call per 4,096 ids, not one per id (uuid@11's v7 spent ~10 µs an id on it).
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL = Buffer.alloc(10 * 4096);
let poolAt = POOL.length;
let lastMs = 0;
let counter = 0;

export function uuidv7(now = Date.now()): string {
  if (poolAt >= POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const r = POOL;
  const p = poolAt;
  poolAt += 10;
  let ms = now;
  if (ms <= lastMs) {
    // Same millisecond (or the clock stepped back): count on from the last id.
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms = ++lastMs;
      counter = 0;
    }
  } else {
    counter = (r[p] as number) & 0x3ff; // a random start, leaving room to count
  }
  lastMs = ms;
  const hi = Math.floor(ms / 2 ** 16);
  const lo = ms % 2 ** 16;
  const ts = hi.toString(16).padStart(8, '0') + HEX[lo >> 8] + HEX[lo & 0xff];
  const randA = 0x7000 | counter; // version 7
  const varB = 0x80 | ((r[p + 1] as number) & 0x3f); // variant 10
  const b = (i: number) => HEX[r[p + i] as number];
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-${HEX[randA >> 8]}${HEX[randA & 0xff]}-${HEX[varB]}${b(2)}-${b(3)}${b(4)}${b(5)}${b(6)}${b(7)}${b(8)}`;
}
