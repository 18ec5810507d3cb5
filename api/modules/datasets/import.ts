// Department dataset import (docs/data-formats.md §2): stream a CSV/XLSX file, normalise every value, COPY the
// rows into ds_<source> under a new dataset version — all or nothing. Rows whose ID number is
// unusable are kept (counted, with the reason) but never match; rows that fail validation reject
// the whole file with row/column/reason.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../context.ts';
import type { BulkRunner } from '../../db/bulk.ts';
import { recordAudit } from '../audit/audit.ts';
import { TableReadError } from '../imports/read-table.ts';
import { normaliseFile, type RowError } from './normalise.ts';
import * as q from './queries.ts';
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

/** Imports one department file as `ctx.actor` through `bulk` (its own session: all or nothing). */
export async function importDataset(ctx: Ctx, bulk: BulkRunner, o: DatasetImportOptions): Promise<DatasetImportResult> {
  const { db, actor } = ctx;
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
    const facts = { countyCode: o.countyCode, source: o.source, fileName, sha256, byteSize, importedBy: actor.id, importedByName: actor.name };
    await bulk(async ({ db: trx, copyFrom }) => {
      const versionId = await q.insertVersion(trx, { ...facts, encoding: file.encoding, format: file.format });
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
      // Fresh statistics, or the planner takes a just-loaded million rows for an empty table.
      await q.analyzeSource(trx, o.source);
      timings.analyze = Math.round(performance.now() - t);
      await q.finishVersion(trx, versionId, result);
      await recordAudit(trx, {
        actor,
        action: 'dataset.import',
        entity: 'dataset_version',
        entityId: versionId,
        areaCode: o.countyCode,
        note: { source: o.source, fileName, sha256, rowsRead: result.rowsRead, rowsUnusable: result.rowsUnusable },
        origin: ctx.origin,
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
    await q.insertFailedVersion(db, {
      countyCode: o.countyCode,
      source: o.source,
      fileName,
      sha256,
      byteSize,
      encoding: result.encoding || null,
      format: result.format || null,
      rowsRead: result.rowsRead,
      error: { fileError: result.fileError ?? null, errorCount: result.errorCount },
      importedBy: actor.id,
      importedByName: actor.name,
    });
    return result;
  }
}
