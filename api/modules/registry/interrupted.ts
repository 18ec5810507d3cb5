// Import jobs whose process died mid-import (kill -9, a crash, a power cut). The import itself is
// all or nothing — its transaction never committed — but its job row, written before the
// transaction so that progress can be polled, would say "running" for ever. Such jobs are marked
// failed (registry.interrupted) by the next import and at server start.
// A job is known to be alive while its process holds it: on PostgreSQL a session advisory lock on
// a connection of its own outside the pool (BulkRunner.hold; the server releases it when the
// process's connection goes away); on
// the embedded database, which one process holds at a time, the set of jobs running here.
import type { BulkRunner } from '../../db/bulk.ts';
import type { Db } from '../../db/schema.ts';
import * as q from './queries.ts';

const live = new Set<string>();
const keyText = (id: string) => `registry_import:${id}`;

/** Runs `fn` as the process of job `id`: markInterruptedImports leaves the job alone meanwhile. */
export async function asLiveJob<T>(db: Db, bulk: BulkRunner, id: string, fn: () => Promise<T>): Promise<T> {
  live.add(id);
  try {
    return bulk.hold ? await bulk.hold(keyText(id), fn) : await fn();
  } finally {
    live.delete(id);
  }
}

/** Marks queued or running jobs that no live process holds as failed; returns their ids. */
export async function markInterruptedImports(db: Db, bulk: BulkRunner): Promise<string[]> {
  const open = await q.openJobIds(db);
  const gone: string[] = [];
  for (const { id } of open) {
    if (live.has(id)) continue;
    if (bulk.hold) {
      if (!(await q.jobLockFree(db, keyText(id)))) continue;
    }
    gone.push(id);
  }
  if (gone.length) {
    await q.failJobs(db, gone, { rowNo: 0, column: '', key: 'registry.interrupted', severity: 'error' });
  }
  return gone;
}
