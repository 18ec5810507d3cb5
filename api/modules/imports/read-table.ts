// Reads an uploaded table — CSV (UTF-8 with or without BOM, or GBK/GB18030, detected) or XLSX
// (first sheet) — as a stream of rows of strings. Never holds the rows in memory; only the first
// 64 KB of a CSV are looked at to detect the encoding. Shared by every importer.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';

export type TableFormat = 'csv' | 'xlsx';
export type TableEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'xlsx';

export interface TableRow {
  /** The row number a user sees in Excel or an editor: the header is row 1. */
  rowNo: number;
  values: string[];
}

export interface OpenedTable {
  format: TableFormat;
  encoding: TableEncoding;
  headers: string[];
  /** The data rows one at a time (use either rows or batches, not both). */
  rows: AsyncIterable<TableRow>;
  /** The same rows in batches (cheaper per row for large files). */
  batches: AsyncIterable<TableRow[]>;
}

export class TableReadError extends Error {
  constructor(
    readonly key: 'import.unreadable' | 'import.empty' | 'import.unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'TableReadError';
  }
}

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function headOf(path: string, bytes = 65536): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** BOM → UTF-8; valid UTF-8 → UTF-8; otherwise GB18030 (a superset of GBK). */
export function detectEncoding(head: Buffer): 'utf-8' | 'utf-8-bom' | 'gb18030' {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  // The 64 KB cut can split a multi-byte character: drop up to 3 trailing bytes before judging.
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return 'utf-8';
    } catch {
      // try a shorter prefix
    }
  }
  return 'gb18030';
}

/** Turns an Excel cell value into the text a user sees. Dates become YYYY-MM-DD. */
export function excelCellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return excelCellText(v.result);
    if ('error' in v) return '';
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a cell object of a kind not known above: its own text, as ever
  return String(v);
}

async function* csvRows(path: string, encoding: 'utf-8' | 'utf-8-bom' | 'gb18030'): AsyncGenerator<string[][]> {
  // UTF-8 is decoded by the stream itself (skipping the 3-byte BOM); GB18030 by iconv-lite.
  const text =
    encoding === 'gb18030'
      ? fs.createReadStream(path).pipe(iconv.decodeStream('gb18030'))
      : fs.createReadStream(path, { encoding: 'utf8', start: encoding === 'utf-8-bom' ? 3 : 0 });
  // Papa Parse: RFC 4180 quoting, lenient about stray quotes and ragged rows (the importers report
  // those per cell), and several times faster than csv-parse on county-scale files (decision 0010).
  const parser = text.pipe(Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: false }));
  yield* drain<string[]>(parser);
}

/** Rows of a per-row source in batches of `size`. */
async function* batched<T>(rows: AsyncIterable<T>, size = 1000): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const r of rows) {
    batch.push(r);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * Batches of rows of an object-mode stream, taken from 'data' events. (Async iteration of Papa's
 * stream costs ~20 µs a row; 'data' events cost ~1 µs.) Pauses the stream while a batch is full.
 */
async function* drain<T>(stream: NodeJS.ReadableStream): AsyncGenerator<T[]> {
  let batch: T[] = [];
  let done = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  stream.on('data', (row: T) => {
    batch.push(row);
    if (batch.length >= 8192) {
      stream.pause();
      notify();
    }
  });
  stream.on('end', () => {
    done = true;
    notify();
  });
  stream.on('error', (e: Error) => {
    failure = e;
    done = true;
    notify();
  });
  for (;;) {
    if (!batch.length && !done) await new Promise<void>((r) => (wake = r));
    if (failure) throw failure;
    const rows = batch;
    batch = [];
    if (!done) stream.resume();
    if (rows.length) yield rows;
    if (done && !batch.length) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- an Error set by the 'error' listener during the yield (TypeScript narrowed it to never above)
      if (failure) throw failure;
      return;
    }
  }
}

async function* xlsxRows(path: string): AsyncGenerator<string[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' });
  for await (const sheet of reader) {
    let expected = 1;
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      // Keep row numbers true to the sheet: blank rows that the reader skips are yielded empty.
      while (expected < row.number) {
        yield [];
        expected++;
      }
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map(excelCellText);
      yield values;
      expected = row.number + 1;
    }
    return; // first sheet only
  }
}

/**
 * ExcelJS's streaming reader decodes each compressed chunk of the XML on its own, so a Chinese
 * character split across two chunks comes out as U+FFFD (exceljs issues #2063, #2084, #2316; fix
 * proposed in PR #1665, unreleased in 4.4.0). We hand its SAX parser text decoded across chunk
 * boundaries instead: shared strings through the entry's own decoder, worksheets through ours.
 */
function fixStreamingUtf8() {
  // The reader's private parsing steps, which its types do not declare.
  type Proto = ExcelJS.stream.xlsx.WorkbookReader & {
    _parseSharedStrings: (this: unknown, entry: NodeJS.ReadableStream) => AsyncGenerator<unknown>;
    _parseWorksheet: (this: unknown, iterator: AsyncIterable<unknown>, sheetNo: string) => AsyncGenerator<unknown>;
    __driplineUtf8Fix?: boolean;
  };
  const proto = ExcelJS.stream.xlsx.WorkbookReader.prototype as Proto;
  if (proto.__driplineUtf8Fix) return;
  proto.__driplineUtf8Fix = true;
  const sharedStrings = proto._parseSharedStrings;
  proto._parseSharedStrings = function (entry) {
    entry.setEncoding('utf8');
    return sharedStrings.call(this, entry);
  };
  const worksheet = proto._parseWorksheet;
  proto._parseWorksheet = function (iterator, sheetNo) {
    return worksheet.call(this, decodeUtf8(iterator), sheetNo);
  };
}
async function* decodeUtf8(chunks: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const c of chunks) {
    const s = typeof c === 'string' ? c : decoder.write(c as Buffer);
    if (s) yield s;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}
fixStreamingUtf8();

const NOT_SPACE = /[^\s\u3000]/;
const isBlank = (values: string[]) => !values.some((v) => NOT_SPACE.test(v));

/** Opens a CSV or XLSX file: its format, encoding, header row and a stream of the data rows (blank rows skipped). */
export async function openTable(path: string): Promise<OpenedTable> {
  const head = headOf(path);
  if (head.length === 0) throw new TableReadError('import.empty', 'The file is empty');
  const format: TableFormat = head.subarray(0, 4).equals(XLSX_MAGIC) ? 'xlsx' : 'csv';
  const encoding: TableEncoding = format === 'xlsx' ? 'xlsx' : detectEncoding(head);
  const source = format === 'xlsx' ? batched(xlsxRows(path)) : csvRows(path, encoding as 'utf-8' | 'utf-8-bom' | 'gb18030');
  let rowNo = 0;
  let headers: string[] | undefined;
  // Rows of the batch that held the header, after it.
  let rest: string[][] = [];
  try {
    outer: for (;;) {
      const next = await source.next();
      if (next.done) break;
      for (let k = 0; k < next.value.length; k++) {
        const values = next.value[k] as string[];
        rowNo++;
        if (!isBlank(values)) {
          headers = values;
          rest = next.value.slice(k + 1);
          break outer;
        }
      }
    }
  } catch (e) {
    throw new TableReadError('import.unreadable', `Cannot read the file as ${format.toUpperCase()}: ${(e as Error).message}`);
  }
  if (!headers) throw new TableReadError('import.empty', 'The file has no header row');
  let n = rowNo;
  const take = (values: string[][]): TableRow[] => {
    const out: TableRow[] = [];
    for (const v of values) {
      n++;
      if (!isBlank(v)) out.push({ rowNo: n, values: v });
    }
    return out;
  };
  async function* batches(): AsyncGenerator<TableRow[]> {
    try {
      const first = take(rest);
      if (first.length) yield first;
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        const rows = take(next.value);
        if (rows.length) yield rows;
      }
    } catch (e) {
      throw new TableReadError('import.unreadable', `Cannot read row ${n + 1}: ${(e as Error).message}`);
    }
  }
  const shared = batches();
  async function* rows(): AsyncGenerator<TableRow> {
    for await (const b of shared) yield* b;
  }
  return { format, encoding, headers, rows: rows(), batches: shared };
}

/** For tests and small uploads held in memory. */
export function bufferToStream(buf: Buffer): Readable {
  return Readable.from([buf]);
}
