// SQL of the department dataset import: the dataset version rows (provenance of every attempt) and
// the statistics after a load. The rows themselves go in by COPY (import.ts through db/bulk.ts).
import { sql } from 'kysely';
import type { DbOrTrx } from '../../db/schema.ts';

export interface VersionFacts {
  countyCode: string;
  source: string;
  fileName: string;
  sha256: string;
  byteSize: number;
  encoding: string | null;
  format: string | null;
  importedBy: string | null;
  importedByName: string;
}

/** A new dataset version, running; returns its id. */
export async function insertVersion(trx: DbOrTrx, v: VersionFacts) {
  const r = await sql<{ id: string }>`
    insert into dataset_versions (county_code, source, file_name, sha256, byte_size, encoding, format, imported_by, imported_by_name)
    values (${v.countyCode}, ${v.source}, ${v.fileName}, ${v.sha256}, ${v.byteSize}, ${v.encoding}, ${v.format}, ${v.importedBy}, ${v.importedByName})
    returning id`.execute(trx);
  return r.rows[0]?.id as string;
}

/**
 * Fresh statistics of a just-loaded ds_<source> table, or the planner takes a million rows for an
 * empty table and the rules' joins turn into nested loops. A 7,500-row sample (statistics target
 * 25, default 100) is plenty for columns that hold a handful of codes or near-unique ID numbers,
 * and takes a fifth of the time. As the owner (migrations/0022): the server's role does not own the table.
 */
export async function analyzeSource(trx: DbOrTrx, source: string) {
  await sql`set local default_statistics_target = 25`.execute(trx);
  await sql`select dripline_analyze(${`ds_${source}`}::regclass)`.execute(trx);
}

/** The version's outcome after its rows are in. */
export async function finishVersion(
  trx: DbOrTrx,
  id: string,
  r: { rowsRead: number; rowsLoaded: number; rowsUnusable: number; unusableReasons: Record<string, number>; ignoredColumns: string[] },
) {
  await sql`
    update dataset_versions set status = 'succeeded', finished_at = now(), rows_read = ${r.rowsRead}, rows_loaded = ${r.rowsLoaded},
      rows_unusable = ${r.rowsUnusable}, unusable_reasons = ${JSON.stringify(r.unusableReasons)}, ignored_columns = ${sql.val(r.ignoredColumns)}
    where id = ${id}`.execute(trx);
}

/** Provenance of a failed attempt (nothing of its rows was kept). */
export async function insertFailedVersion(db: DbOrTrx, v: VersionFacts & { rowsRead: number; error: Record<string, unknown> }) {
  await sql`
    insert into dataset_versions (county_code, source, status, file_name, sha256, byte_size, encoding, format, rows_read, error, imported_by, imported_by_name, finished_at)
    values (${v.countyCode}, ${v.source}, 'failed', ${v.fileName}, ${v.sha256}, ${v.byteSize}, ${v.encoding}, ${v.format}, ${v.rowsRead},
      ${JSON.stringify(v.error)}, ${v.importedBy}, ${v.importedByName}, now())`.execute(db);
}
