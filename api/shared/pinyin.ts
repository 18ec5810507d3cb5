// Pinyin initials of a Chinese name, for search ("zs" finds 张三). Surnames use their surname
// reading (单 → s, 曾 → z, 区 → o) via pinyin-pro; letters and digits pass through lowercased;
// separators (·, spaces) are dropped. See docs/decisions/0006-pinyin-pro.md.
//
// Speed (registry imports of 100k rows): pinyin-pro reads a whole name in ~6–14 µs, and most
// names of a county are distinct — but their parts are not (a few hundred surnames, a few
// thousand given names). A Han name is read as surname + given name, each part cached: the
// surname (one character, or a compound surname from pinyin-pro's own list) alone in surname
// mode, the given name behind a neutral surname (王), which is how pinyin-pro reads it inside the
// whole name. pinyin.test.ts holds the two readings equal on polyphonic names.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module without exports (not importable), needed by every program compiling this file (web's too)
/// <reference path="./pinyin-pro-surnames.d.ts" />
import { pinyin } from 'pinyin-pro';
import SURNAMES from 'pinyin-pro/dist/esm/data/surname.mjs';

const initials = (text: string) =>
  pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', surname: 'head' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** The name without separators (·, spaces, dots, hyphens), NFKC-folded. */
const cleanName = (name: string) => name.normalize('NFKC').replace(/[\s·•.-]/g, '');

/** pinyin-pro on the whole (cleaned) name: the reference reading. */
export function wholeNameInitials(name: string): string {
  const clean = cleanName(name);
  return clean ? initials(clean) : '';
}

const COMPOUND_SURNAMES = new Set(Object.keys(SURNAMES).filter((s) => s.length === 2));
const HAN_ONLY = /^\p{Script=Han}{2,}$/u;
const NEUTRAL = '王';
const CACHE_LIMIT = 100_000;
const surnameCache = new Map<string, string>();
const givenCache = new Map<string, string>();

function cached(cache: Map<string, string>, key: string, read: (k: string) => string): string {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    v = read(key);
    cache.set(key, v);
  }
  return v;
}

const readSurname = (s: string) => initials(s);
// The neutral surname's one letter (w) is dropped again.
const readGiven = (g: string) => initials(NEUTRAL + g).slice(1);

export function nameInitials(name: string): string {
  const clean = cleanName(name);
  if (!clean) return '';
  // Han characters only (one code unit each in the BMP; the rare ones outside go the whole way).
  if (!HAN_ONLY.test(clean) || clean.length !== [...clean].length) return initials(clean);
  const cut = clean.length > 2 && COMPOUND_SURNAMES.has(clean.slice(0, 2)) ? 2 : 1;
  return cached(surnameCache, clean.slice(0, cut), readSurname) + cached(givenCache, clean.slice(cut), readGiven);
}

/** True when the query is initials-only (a few Latin letters), so search uses name_initials. */
export const looksLikeInitials = (q: string) => /^[a-zA-Z]{1,10}$/.test(q.trim());
