// The CPU half of a department import: read the file (CSV/XLSX), map its headers, and turn each
// row into a CSV line for COPY into ds_<source> — normalised, validated, with the reason when its
// ID number cannot match. The database half (import.ts) only checks the header result, streams
// the chunks into COPY and reads the counts. (A worker thread was tried: the normalising is the
// bottleneck either way, and starting one cost ~0.9 s a file.)
import { copyField, copyLine } from '../../db/bulk.ts';
import { cellReader, mapHeaders } from '../imports/headers.ts';
import { idForMatching } from '../imports/normalize.ts';
import { openTable } from '../imports/read-table.ts';
import { type CellProblem, ID_COLUMN, RowReader, SOURCES, type SourceCode } from './sources.ts';

export interface RowError extends CellProblem {
  rowNo: number;
}

/** What the rows gave, filled in while `chunks` runs. */
export interface NormaliseStats {
  rowsRead: number;
  rowsLoaded: number;
  rowsUnusable: number;
  unusableReasons: Record<string, number>;
  errors: RowError[];
  errorCount: number;
}

export interface NormalisedFile {
  format: string;
  encoding: string;
  ignored: string[];
  missing: string[];
  duplicated: string[];
  stats: NormaliseStats;
  /** COPY text for ds_<source>, one chunk per batch of rows; bad rows are counted, not sent. */
  chunks(versionId: string, countyCode: string): AsyncGenerator<string>;
}

/** Opens the file and maps its headers; the rows are read when `chunks` is iterated. */
export async function normaliseFile(filePath: string, source: SourceCode, maxErrors: number): Promise<NormalisedFile> {
  const spec = SOURCES[source];
  const table = await openTable(filePath);
  const specs = [spec.nameColumn, ID_COLUMN, ...spec.columns];
  const map = mapHeaders(table.headers, specs);
  const names = Object.fromEntries(specs.map((s) => [s.key, s.name]));
  const stats: NormaliseStats = { rowsRead: 0, rowsLoaded: 0, rowsUnusable: 0, unusableReasons: {}, errors: [], errorCount: 0 };
  async function* chunks(versionId: string, countyCode: string): AsyncGenerator<string> {
    const cells = cellReader(map);
    const reader = new RowReader(cells.get, names);
    // The leading columns need no quoting (a UUID, digits, a code word): no array per row.
    const prefix = `${versionId}\t${countyCode}\t`;
    // One chunk per batch of rows: per-row async steps cost more than the normalising.
    for await (const batch of table.batches) {
      const out: string[] = [];
      for (const row of batch) {
        stats.rowsRead++;
        cells.values = row.values;
        reader.problems = [];
        const typed = spec.toRow(reader);
        const name = reader.name('name');
        if (reader.problems.length) {
          stats.errorCount += reader.problems.length;
          for (const p of reader.problems) if (stats.errors.length < maxErrors) stats.errors.push({ rowNo: row.rowNo, ...p });
          continue;
        }
        const id = idForMatching(cells.get('id'));
        const problem = id.id === null ? id.problem : null;
        if (problem) {
          stats.rowsUnusable++;
          stats.unusableReasons[problem] = (stats.unusableReasons[problem] ?? 0) + 1;
        }
        stats.rowsLoaded++;
        out.push(`${prefix}${row.rowNo}\t${copyField(name)}\t${copyField(id.id)}\t${copyField(problem)}\t${copyLine(typed)}`);
      }
      if (out.length) yield out.join('');
    }
  }
  return { format: table.format, encoding: table.encoding, ignored: map.ignored, missing: map.missing, duplicated: map.duplicated, stats, chunks };
}
