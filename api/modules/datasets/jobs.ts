// Department dataset uploads as jobs: the file is streamed to a temporary path (api/http/upload.ts), imported in the
// background of this process (api/modules/datasets/import.ts), and polled for progress. The
// dataset version (dataset_versions) is the durable record; the in-memory job only carries the
// live progress and the result for an hour after it finishes. (One server process owns a job;
// behind a load balancer, poll with session affinity — see docs/SCALING.md.)
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../context.ts';
import type { BulkRunner } from '../../db/bulk.ts';
import { NotFound } from '../../errors.ts';
import { type DatasetImportResult, importDataset } from './import.ts';
import type { SourceCode } from './sources.ts';

export interface DatasetJob {
  id: string;
  countyCode: string;
  source: SourceCode;
  fileName: string;
  status: 'running' | 'succeeded' | 'failed';
  rowsRead: number;
  byteSize: number;
  startedAt: string;
  finishedAt: string | null;
  result: DatasetImportResult | null;
  /** Set when the import crashed (not a rejected file: that is a result with ok = false). */
  crashed: boolean;
}

const jobs = new Map<string, DatasetJob>();
const done = new Map<string, Promise<void>>();
const KEEP_MS = 60 * 60 * 1000;

export function startDatasetJob(
  ctx: Ctx,
  bulk: BulkRunner,
  o: {
    countyCode: string;
    source: SourceCode;
    fileName: string;
    /** The uploaded file on disk (api/http/upload.ts); the job removes `dir` when it ends. */
    filePath: string;
    dir: string;
  },
): DatasetJob {
  const { dir, filePath } = o;
  const job: DatasetJob = {
    id: randomUUID(),
    countyCode: o.countyCode,
    source: o.source,
    fileName: path.basename(o.fileName).slice(0, 200),
    status: 'running',
    rowsRead: 0,
    byteSize: fs.statSync(filePath).size,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    result: null,
    crashed: false,
  };
  jobs.set(job.id, job);
  const p = importDataset(ctx, bulk, {
    countyCode: o.countyCode,
    source: o.source,
    filePath,
    fileName: job.fileName,
    onProgress: (n) => {
      job.rowsRead = n;
    },
  })
    .then(
      (r) => {
        job.result = r;
        job.rowsRead = r.rowsRead;
        job.status = r.ok ? 'succeeded' : 'failed';
      },
      (e: Error) => {
        job.status = 'failed';
        job.crashed = true;
        console.error(`[datasets] import ${job.id} crashed: ${e.name}${(e as { code?: string }).code ? ` (sqlstate ${(e as { code?: string }).code})` : ''}`);
      },
    )
    .finally(() => {
      job.finishedAt = new Date().toISOString();
      fs.rmSync(dir, { recursive: true, force: true });
      setTimeout(() => jobs.delete(job.id), KEEP_MS).unref();
      done.delete(job.id);
    });
  done.set(job.id, p);
  return job;
}

export function getDatasetJob(id: string): DatasetJob {
  const job = jobs.get(id);
  if (!job) throw NotFound('dataset.jobNotFound', { id });
  return job;
}

/** Resolves when the job has finished (tests, shutdown). */
export const datasetJobFinished = (id: string) => done.get(id) ?? Promise.resolve();
