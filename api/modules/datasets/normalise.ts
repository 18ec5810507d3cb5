// The CPU half of a department import: read the file (CSV/XLSX), map its headers, and turn each
// row into a CSV line for COPY into ds_<source> — normalised, validated, with the reason when its
// ID number cannot match. Yields plain data only (what it opened, chunks of COPY text, the counts),
// so the database half (import.ts) stays free of parsing. (A worker thread was tried: the
// normalising is the bottleneck either way, and starting one cost ~0.9 s a file.)
import { csvField, csvLine } from '../../db/bulk.ts';
import { cellReader, mapHeaders } from '../imports/headers.ts';
import { idForMatching } from '../imports/normalize.ts';
import { openTable } from '../imports/read-table.ts';
import { type CellProblem, ID_COLUMN, RowReader, SOURCES, type SourceCode } from './sources.ts';

export interface NormaliseInput {
  filePath: string;
  source: SourceCode;
  versionId: string;
  countyCode: string;
  /** Row errors kept (all are counted). */
  maxErrors: number;
}

export interface RowError extends CellProblem {
  rowNo: number;
}

export type NormaliseMessage =
  | { kind: 'opened'; format: string; encoding: string; ignored: string[]; missing: string[]; duplicated: string[] }
  | { kind: 'chunk'; text: string; rowsRead: number }
  | {
      kind: 'end';
      rowsRead: number;
      rowsLoaded: number;
      rowsUnusable: number;
      unusableReasons: Record<string, number>;
      errors: RowError[];
      errorCount: number;
    };

export async function* normaliseFile(o: NormaliseInput): AsyncGenerator<NormaliseMessage> {
  const spec = SOURCES[o.source];
  const table = await openTable(o.filePath);
  const specs = [spec.nameColumn, ID_COLUMN, ...spec.columns];
  const map = mapHeaders(table.headers, specs);
  yield { kind: 'opened', format: table.format, encoding: table.encoding, ignored: map.ignored, missing: map.missing, duplicated: map.duplicated };
  if (map.missing.length || map.duplicated.length) return;
  const names = Object.fromEntries(specs.map((s) => [s.key, s.name]));
  const cells = cellReader(map);
  const reader = new RowReader(cells.get, names);
  const prefix = `${o.versionId},${o.countyCode},`;
  const end: Extract<NormaliseMessage, { kind: 'end' }> = { kind: 'end', rowsRead: 0, rowsLoaded: 0, rowsUnusable: 0, unusableReasons: {}, errors: [], errorCount: 0 };
  // One CSV chunk per batch of rows: per-row async steps cost more than the normalising.
  for await (const batch of table.batches) {
    const out: string[] = [];
    for (const row of batch) {
      end.rowsRead++;
      cells.values = row.values;
      reader.problems = [];
      const typed = spec.toRow(reader);
      const name = reader.name('name');
      if (reader.problems.length) {
        end.errorCount += reader.problems.length;
        for (const p of reader.problems) if (end.errors.length < o.maxErrors) end.errors.push({ rowNo: row.rowNo, ...p });
        continue;
      }
      const id = idForMatching(cells.get('id'));
      const problem = id.id === null ? id.problem : null;
      if (problem) {
        end.rowsUnusable++;
        end.unusableReasons[problem] = (end.unusableReasons[problem] ?? 0) + 1;
      }
      end.rowsLoaded++;
      // The leading columns need no quoting (a UUID, digits, a code word): no array per row.
      out.push(`${prefix}${row.rowNo},${csvField(name)},${id.id ?? ''},${problem ?? ''},${csvLine(typed)}`);
    }
    yield { kind: 'chunk', text: out.join(''), rowsRead: end.rowsRead };
  }
  yield end;
}
