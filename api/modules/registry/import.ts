// Registry import (贫困人口明细, contract §1): a CSV (UTF-8/GBK, BOM or not) or XLSX file → the
// household cards of its villages, all or nothing. Two phases:
//   1. read: stream the file, normalise and validate every row, check what spans rows (one 户主,
//      consistent household fields, duplicates) and write the typed rows to a scratch file. No
//      database connection is held, so progress can be polled (PGlite has only one connection).
//   2. merge: in one transaction (the bulk session) COPY the rows into a staging table, run the
//      checks that need the database (villages, scope, a person already in another household),
//      then merge set-based — update in place by (户编号, 证件号码), insert what is new, remove
//      members no longer listed — and write one audit entry per changed card (before/after).
// Any error rejects the whole file: nothing is kept but the job record and its error report.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Kysely } from 'kysely';
import type { BulkRunner } from '../../db/bulk.ts';
import { csvLine } from '../../db/bulk.ts';
import type { Database } from '../../db/schema.ts';
import { type Actor, type AuditInput, recordAudit, recordAuditMany } from '../audit/audit.ts';
import type { Scope } from '../auth/scope.ts';
import { cellReader, mapHeaders } from '../imports/headers.ts';
import { openTable, TableReadError } from '../imports/read-table.ts';
import * as q from './queries.ts';
import { cachedInitials, type ColumnKey, COLUMN_NAME, FileChecker, parseRow, REGISTRY_COLUMNS, type ReportEntry, type StagedRow } from './rows.ts';

export type ImportPhase = 'queued' | 'reading' | 'merging' | 'done';

export interface ImportProgress {
  phase: ImportPhase;
  rowsRead: number;
}

export interface RegistryImportResult {
  ok: boolean;
  jobId: string;
  fileName: string;
  sha256: string;
  format: string | null;
  encoding: string | null;
  rowsRead: number;
  /** Households and member rows in the file (when it was readable). */
  households: number;
  counts: q.MergeCounts;
  ignoredColumns: string[];
  /** A problem with the file as a whole (also the first entry of `errors`). */
  fileError: ReportEntry | null;
  /** Errors and warnings by row (the first `maxErrors`); errorCount/warningCount count all. */
  errors: ReportEntry[];
  errorCount: number;
  warningCount: number;
  seconds: number;
  /** Milliseconds per step (for benchmarks and tuning). */
  timings: Record<string, number>;
}

export interface RegistryImportOptions {
  filePath: string;
  /** The name shown in the job and the audit (defaults to the file's base name). */
  fileName?: string;
  actor: Actor;
  origin?: Record<string, unknown>;
  /** The importing account's scope; rows outside it are errors. Omitted: operator (CLI, seed) — everything. */
  scope?: Scope;
  /** A job row created beforehand (HTTP upload); otherwise one is created. */
  jobId?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Entries kept in the result and the job (default 10,000). */
  maxErrors?: number;
}

const ZERO: q.MergeCounts = { householdsCreated: 0, householdsUpdated: 0, householdsUnchanged: 0, membersCreated: 0, membersUpdated: 0, membersRemoved: 0 };

class Rejected extends Error {}

async function sha256File(p: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(p)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** One staging line: the order of q.STAGE_COLUMNS. Line breaks inside values would split COPY lines. */
function stageLine(r: StagedRow, headInitials: string): string {
  const t = (v: string | null) => (v === null ? null : v.replace(/[\r\n]+/g, ' ').replace(/\u0000/g, ''));
  return csvLine([
    r.rowNo,
    r.householdNo,
    r.countyCode,
    r.villageCode,
    t(r.groupName),
    t(r.headName),
    headInitials,
    r.householdType,
    r.status,
    r.monitoringCategory,
    r.mainCause,
    r.exitYear,
    r.income,
    r.lon,
    r.lat,
    t(r.name),
    r.nameInitials,
    r.idNumber,
    r.sex,
    r.birthDate,
    r.relation,
    r.ethnicity,
    r.education,
    r.schooling,
    r.health,
    r.laborSkill,
    r.workStatus,
    r.workMonths,
    r.medical,
    r.pension,
    r.phone,
    r.personStatus,
  ]);
}

export async function importRegistry(db: Kysely<Database>, bulk: BulkRunner, o: RegistryImportOptions): Promise<RegistryImportResult> {
  const t0 = performance.now();
  const maxErrors = o.maxErrors ?? 10_000;
  const fileName = o.fileName ?? path.basename(o.filePath);
  const byteSize = fs.statSync(o.filePath).size;
  const jobId =
    o.jobId ??
    (await q.createJob(db, { areaCode: o.scope?.areaCode ?? '', fileName, byteSize, createdBy: o.actor.id, createdByName: o.actor.name }));
  const result: RegistryImportResult = {
    ok: false,
    jobId,
    fileName,
    sha256: await sha256File(o.filePath),
    format: null,
    encoding: null,
    rowsRead: 0,
    households: 0,
    counts: { ...ZERO },
    ignoredColumns: [],
    fileError: null,
    errors: [],
    errorCount: 0,
    warningCount: 0,
    seconds: 0,
    timings: {},
  };
  let mark = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    result.timings[step] = Math.round(now - mark);
    mark = now;
  };
  await q.updateJob(db, jobId, { status: 'running', started_at: new Date(), sha256: result.sha256 });
  const report = (e: ReportEntry) => {
    if (e.severity === 'error') result.errorCount++;
    else result.warningCount++;
    if (result.errors.length < maxErrors) result.errors.push(e);
  };
  const fileError = (key: ReportEntry['key'], params?: Record<string, string | number>, rowNo = 1) => {
    const e: ReportEntry = { rowNo, column: '', key, ...(params ? { params } : {}), severity: 'error' };
    result.fileError = e;
    report(e);
    return new Rejected();
  };
  const progress = (phase: ImportPhase) => o.onProgress?.({ phase, rowsRead: result.rowsRead });
  const scratch = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-registry-')), 'stage.csv');

  try {
    // ── Phase 1: read, normalise, validate ────────────────────────────────────────────────
    progress('reading');
    let present: Set<ColumnKey>;
    let staged = 0;
    try {
      const table = await openTable(o.filePath);
      result.format = table.format;
      result.encoding = table.encoding;
      const map = mapHeaders(table.headers, REGISTRY_COLUMNS);
      // Garbage headers (a wrong encoding) can be long and hold NULs: keep what a person can read.
      result.ignoredColumns = map.ignored.slice(0, 50).map((c) => noNul(c).slice(0, 50));
      present = new Set(Object.keys(map.index) as ColumnKey[]);
      if (present.size === 0) throw fileError('registry.noKnownColumns');
      if (map.missing.length) throw fileError('registry.missingColumns', { columns: map.missing.join('、') });
      if (map.duplicated.length) throw fileError('registry.duplicateColumns', { columns: map.duplicated.join('、') });
      if (map.ignored.length) report({ rowNo: 1, column: '', key: 'registry.ignoredColumns', params: { columns: result.ignoredColumns.join('、') }, severity: 'warning' });

      const checker = new FileChecker(map);
      const out = fs.createWriteStream(scratch);
      let lastHead = '';
      let lastHeadInitials = '';
      let lastSaved = performance.now();
      try {
        const cells = cellReader(map);
        for await (const batch of table.batches) {
          for (const { rowNo, values } of batch) {
            result.rowsRead++;
            // Every 500 rows (small files show progress too); the job row at most once a second.
            if (result.rowsRead % 500 === 0) {
              progress('reading');
              // Phase 1 holds no connection: other server processes polling the job see this too.
              if (performance.now() - lastSaved > 1000) {
                lastSaved = performance.now();
                await q.updateJob(db, jobId, { rows_read: result.rowsRead });
              }
            }
            cells.values = values;
            const { row, problems } = parseRow(cells.get, rowNo);
            for (const p of problems) report({ rowNo, ...p });
            if (!row) {
              const no = cells.get('householdNo');
              if (no) checker.noteBadRow(no.replace(/[\s\u3000]/g, ''));
              continue;
            }
            if (o.scope && !o.scope.covers(row.villageCode)) {
              report({ rowNo, column: COLUMN_NAME.villageCode, key: 'registry.outOfScope', params: { code: row.villageCode }, severity: 'error' });
              checker.noteBadRow(row.householdNo);
              continue;
            }
            const cross = checker.check(row);
            for (const p of cross) report({ rowNo, ...p });
            if (cross.some((p) => p.severity === 'error')) continue;
            if (row.headName !== lastHead) {
              lastHead = row.headName;
              lastHeadInitials = cachedInitials(row.headName);
            }
            if (!out.write(stageLine(row, lastHeadInitials))) await once(out, 'drain');
            staged++;
          }
        }
        for (const e of checker.finish()) report(e);
      } finally {
        out.end();
        await once(out, 'close');
      }
      result.households = checker.householdCount;
      progress('reading');
      if (result.rowsRead === 0) throw fileError('registry.empty', undefined, 0);
    } catch (e) {
      if (e instanceof TableReadError) {
        throw e.key === 'import.empty' ? fileError('registry.empty', undefined, 0) : fileError('registry.unreadable', { detail: e.message.slice(0, 200) });
      }
      throw e;
    }

    lap('read');
    // ── Phase 2: stage, check against the database, merge — one transaction ───────────────
    progress('merging');
    await bulk(async ({ db: trx, copyFrom }) => {
      await q.createStage(trx);
      const lines = readline.createInterface({ input: fs.createReadStream(scratch, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
      const n = await copyFrom(
        'reg_stage',
        [...q.STAGE_COLUMNS],
        (async function* () {
          for await (const l of lines) yield `${l}\n`;
        })(),
      );
      if (n !== staged) throw new Error(`staged ${staged} rows but copied ${n}`);
      lap('copy');
      await q.buildHouseholdStage(trx);
      await q.lockCounties(trx);
      lap('stageHouseholds');
      const scopePrefix = o.scope ? o.scope.areaCode : null;
      for (const p of await q.databaseProblems(trx, scopePrefix, maxErrors)) {
        if (p.kind === 'villageUnknown') report({ rowNo: p.row_no, column: COLUMN_NAME.villageCode, key: 'registry.villageUnknown', params: { code: p.code }, severity: 'error' });
        else if (p.kind === 'householdOutOfScope')
          report({ rowNo: p.row_no, column: COLUMN_NAME.householdNo, key: 'registry.householdOutOfScope', params: { household: p.household_no ?? '', code: p.code }, severity: 'error' });
        else
          report({ rowNo: p.row_no, column: COLUMN_NAME.idNumber, key: 'registry.personInOtherHousehold', params: { household: p.household_no ?? '', code: p.code }, severity: 'error' });
      }
      lap('dbChecks');
      if (result.errorCount > 0) throw new Rejected();

      await q.markChanges(trx, present);
      lap('markChanges');
      const before = new Map((await q.snapshots(trx, 'changed')).map((s) => [s.id, s.card]));
      lap('snapshotBefore');
      result.counts = await q.applyMerge(trx, present);
      lap('merge');
      const c = result.counts;
      if (c.membersCreated + c.membersUpdated + c.membersRemoved >= 1000) {
        await q.analyzeCards(trx);
        lap('analyze');
      }
      const after = [...(await q.snapshots(trx, 'changed')), ...(await q.snapshots(trx, 'new'))];
      const note = { importId: jobId, fileName };
      const entries: AuditInput[] = after.map((s) => ({
        actor: o.actor,
        action: before.has(s.id) ? 'household.import.update' : 'household.import.create',
        entity: 'household',
        entityId: s.id,
        subjectId: s.id,
        areaCode: s.village_code,
        before: before.get(s.id) ?? null,
        after: s.card,
        note,
        origin: o.origin,
      }));
      lap('snapshotAfter');
      await recordAuditMany(trx, entries, { copyFrom });
      lap('audit');
      await recordAudit(trx, {
        actor: o.actor,
        action: 'registry.import',
        entity: 'registry_import',
        entityId: jobId,
        areaCode: o.scope?.areaCode ?? null,
        note: { fileName, sha256: result.sha256, rowsRead: result.rowsRead, ...result.counts, warnings: result.warningCount },
        origin: o.origin,
      });
      result.ok = true;
      result.errors.sort((a, b) => a.rowNo - b.rowNo);
      result.seconds = (performance.now() - t0) / 1000;
      await q.updateJob(trx, jobId, finalJob(result));
    });
    progress('done');
    return result;
  } catch (e) {
    if (!(e instanceof Rejected)) {
      await q.updateJob(db, jobId, { status: 'failed', finished_at: new Date() }).catch(() => {});
      throw e;
    }
    result.ok = false;
    result.counts = { ...ZERO };
    result.errors.sort((a, b) => a.rowNo - b.rowNo);
    result.seconds = (performance.now() - t0) / 1000;
    await q.updateJob(db, jobId, finalJob(result));
    progress('done');
    return result;
  } finally {
    fs.rmSync(path.dirname(scratch), { recursive: true, force: true });
  }
}

/** PostgreSQL text and jsonb refuse NUL characters (a UTF-16 file read as GBK is full of them). */
const noNul = (s: string) => s.replace(/\u0000/g, '');
const jsonNoNul = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? noNul(x) : x));

function finalJob(r: RegistryImportResult): q.JobUpdate {
  return {
    status: r.ok ? 'succeeded' : 'failed',
    format: r.format,
    encoding: r.encoding,
    rows_read: r.rowsRead,
    counts: JSON.stringify({ ...r.counts, households: r.households, seconds: Math.round(r.seconds * 1000) / 1000 }),
    ignored_columns: r.ignoredColumns,
    file_error: r.fileError ? jsonNoNul(r.fileError) : null,
    errors: jsonNoNul(r.errors),
    error_count: r.errorCount,
    warning_count: r.warningCount,
    finished_at: new Date(),
  };
}
