// Import jobs for the upload page: an uploaded file becomes a job that runs in the background of
// this process; its progress (rows read, phase) is kept in memory while it runs and the outcome
// in registry_imports. Who may import: county offices, township officers and administrators,
// within their area. Never logs row contents.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { BulkRunner } from '../../db/bulk.ts';
import type { Database, Role } from '../../db/schema.ts';
import { AppError, Forbidden, NotFound } from '../../errors.ts';
import { type Lang, type MessageKey, t } from '../../http/messages.ts';
import type { Actor } from '../audit/audit.ts';
import type { Scope } from '../auth/scope.ts';
import { type ImportProgress, importRegistry } from './import.ts';
import * as q from './queries.ts';
import { errorReportXlsx, type ReportLine } from './report.ts';

export const IMPORT_ROLES: ReadonlySet<Role> = new Set(['county_official', 'township_officer', 'admin']);
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** Progress of the jobs running in this process. */
const running = new Map<string, ImportProgress>();
/** Settles when a job started here finishes (tests and shutdown can wait on it). */
const finished = new Map<string, Promise<void>>();

export function assertMayImport(scope: Scope) {
  if (!IMPORT_ROLES.has(scope.role) || !scope.canWrite) throw Forbidden('registry.roleCannotImport');
}

export async function startImport(
  db: Kysely<Database>,
  bulk: BulkRunner,
  scope: Scope,
  actor: Actor,
  origin: Record<string, unknown>,
  upload: { name: string; bytes: Uint8Array },
): Promise<string> {
  assertMayImport(scope);
  if (upload.bytes.byteLength > MAX_UPLOAD_BYTES) throw new AppError('INVALID', 'registry.fileTooLarge', { maxMb: MAX_UPLOAD_BYTES / 1024 / 1024 });
  const fileName = path.basename(upload.name || 'upload').slice(0, 200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-upload-'));
  const filePath = path.join(dir, 'upload');
  fs.writeFileSync(filePath, upload.bytes);
  const jobId = await q.createJob(db, { areaCode: scope.areaCode, fileName, byteSize: upload.bytes.byteLength, createdBy: actor.id, createdByName: actor.name });
  running.set(jobId, { phase: 'queued', rowsRead: 0 });
  const done = importRegistry(db, bulk, { filePath, fileName, actor, origin, scope, jobId, onProgress: (p) => running.set(jobId, p) })
    .then(
      () => {},
      (e: Error) => console.error(`[registry] import ${jobId} failed: ${e.name}${(e as { code?: string }).code ? ` (sqlstate ${(e as { code?: string }).code})` : ''}`),
    )
    .finally(() => {
      running.delete(jobId);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  finished.set(
    jobId,
    done.finally(() => finished.delete(jobId)),
  );
  return jobId;
}

/** Resolves when the job (started in this process) has finished; at once otherwise. */
export function whenFinished(jobId: string): Promise<void> {
  return finished.get(jobId) ?? Promise.resolve();
}

async function visibleJob(db: Kysely<Database>, scope: Scope, id: string) {
  assertMayImport(scope);
  const job = await q.findJob(db, id);
  if (!job) throw NotFound('registry.importNotFound', { id });
  scope.assertCovers(job.area_code, 'registry_import', id);
  return job;
}

type StoredEntry = ReportLine;

const message = (lang: Lang, e: StoredEntry) => t(lang, e.key as MessageKey, e.params ?? {});

export async function getImport(db: Kysely<Database>, scope: Scope, id: string, lang: Lang, errorsShown = 200) {
  const job = await visibleJob(db, scope, id);
  const live = running.get(id);
  const errors = (job.errors ?? []) as StoredEntry[];
  const counts = (job.counts ?? {}) as Record<string, number>;
  const fileError = job.file_error as StoredEntry | null;
  const done = job.status === 'succeeded' || job.status === 'failed';
  return {
    id: job.id,
    status: job.status,
    phase: live?.phase ?? (done ? 'done' : 'queued'),
    fileName: job.file_name,
    byteSize: Number(job.byte_size),
    format: job.format,
    encoding: job.encoding,
    rowsRead: live?.rowsRead ?? job.rows_read,
    households: counts.households ?? null,
    counts: {
      householdsCreated: counts.householdsCreated ?? 0,
      householdsUpdated: counts.householdsUpdated ?? 0,
      householdsUnchanged: counts.householdsUnchanged ?? 0,
      membersCreated: counts.membersCreated ?? 0,
      membersUpdated: counts.membersUpdated ?? 0,
      membersRemoved: counts.membersRemoved ?? 0,
    },
    seconds: counts.seconds ?? null,
    ignoredColumns: job.ignored_columns,
    fileError: fileError ? { column: fileError.column, code: fileError.key, message: message(lang, fileError) } : null,
    errorCount: job.error_count,
    warningCount: job.warning_count,
    errors: errors.slice(0, errorsShown).map((e) => ({ rowNo: e.rowNo, column: e.column, code: e.key, severity: e.severity, message: message(lang, e) })),
    errorReport: done && errors.length > 0 ? `/api/registry/imports/${job.id}/errors.xlsx` : null,
    createdBy: job.created_by_name,
    createdAt: new Date(job.created_at).toISOString(),
    startedAt: job.started_at ? new Date(job.started_at).toISOString() : null,
    finishedAt: job.finished_at ? new Date(job.finished_at).toISOString() : null,
  };
}

export async function listImports(db: Kysely<Database>, scope: Scope, limit = 20) {
  assertMayImport(scope);
  const rows = await db
    .selectFrom('registry_imports')
    .select(['id', 'status', 'file_name', 'rows_read', 'error_count', 'warning_count', 'created_by_name', 'created_at', 'finished_at'])
    .where(scope.sql('area_code'))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      status: r.status,
      fileName: r.file_name,
      rowsRead: running.get(r.id)?.rowsRead ?? r.rows_read,
      errorCount: r.error_count,
      warningCount: r.warning_count,
      createdBy: r.created_by_name,
      createdAt: new Date(r.created_at).toISOString(),
      finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    })),
  };
}

export async function importErrorReport(db: Kysely<Database>, scope: Scope, id: string, lang: Lang) {
  const job = await visibleJob(db, scope, id);
  if (job.status !== 'succeeded' && job.status !== 'failed') throw new AppError('CONFLICT', 'registry.notFinished');
  const lines = (job.errors ?? []) as StoredEntry[];
  const bytes = await errorReportXlsx(lines, { lang, errorCount: job.error_count, warningCount: job.warning_count });
  const base = job.file_name.replace(/\.[^.]+$/, '') || 'registry';
  return { bytes, fileName: `${base}-错误报告.xlsx` };
}
