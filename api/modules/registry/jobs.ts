// Import jobs for the upload page: an uploaded file becomes a job that runs in the background of
// this process; its progress (rows read, phase) is kept in memory while it runs and the outcome
// in registry_imports. Who may import: the roles with permission registry.import
// (api/shared/permissions.ts), within their area. Never logs row contents.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../context.ts';
import type { BulkRunner } from '../../db/bulk.ts';
import { AppError, Forbidden, NotFound } from '../../errors.ts';
import { type Lang, t } from '../../http/messages.ts';
import type { Scope } from '../auth/scope.ts';
import { can } from '../../shared/permissions.ts';
import { type ImportProgress, importRegistry } from './import.ts';
import { asLiveJob } from './interrupted.ts';
import * as q from './queries.ts';
import { errorReportXlsx, type ReportLine } from './report.ts';

/** Progress of the jobs running in this process. */
const running = new Map<string, ImportProgress>();
/** Settles when a job started here finishes (tests and shutdown can wait on it). */
const finished = new Map<string, Promise<void>>();

/** Permission registry.import (the routes check it first: api/http/permission.ts). */
export function assertMayImport(scope: Scope) {
  if (!can(scope.role, 'registry.import') || !scope.canWrite) throw Forbidden('registry.roleCannotImport');
}

export async function startImport(
  ctx: Ctx,
  bulk: BulkRunner,
  /** The uploaded file on disk (api/http/upload.ts); the job removes `dir` when it ends. */
  upload: { name: string; filePath: string; dir: string },
): Promise<string> {
  const { db, scope, actor } = ctx;
  assertMayImport(scope);
  const fileName = path.basename(upload.name || 'upload').slice(0, 200);
  const { dir, filePath } = upload;
  const byteSize = fs.statSync(filePath).size;
  // The job is held by this process from before its row exists (interrupted.ts) to its end.
  const jobId = randomUUID();
  let created!: () => void;
  let notCreated!: (e: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    created = resolve;
    notCreated = reject;
  });
  const done = asLiveJob(db, bulk, jobId, async () => {
    try {
      await q.createJob(db, { id: jobId, areaCode: scope.areaCode, fileName, byteSize, createdBy: actor.id, createdByName: actor.name });
    } catch (e) {
      notCreated(e);
      throw e;
    }
    running.set(jobId, { phase: 'queued', rowsRead: 0 });
    created();
    return importRegistry(ctx, bulk, { filePath, fileName, jobId, onProgress: (p) => running.set(jobId, p) });
  })
    .then(
      () => {},
      (e: Error) =>
        console.error(`[registry] import ${jobId} failed: ${e.name}${(e as { code?: string }).code ? ` (sqlstate ${(e as { code?: string }).code})` : ''}`),
    )
    .finally(() => {
      running.delete(jobId);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  finished.set(
    jobId,
    done.finally(() => finished.delete(jobId)),
  );
  await ready;
  return jobId;
}

/** Resolves when the job (started in this process) has finished; at once otherwise. */
export function whenFinished(jobId: string): Promise<void> {
  return finished.get(jobId) ?? Promise.resolve();
}

async function visibleJob({ db, scope }: Ctx, id: string) {
  assertMayImport(scope);
  const job = await q.findJob(db, id);
  if (!job) throw NotFound('registry.importNotFound', { id });
  scope.assertCovers(job.area_code, 'registry_import', id);
  return job;
}

type StoredEntry = ReportLine;

const message = (lang: Lang, e: StoredEntry) => t(lang, e.key, e.params ?? {});

export async function getImport(ctx: Ctx, id: string, lang: Lang, errorsShown = 200) {
  const job = await visibleJob(ctx, id);
  const live = running.get(id);
  const errors = (job.errors ?? []) as StoredEntry[];
  const counts = job.counts ?? {};
  const fileError = job.file_error as StoredEntry | null;
  const done = job.status === 'succeeded' || job.status === 'failed';
  return {
    id: job.id,
    status: job.status,
    // The row is marked finished (in the import's transaction) before the in-memory progress is
    // cleared: a finished row wins, so no reader sees `succeeded` while still `reading`.
    phase: done ? 'done' : (live?.phase ?? 'queued'),
    fileName: job.file_name,
    byteSize: Number(job.byte_size),
    format: job.format,
    encoding: job.encoding,
    rowsRead: done ? job.rows_read : (live?.rowsRead ?? job.rows_read),
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

export async function listImports({ db, scope }: Ctx, limit = 20) {
  assertMayImport(scope);
  const rows = await q.listJobs(db, scope, limit);
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

export async function importErrorReport(ctx: Ctx, id: string, lang: Lang) {
  const job = await visibleJob(ctx, id);
  if (job.status !== 'succeeded' && job.status !== 'failed') throw new AppError('CONFLICT', 'registry.notFinished');
  const lines = (job.errors ?? []) as StoredEntry[];
  const bytes = await errorReportXlsx(lines, { lang, errorCount: job.error_count, warningCount: job.warning_count });
  const base = job.file_name.replace(/\.[^.]+$/, '') || 'registry';
  return { bytes, fileName: `${base}-错误报告.xlsx` };
}
