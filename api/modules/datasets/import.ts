// Department dataset import (contract §2): stream a CSV/XLSX file, normalise every value, COPY the
// rows into ds_<source> under a new dataset version — all or nothing. Rows whose ID number is
// unusable are kept (counted, with the reason) but never match; rows that fail validation reject
// the whole file with row/column/reason.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { BulkRunner } from '../../db/bulk.ts';
import type { Database } from '../../db/schema.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import { TableReadError } from '../imports/read-table.ts';
import { normaliseFile, type RowError } from './normalise.ts';
import { SOURCES, type SourceCode } from './sources.ts';

export type { RowError };

export interface DatasetImportResult {
  ok: boolean;
  versionId: string | null;
  source: SourceCode;
  fileName: string;
  sha256: string;
  format: string;
  encoding: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsUnusable: number;
  unusableReasons: Record<string, number>;
  ignoredColumns: string[];
  /** File-level problem (missing columns, unreadable file). */
  fileError?: { key: 'import.missingColumns' | 'import.unreadable' | 'import.empty' | 'import.duplicateColumns'; columns?: string[]; message?: string };
  errors: RowError[];
  errorCount: number;
  /** Milliseconds per step (hash, copy, analyze, total) — for operators and the benchmark. */
  timings: Record<string, number>;
}

export interface DatasetImportOptions {
  countyCode: string;
  source: SourceCode;
  filePath: string;
  fileName?: string;
  actor: Actor;
  origin?: Record<string, unknown>;
  onProgress?: (rows: number) => void;
  /** Row errors kept in the result (all are counted). */
  maxErrors?: number;
}

async function sha256File(p: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(p)) h.update(chunk as Buffer);
  return h.digest('hex');
}

class ImportRejected extends Error {}

export async function importDataset(db: Kysely<Database>, bulk: BulkRunner, o: DatasetImportOptions): Promise<DatasetImportResult> {
  const spec = SOURCES[o.source];
  const fileName = o.fileName ?? path.basename(o.filePath);
  const started = performance.now();
  const sha256 = await sha256File(o.filePath);
  const timings: Record<string, number> = { hash: Math.round(performance.now() - started) };
  const byteSize = fs.statSync(o.filePath).size;
  const result: DatasetImportResult = {
    ok: false,
    versionId: null,
    source: o.source,
    fileName,
    sha256,
    format: '',
    encoding: '',
    rowsRead: 0,
    rowsLoaded: 0,
    rowsUnusable: 0,
    unusableReasons: {},
    ignoredColumns: [],
    errors: [],
    errorCount: 0,
    timings,
  };
  const maxErrors = o.maxErrors ?? 1000;
  try {
    // The CPU half (read, normalise, build COPY text) is normalise.ts; this function is the database half.
    const file = await normaliseFile(o.filePath, o.source, maxErrors);
    result.format = file.format;
    result.encoding = file.encoding;
    result.ignoredColumns = file.ignored;
    if (file.missing.length) {
      result.fileError = { key: 'import.missingColumns', columns: file.missing };
      throw new ImportRejected();
    }
    if (file.duplicated.length) {
      result.fileError = { key: 'import.duplicateColumns', columns: file.duplicated };
      throw new ImportRejected();
    }
    await bulk(async ({ db: trx, copyFrom }) => {
      const v = await sql<{ id: string }>`
        insert into dataset_versions (county_code, source, file_name, sha256, byte_size, encoding, format, imported_by, imported_by_name)
        values (${o.countyCode}, ${o.source}, ${fileName}, ${sha256}, ${byteSize}, ${file.encoding}, ${file.format}, ${o.actor.id}, ${o.actor.name})
        returning id`.execute(trx);
      const versionId = v.rows[0]?.id as string;
      async function* reported() {
        for await (const text of file.chunks(versionId, o.countyCode)) {
          result.rowsRead = file.stats.rowsRead;
          o.onProgress?.(result.rowsRead);
          yield text;
        }
      }
      let t = performance.now();
      await copyFrom(`ds_${o.source}`, ['dataset_version_id', 'county_code', 'row_no', 'name', 'id_number', 'id_problem', ...spec.tableColumns], reported());
      Object.assign(result, file.stats);
      o.onProgress?.(result.rowsRead);
      if (result.errorCount > 0) throw new ImportRejected();
      timings.copy = Math.round(performance.now() - t);
      t = performance.now();
      // Fresh statistics, or the planner takes a just-loaded million rows for an empty table and
      // the rules' joins turn into nested loops.
      // A 7,500-row sample (statistics target 25, default 100) is plenty for columns that hold a
      // handful of codes or near-unique ID numbers, and takes a fifth of the time.
      await sql`set local default_statistics_target = 25`.execute(trx);
      await sql`analyze ${sql.table(`ds_${o.source}`)}`.execute(trx);
      timings.analyze = Math.round(performance.now() - t);
      await sql`
        update dataset_versions set status = 'succeeded', finished_at = now(), rows_read = ${result.rowsRead}, rows_loaded = ${result.rowsLoaded},
          rows_unusable = ${result.rowsUnusable}, unusable_reasons = ${JSON.stringify(result.unusableReasons)}, ignored_columns = ${sql.val(result.ignoredColumns)}
        where id = ${versionId}`.execute(trx);
      await recordAudit(trx, {
        actor: o.actor,
        action: 'dataset.import',
        entity: 'dataset_version',
        entityId: versionId,
        areaCode: o.countyCode,
        note: { source: o.source, fileName, sha256, rowsRead: result.rowsRead, rowsUnusable: result.rowsUnusable },
        origin: o.origin,
      });
      result.versionId = versionId;
    });
    result.ok = true;
    timings.total = Math.round(performance.now() - started);
    return result;
  } catch (e) {
    if (e instanceof TableReadError) result.fileError = { key: e.key === 'import.unsupported' ? 'import.unreadable' : e.key, message: e.message };
    else if (!(e instanceof ImportRejected)) throw e;
    // Provenance of the failed attempt; nothing of its rows was kept.
    await sql`
      insert into dataset_versions (county_code, source, status, file_name, sha256, byte_size, encoding, format, rows_read, error, imported_by, imported_by_name, finished_at)
      values (${o.countyCode}, ${o.source}, 'failed', ${fileName}, ${sha256}, ${byteSize}, ${result.encoding || null}, ${result.format || null}, ${result.rowsRead},
        ${JSON.stringify({ fileError: result.fileError ?? null, errorCount: result.errorCount })}, ${o.actor.id}, ${o.actor.name}, now())`.execute(db);
    return result;
  }
}
