// Registry import (贫困人口明细, docs/data-formats.md §1): a CSV (UTF-8/GBK, BOM or not) or XLSX file → the
// household cards of its villages, all or nothing. Two phases:
//   1. read: stream the file, normalise and validate every row, check what spans rows (one 户主,
//      consistent household fields, duplicates) and write the typed rows to a scratch file. No
//      database connection is held, so progress can be polled (PGlite has only one connection).
//   2. merge: in one transaction (the bulk session) COPY the rows into a staging table, run the
//      checks that need the database (villages, scope, a person already in another household),
//      then merge set-based — update in place by (户编号, 证件号码), insert what is new, remove
//      members no longer listed — and write one audit entry per changed card (before/after).
//      A card registered here with a provisional 户编号 (登记待识别农户) whose 户主 heads a household
//      of the file takes that household's national number (reported as a warning); its open
//      procedure (识别纳入), which can no longer complete, is withdrawn with a note.
// Any error rejects the whole file: nothing is kept but the job record and its error report.
// On PostgreSQL a first load tries the direct path first (first-load.ts): the same cards written
// while the file is read; it hands over to the two phases above when the file needs the merge.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { type Ctx, inTransaction } from '../../context.ts';
import type { BulkRunner } from '../../db/bulk.ts';
import { copyLine } from '../../db/bulk.ts';
import type { Db, Trx } from '../../db/schema.ts';
import { nameInitials } from '../../shared/pinyin.ts';
import { type Actor, type AuditInput, recordAudit, recordAuditMany } from '../audit/audit.ts';
import { withdrawSuperseded } from '../procedures/procedures.ts';
import type { Scope } from '../auth/scope.ts';
import { cellReader, mapHeaders } from '../imports/headers.ts';
import { openTable, TableReadError } from '../imports/read-table.ts';
import { asLiveJob, markInterruptedImports } from './interrupted.ts';
import * as q from './queries.ts';
import { FirstLoader, GiveUp } from './first-load.ts';
import { type ColumnKey, COLUMN_NAME, FileChecker, parseRow, REGISTRY_COLUMNS, type ReportEntry, type RowProblem, type StagedRow } from './rows.ts';

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
  /** How the cards were written: directly while reading (a first load), or by the merge. */
  path: 'direct' | 'merge';
  /** Why the direct path handed over to the merge (null when it was not tried or held). */
  directGaveUp: string | null;
}

export interface RegistryImportInput {
  filePath: string;
  /** The name shown in the job and the audit (defaults to the file's base name). */
  fileName?: string;
  /** A job row created beforehand (HTTP upload); otherwise one is created. */
  jobId?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Each step as it ends (its name and milliseconds), e.g. for the CLI's debug output. */
  onStep?: (step: string, ms: number) => void;
  /** Entries kept in the result and the job (default 10,000). */
  maxErrors?: number;
  /** Try the direct path for a first load (default: when the database allows other connections meanwhile). */
  direct?: boolean;
}

/** An import's input with who imports it, taken from the context. */
interface RegistryImportOptions extends RegistryImportInput {
  ctx: Ctx;
  actor: Actor;
  origin: Record<string, unknown>;
  /** The importing account's scope; rows outside it are errors. Undefined: an operator (CLI, seed) — everything. */
  scope?: Scope;
}

const ZERO: q.MergeCounts = { householdsCreated: 0, householdsUpdated: 0, householdsUnchanged: 0, membersCreated: 0, membersUpdated: 0, membersRemoved: 0 };

class Rejected extends Error {}

async function sha256File(p: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(p)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** One staging line: the order of q.STAGE_COLUMNS. Free text keeps no line breaks or NULs (as first-load.ts's oneLine). */
function stageLine(r: StagedRow, headInitials: string): string {
  const t = (v: string | null) => (v === null ? null : v.replace(/[\r\n]+/g, ' ').replaceAll('\u0000', ''));
  return copyLine([
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

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One valid row as the reader hands it on, with the problems it has with earlier rows (warnings only). */
interface ValidRow {
  row: StagedRow;
  cross: RowProblem[];
}

/** The state of one attempt at a file: its result, report and timings. */
class Attempt {
  readonly result: RegistryImportResult;
  private mark = performance.now();
  /** Whether reading may write the job row's progress through `db`. */
  saveProgress = true;
  /** Rows whose person is a member of a household outside the importer's area (audited, not named). */
  personsOutsideArea = 0;
  constructor(
    readonly o: RegistryImportOptions,
    readonly db: Db,
    readonly t0: number,
    base: Pick<RegistryImportResult, 'jobId' | 'fileName' | 'sha256'>,
    readonly maxErrors: number,
  ) {
    this.result = {
      ok: false,
      ...base,
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
      path: 'merge',
      directGaveUp: null,
    };
  }
  lap(step: string) {
    const now = performance.now();
    this.result.timings[step] = Math.round(now - this.mark);
    this.mark = now;
    this.o.onStep?.(step, this.result.timings[step]);
  }
  report(e: ReportEntry) {
    if (e.severity === 'error') this.result.errorCount++;
    else this.result.warningCount++;
    if (this.result.errors.length < this.maxErrors) this.result.errors.push(e);
  }
  fileError(key: ReportEntry['key'], params?: Record<string, string | number>, rowNo = 1) {
    const e: ReportEntry = { rowNo, column: '', key, ...(params ? { params } : {}), severity: 'error' };
    this.result.fileError = e;
    this.report(e);
    return new Rejected();
  }
  progress(phase: ImportPhase) {
    this.o.onProgress?.({ phase, rowsRead: this.result.rowsRead });
  }

  /**
   * Reads the file: header checks, then every row normalised, validated and checked against the
   * rows before it; problems go to the report. Hands on the valid rows batch by batch until the
   * file ends or `stop()` says so. Returns the file's columns.
   */
  async read(
    onBatch: (present: ReadonlySet<ColumnKey>, rows: ValidRow[]) => Promise<void>,
    stop: () => boolean = () => false,
  ): Promise<{ present: Set<ColumnKey>; checker: FileChecker }> {
    const { result, o } = this;
    try {
      const table = await openTable(o.filePath);
      result.format = table.format;
      result.encoding = table.encoding;
      const map = mapHeaders(table.headers, REGISTRY_COLUMNS);
      // Garbage headers (a wrong encoding) can be long and hold NULs: keep what a person can read.
      result.ignoredColumns = map.ignored.slice(0, 50).map((c) => noNul(c).slice(0, 50));
      const present = new Set(Object.keys(map.index) as ColumnKey[]);
      if (present.size === 0) throw this.fileError('registry.noKnownColumns');
      if (map.missing.length) throw this.fileError('registry.missingColumns', { columns: map.missing.join('、') });
      if (map.duplicated.length) throw this.fileError('registry.duplicateColumns', { columns: map.duplicated.join('、') });
      if (map.ignored.length)
        this.report({ rowNo: 1, column: '', key: 'registry.ignoredColumns', params: { columns: result.ignoredColumns.join('、') }, severity: 'warning' });

      const checker = new FileChecker(map);
      let lastSaved = performance.now();
      const cells = cellReader(map);
      let valid: ValidRow[] = [];
      for await (const batch of table.batches) {
        for (const { rowNo, values } of batch) {
          result.rowsRead++;
          // Now and then let I/O through: a bulk session may be streaming rows to the database
          // meanwhile (the direct path), and its COPY only moves when the event loop turns.
          // Rows are handed on at the same time: held longer, they outlive minor collections.
          if (result.rowsRead % 256 === 0) {
            await yieldToIo();
            if (valid.length) {
              await onBatch(present, valid);
              valid = [];
              if (stop()) return { present, checker };
            }
          }
          // Every 500 rows (small files show progress too); the job row at most once a second.
          if (result.rowsRead % 500 === 0) {
            this.progress('reading');
            // Other server processes polling the job see this too — not while a bulk session
            // holds PGlite's only connection (the direct path there), which would wait forever.
            if (this.saveProgress && performance.now() - lastSaved > 1000) {
              lastSaved = performance.now();
              await q.updateJob(this.db, result.jobId, { rows_read: result.rowsRead });
            }
          }
          cells.values = values;
          const { row, problems } = parseRow(cells.get, rowNo);
          for (const p of problems) this.report({ rowNo, ...p });
          if (!row) {
            const no = cells.get('householdNo');
            if (no) checker.noteBadRow(no.replace(/[\s\u3000]/g, ''));
            continue;
          }
          if (o.scope && !o.scope.covers(row.villageCode)) {
            this.report({ rowNo, column: COLUMN_NAME.villageCode, key: 'registry.outOfScope', params: { code: row.villageCode }, severity: 'error' });
            checker.noteBadRow(row.householdNo);
            continue;
          }
          const cross = checker.check(row);
          for (const p of cross) this.report({ rowNo, ...p });
          if (cross.some((p) => p.severity === 'error')) continue;
          valid.push({ row, cross });
        }
      }
      if (valid.length) await onBatch(present, valid);
      if (stop()) return { present, checker };
      for (const e of checker.finish()) this.report(e);
      result.households = checker.householdCount;
      this.progress('reading');
      if (result.rowsRead === 0) throw this.fileError('registry.empty', undefined, 0);
      return { present, checker };
    } catch (e) {
      if (e instanceof TableReadError) {
        throw e.key === 'import.empty'
          ? this.fileError('registry.empty', undefined, 0)
          : this.fileError('registry.unreadable', { detail: e.message.slice(0, 200) });
      }
      throw e;
    }
  }

  /** The import's own entry and the job's final state, in the session that wrote the cards. */
  async succeed(trx: Trx) {
    const { result, o } = this;
    await recordAudit(trx, {
      actor: o.actor,
      action: 'registry.import',
      entity: 'registry_import',
      entityId: result.jobId,
      areaCode: o.scope?.areaCode ?? null,
      note: { fileName: result.fileName, sha256: result.sha256, rowsRead: result.rowsRead, ...result.counts, warnings: result.warningCount, path: result.path },
      origin: o.origin,
    });
    result.ok = true;
    result.errors.sort((a, b) => a.rowNo - b.rowNo);
    result.seconds = (performance.now() - this.t0) / 1000;
    await q.updateJob(trx, result.jobId, finalJob(result));
  }
}

/**
 * Imports a registry file as `ctx` (the importing account's scope; an operator's context — systemCtx
 * without an area, the CLI and the seed — checks no area), all or nothing, through `bulk`.
 */
export async function importRegistry(ctx: Ctx, bulk: BulkRunner, input: RegistryImportInput): Promise<RegistryImportResult> {
  const { db } = ctx;
  const o: RegistryImportOptions = { ...input, ctx, actor: ctx.actor, origin: ctx.origin, scope: ctx.scope.areaCode ? ctx.scope : undefined };
  // Jobs left "running" by a process that died are failed now (interrupted.ts).
  await markInterruptedImports(db, bulk);
  // A job created by the caller (an upload) is held by the caller; otherwise this import holds its own.
  if (o.jobId) return runImport(db, bulk, o, o.jobId);
  const jobId = randomUUID();
  return asLiveJob(db, bulk, jobId, async () => {
    const fileName = o.fileName ?? path.basename(o.filePath);
    const byteSize = fs.statSync(o.filePath).size;
    await q.createJob(db, { id: jobId, areaCode: o.scope?.areaCode ?? '', fileName, byteSize, createdBy: o.actor.id, createdByName: o.actor.name });
    return runImport(db, bulk, o, jobId);
  });
}

async function runImport(db: Db, bulk: BulkRunner, o: RegistryImportOptions, jobId: string): Promise<RegistryImportResult> {
  const t0 = performance.now();
  const maxErrors = o.maxErrors ?? 10_000;
  const fileName = o.fileName ?? path.basename(o.filePath);
  const base = { jobId, fileName, sha256: await sha256File(o.filePath) };
  await q.updateJob(db, jobId, { status: 'running', started_at: new Date(), sha256: base.sha256 });

  let a = new Attempt(o, db, t0, base, maxErrors);
  try {
    if (o.direct ?? bulk.concurrent === true) {
      const gaveUp = await direct(a, bulk);
      if (gaveUp === null) {
        a.progress('done');
        return a.result;
      }
      a = new Attempt(o, db, t0, base, maxErrors);
      a.result.directGaveUp = gaveUp;
    }
    await merge(a, bulk);
    a.progress('done');
    return a.result;
  } catch (e) {
    if (!(e instanceof Rejected)) {
      await q.updateJob(db, jobId, { status: 'failed', finished_at: new Date() }).catch(() => {});
      throw e;
    }
    const { result } = a;
    result.ok = false;
    result.counts = { ...ZERO };
    result.errors.sort((x, y) => x.rowNo - y.rowNo);
    result.seconds = (performance.now() - t0) / 1000;
    await q.updateJob(db, jobId, finalJob(result));
    if (a.personsOutsideArea > 0) {
      // The file looked people up outside the importer's area: on record, like any refused access.
      await inTransaction(o.ctx, (trx) =>
        recordAudit(trx, {
          actor: o.actor,
          action: 'access.denied',
          entity: 'registry_import',
          entityId: jobId,
          areaCode: o.scope?.areaCode ?? null,
          note: { kind: 'person_lookup', rows: a.personsOutsideArea, fileName },
          origin: o.origin,
        }),
      );
    }
    a.progress('done');
    return result;
  }
}

/**
 * The direct path (first-load.ts) in one bulk session, reading and writing at once. Returns null
 * when the cards are in, or why it gave up (the session is then rolled back: nothing is kept).
 */
async function direct(a: Attempt, bulk: BulkRunner): Promise<string | null> {
  const { o, result } = a;
  const at: { loader?: FirstLoader } = {};
  try {
    a.saveProgress = bulk.concurrent === true;
    await bulk(async ({ db: trx, copyFrom }) => {
      a.progress('reading');
      const note = { importId: result.jobId, fileName: result.fileName };
      await a
        .read(
          async (present, rows) => {
            at.loader ??= new FirstLoader(trx, copyFrom, present, { actor: o.actor, origin: o.origin, note });
            for (const { row, cross } of rows) {
              // Only warnings reach here; a person listed in two households needs the merge's flag.
              if (cross.length) at.loader.gaveUp ??= 'person in two households';
              else await at.loader.add(row);
            }
            if (at.loader.chunkReady) await at.loader.flush();
          },
          () => (at.loader?.gaveUp ?? null) !== null || result.errorCount > 0,
        )
        // No rollback while a chunk is still being copied on the session's connection.
        .catch(async (e) => {
          await at.loader?.settle();
          throw e;
        });
      const loader = at.loader;
      if (!loader) throw new GiveUp('no rows');
      if (result.errorCount > 0) loader.gaveUp ??= 'row errors';
      await loader.finish();
      if (loader.gaveUp) throw new GiveUp(loader.gaveUp);
      a.lap('readAndWrite');
      result.timings.waitedForDb = Math.round(loader.waitedMs);
      result.path = 'direct';
      result.counts = { ...ZERO, householdsCreated: loader.households, membersCreated: loader.members };
      if (loader.members >= 1000) {
        await q.analyzeCards(trx);
        a.lap('analyze');
      }
      await a.succeed(trx);
    });
    return null;
  } catch (e) {
    if (e instanceof GiveUp) return e.message;
    // A file error (unreadable, no known columns…): the merge's reading reports it the same way.
    if (e instanceof Rejected) return 'file error';
    // A constraint the direct path did not foresee (a card written by someone else meanwhile):
    // the merge checks everything before it writes and names the problem.
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('23')) return `constraint ${code}`;
    throw e;
  }
}

/** The two phases: read into a scratch file holding no connection, then stage, check and merge. */
async function merge(a: Attempt, bulk: BulkRunner): Promise<void> {
  const { o, result, maxErrors } = a;
  const scratch = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-registry-')), 'stage.csv');
  try {
    // ── Phase 1: read, normalise, validate ────────────────────────────────────────────────
    a.progress('reading');
    let staged = 0;
    const out = fs.createWriteStream(scratch);
    let present: Set<ColumnKey>;
    try {
      let lastHead = '';
      let lastHeadInitials = '';
      ({ present } = await a.read(async (_present, rows) => {
        for (const { row } of rows) {
          if (row.headName !== lastHead) {
            lastHead = row.headName;
            lastHeadInitials = nameInitials(row.headName);
          }
          if (!out.write(stageLine(row, lastHeadInitials))) await once(out, 'drain');
          staged++;
        }
      }));
    } finally {
      out.end();
      await once(out, 'close');
    }
    a.lap('read');

    // ── Phase 2: stage, check against the database, merge — one transaction ───────────────
    a.progress('merging');
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
      a.lap('copy');
      await q.buildHouseholdStage(trx);
      await q.lockCounties(trx);
      a.lap('stageHouseholds');
      const scopePrefix = o.scope ? o.scope.areaCode : null;
      for (const p of await q.databaseProblems(trx, scopePrefix, maxErrors)) {
        if (p.kind === 'villageUnknown')
          a.report({ rowNo: p.row_no, column: COLUMN_NAME.villageCode, key: 'registry.villageUnknown', params: { code: p.code }, severity: 'error' });
        else if (p.kind === 'householdOutOfScope')
          a.report({
            rowNo: p.row_no,
            column: COLUMN_NAME.householdNo,
            key: 'registry.householdOutOfScope',
            params: { household: p.household_no ?? '', code: p.code },
            severity: 'error',
          });
        else if (o.scope && !o.scope.covers(p.code)) {
          // Outside the importer's area the household is not named (no cross-area lookups by ID number).
          a.personsOutsideArea++;
          a.report({ rowNo: p.row_no, column: COLUMN_NAME.idNumber, key: 'registry.personOutsideArea', severity: 'error' });
        } else
          a.report({
            rowNo: p.row_no,
            column: COLUMN_NAME.idNumber,
            key: 'registry.personInOtherHousehold',
            params: { household: p.household_no ?? '', code: p.code },
            severity: 'error',
          });
      }
      a.lap('dbChecks');
      if (result.errorCount > 0) throw new Rejected();
      const adopted = await q.adoptedCards(trx);
      for (const c of adopted) {
        a.report({
          rowNo: c.first_row,
          column: COLUMN_NAME.householdNo,
          key: 'registry.provisionalAdopted',
          params: { household: c.household_no, provisional: c.adopted_from },
          severity: 'warning',
        });
      }

      await q.markChanges(trx, present);
      a.lap('markChanges');
      const before = new Map((await q.snapshots(trx, 'changed')).map((s) => [s.id, s.card]));
      a.lap('snapshotBefore');
      result.counts = await q.applyMerge(trx, present);
      // An adopted card's open procedure (识别纳入 of a 待识别 household) can no longer complete.
      for (const c of adopted) {
        await withdrawSuperseded(
          { ...o.ctx, db: trx },
          c.id,
          `国家系统导入（${result.fileName}）：本户已在册，户编号 ${c.household_no}（原临时户编号 ${c.adopted_from}）`,
        );
      }
      a.lap('merge');
      const c = result.counts;
      if (c.membersCreated + c.membersUpdated + c.membersRemoved >= 1000) {
        await q.analyzeCards(trx);
        a.lap('analyze');
      }
      const after = [...(await q.snapshots(trx, 'changed')), ...(await q.snapshots(trx, 'new'))];
      const note = { importId: result.jobId, fileName: result.fileName };
      const entries: AuditInput[] = after.map((s) => {
        const was = before.get(s.id);
        // 户状态 and 监测对象类别 change only by procedures on the card — or by the national system,
        // whose decision a re-import carries: the history names it as the origin of the change.
        const decided = was ? STATUS_GRADED_COLUMNS.filter((k) => was[k] !== s.card[k]) : [];
        return {
          actor: o.actor,
          action: was ? 'household.import.update' : 'household.import.create',
          entity: 'household',
          entityId: s.id,
          subjectId: s.id,
          areaCode: s.village_code,
          before: was ?? null,
          after: s.card,
          note: decided.length ? { ...note, decidedBy: NATIONAL_SYSTEM, statusFields: decided } : note,
          origin: o.origin,
        };
      });
      a.lap('snapshotAfter');
      await recordAuditMany(trx, entries, { copyFrom });
      a.lap('audit');
      await a.succeed(trx);
    });
  } finally {
    fs.rmSync(path.dirname(scratch), { recursive: true, force: true });
  }
}

/** Who decides a status change that arrives in a registry file (named in the card's history). */
export const NATIONAL_SYSTEM = '国家系统';
/** The status-graded columns a registry file carries (风险类型 is not in the file). */
const STATUS_GRADED_COLUMNS = ['status', 'monitoring_category', 'registry_state'] as const;

/** PostgreSQL text and jsonb refuse NUL characters (a UTF-16 file read as GBK is full of them). */
const noNul = (s: string) => s.replaceAll('\u0000', '');
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
