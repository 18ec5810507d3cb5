// Header matching: Chinese column names with the aliases of docs/data-formats.md, in any order; unknown
// columns are ignored (and reported); a missing required column rejects the file, naming it.
import { cleanCell } from './normalize.ts';

export interface ColumnSpec<K extends string = string> {
  key: K;
  /** The column's name in docs/data-formats.md. */
  name: string;
  aliases?: readonly string[];
  required?: boolean;
}

export interface HeaderMap<K extends string> {
  index: Partial<Record<K, number>>;
  missing: string[];
  ignored: string[];
  duplicated: string[];
}

/** Folds what differs between exports of the same header: spaces, full/half-width brackets. */
export function headerKey(h: string): string {
  return cleanCell(h)
    .replace(/[\s\u3000]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')');
}

export function mapHeaders<K extends string>(headers: string[], specs: readonly ColumnSpec<K>[]): HeaderMap<K> {
  const lookup = new Map<string, ColumnSpec<K>>();
  for (const s of specs) for (const n of [s.name, ...(s.aliases ?? [])]) lookup.set(headerKey(n), s);
  const index: Partial<Record<K, number>> = {};
  const ignored: string[] = [];
  const duplicated: string[] = [];
  headers.forEach((h, i) => {
    const spec = lookup.get(headerKey(h));
    if (!spec) {
      if (headerKey(h)) ignored.push(cleanCell(h));
      return;
    }
    if (index[spec.key] !== undefined) duplicated.push(cleanCell(h));
    else index[spec.key] = i;
  });
  const missing = specs.filter((s) => s.required && index[s.key] === undefined).map((s) => s.name);
  return { index, missing, ignored, duplicated };
}

/** A getter over one row at a time: set `values`, then `get(key)` (no allocation per row). */
export function cellReader<K extends string>(map: HeaderMap<K>) {
  const state = {
    values: [] as string[],
    get: (key: K): string => {
      const i = map.index[key];
      return i === undefined ? '' : cleanCell(state.values[i] ?? '');
    },
  };
  return state;
}
