// UUID version 7 (RFC 9562 §5.7): a 48-bit Unix millisecond timestamp, then random bits, so ids
// made one after another sort in the order they were made. Bulk loads use them for new rows:
// inserting increasing keys touches only the right edge of a B-tree (primary keys, the members'
// household index) instead of a random page per row. Within a millisecond a 12-bit counter in
// rand_a keeps the order (method 1 of §6.2); random bytes come from a pooled buffer — one
// getRandomValues call per 4,096 ids, not one per id (uuid@11's v7 spent ~10 µs an id on it).
import { randomFillSync } from 'node:crypto';

// Each id is written as ASCII into a scratch buffer and read out as one flat string: a template of
// 20 pieces made a tree of string fragments (~1 KB of garbage an id, a first load makes 130k).
const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX_CODES[2 * i] = h.charCodeAt(0);
  HEX_CODES[2 * i + 1] = h.charCodeAt(1);
}
const POOL = Buffer.alloc(10 * 4096);
const OUT = Buffer.alloc(36);
/** Where each of the 16 bytes goes in the 36 characters (8-4-4-4-12). */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
OUT[8] = OUT[13] = OUT[18] = OUT[23] = 0x2d;
let poolAt = POOL.length;
let lastMs = 0;
let counter = 0;

function put(i: number, byte: number) {
  const at = AT[i] as number;
  OUT[at] = HEX_CODES[2 * byte] as number;
  OUT[at + 1] = HEX_CODES[2 * byte + 1] as number;
}

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
  // 48-bit timestamp, big-endian (above 2^32: no bitwise operators).
  const hi = Math.floor(ms / 2 ** 16);
  put(0, (hi >>> 24) & 0xff);
  put(1, (hi >>> 16) & 0xff);
  put(2, (hi >>> 8) & 0xff);
  put(3, hi & 0xff);
  put(4, (ms % 2 ** 16) >> 8);
  put(5, ms % 2 ** 8);
  const randA = 0x7000 | counter; // version 7
  put(6, randA >> 8);
  put(7, randA & 0xff);
  put(8, 0x80 | ((r[p + 1] as number) & 0x3f)); // variant 10
  for (let i = 9; i < 16; i++) put(i, r[p + i - 7] as number);
  return OUT.toString('latin1', 0, 36);
}
