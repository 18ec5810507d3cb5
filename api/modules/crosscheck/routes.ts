// HTTP of the cross-check engine, mounted at /api/crosscheck: department dataset uploads (jobs
// with progress), runs, the findings queue with review, per-village counts for the map, and the
// docs/data-formats.md §3 export. Logic: datasets/import.ts, run.ts, review.ts; SQL: queries.ts.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { AppError, Forbidden, Invalid } from '../../errors.ts';
import { type AppEnv, ctxOf } from '../../http/context.ts';
import { fileResponse, sendDownload, XLSX } from '../../http/download.ts';
import { formatSize } from '../../http/limits.ts';
import { body, err, json } from '../../http/openapi.ts';
import { assertPermission, requirePermission } from '../../http/permission.ts';
import { createRouter } from '../../http/router.ts';
import { streamUpload } from '../../http/upload.ts';
import { maskerFor } from '../auth/personal-data.ts';
import type { Scope } from '../auth/scope.ts';
import { getDatasetJob, startDatasetJob } from '../datasets/jobs.ts';
import { SOURCE_CODES, SOURCES } from '../datasets/sources.ts';
import { auditFindingsExport, exportFindingsCsv } from './export.ts';
import { toFinding } from './finding-view.ts';
import { exportFindingsXlsx } from './findings-xlsx.ts';
import * as q from './queries.ts';
import { reviewFinding } from './review.ts';
import { RULES } from './rules/index.ts';
import { runCrosscheck } from './run.ts';
import {
  CountyQuery,
  DatasetJob,
  DatasetUpload,
  Finding,
  FindingCounts,
  FindingList,
  FindingQuery,
  IdParam,
  ReviewBody,
  ReviewResult,
  RuleInfo,
  RunBody,
  RunList,
  RevealQuery,
  RunResult,
  VersionList,
} from './schema.ts';

function countyOf(scope: Scope, given: string | undefined): string {
  const county = given ?? scope.countyCode;
  if (!county) throw Invalid([{ path: 'county', key: 'crosscheck.countyRequired' }]);
  // A village or township account works inside its own county (its rows are filtered by scope).
  if (county !== scope.countyCode) scope.assertCovers(county, 'county', county);
  return county;
}

/** Importing department data and running the check is the county office's job (permission crosscheck.run). */
const mayRun = requirePermission('crosscheck.run', 'crosscheck.roleCannotRun');

/** After the permission: the county must be one the account may change. */
function assertMayRun(scope: Scope, county: string) {
  scope.assertCanWrite(county, 'county', county);
}

/** What an upload can be refused for before its body is read: the role, and the account's own county. */
function assertMayImportDatasets(c: Context<AppEnv>) {
  assertPermission(c, 'crosscheck.run', 'crosscheck.roleCannotRun');
  const scope = c.var.scope;
  if (scope.countyCode) scope.assertCanWrite(scope.countyCode, 'county', scope.countyCode);
  else if (!scope.canWrite) throw Forbidden('error.readOnlyRole');
}

export const crosscheckRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/sources',
      tags: ['crosscheck'],
      summary: 'The department sources (docs/data-formats.md §2): codes for --source and uploads, with their Chinese names',
      responses: { 200: json(z.array(z.object({ code: z.string(), label: z.string() })).openapi('DatasetSources'), 'Sources') },
    }),
    (c) =>
      c.json(
        SOURCE_CODES.map((code) => ({ code, label: SOURCES[code].label })),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/rules',
      tags: ['crosscheck'],
      summary: 'The rule catalogue: codes, severities, titles and the sources each reads',
      responses: { 200: json(RuleInfo, 'Rules') },
    }),
    (c) =>
      c.json(
        RULES.map((r) => ({ code: r.code, severity: r.severity, title: r.title, sources: [...r.sources] })),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/datasets',
      tags: ['crosscheck'],
      summary: 'Upload one department dataset (docs/data-formats.md §2); it imports as a job — poll it for progress',
      middleware: [
        streamUpload({
          maxBytes: (c) => c.var.config.limits.importBytes,
          tooLarge: (limit) => new AppError('TOO_LARGE', 'dataset.fileTooLarge', { limit: formatSize(limit) }),
          // Before a byte is read: the role; the county as soon as its field arrives (send it
          // before the file part), or the account's own county when the form names none.
          authorize: assertMayImportDatasets,
          onField: (c, name, value) => {
            if (name === 'county' && /^\d{6}$/.test(value)) assertMayRun(c.var.scope, countyOf(c.var.scope, value));
          },
        }),
      ] as const,
      request: { body: { content: { 'multipart/form-data': { schema: DatasetUpload } }, required: true } },
      responses: {
        202: json(DatasetJob, 'The job was started'),
        400: err('No file or bad source'),
        403: err('Role cannot import'),
        413: err('The file is over DRIPLINE_MAX_IMPORT_BYTES'),
      },
    }),
    async (c) => {
      const form = c.req.valid('form');
      const { file, dir, keep } = c.var.upload;
      if (!file) throw Invalid([{ path: 'file', key: 'dataset.fileRequired' }]);
      const county = countyOf(c.var.scope, form.county);
      assertMayRun(c.var.scope, county);
      const job = startDatasetJob(ctxOf(c), c.var.bulk, {
        countyCode: county,
        source: form.source,
        fileName: file.name === 'upload' ? `${form.source}.csv` : file.name,
        filePath: file.path,
        dir,
      });
      keep(); // the job removes the file when it ends
      return c.json({ ...job, url: `/api/crosscheck/datasets/jobs/${job.id}` }, 202);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/datasets/jobs/{id}',
      tags: ['crosscheck'],
      summary: 'An upload job: rows read while it runs; the import result (or row errors) when done',
      request: { params: IdParam },
      responses: { 200: json(DatasetJob, 'The job'), 403: err('Outside your area'), 404: err('No such job') },
    }),
    (c) => {
      const job = getDatasetJob(c.req.valid('param').id);
      c.var.scope.assertCovers(job.countyCode, 'dataset_job', job.id);
      return c.json({ ...job }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/datasets',
      tags: ['crosscheck'],
      summary: 'Dataset versions of the county with provenance (who, when, file hash, rows read and unusable)',
      request: { query: CountyQuery },
      responses: { 200: json(VersionList, 'Versions, newest first') },
    }),
    async (c) => {
      const rows = await q.listVersions(c.var.db, countyOf(c.var.scope, c.req.valid('query').county));
      return c.json(
        rows.map((v) => ({
          ...v,
          rows_read: Number(v.rows_read),
          rows_loaded: Number(v.rows_loaded),
          rows_unusable: Number(v.rows_unusable),
          started_at: iso(v.started_at),
          finished_at: isoOrNull(v.finished_at),
        })),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/runs',
      tags: ['crosscheck'],
      summary: 'Run every rule for the county as of a date (default today)',
      middleware: [mayRun] as const,
      request: { body: { content: { 'application/json': { schema: RunBody } }, required: false } },
      responses: { 200: json(RunResult, 'The run'), 403: err('Role cannot run') },
    }),
    async (c) => {
      const body = c.req.valid('json') ?? {};
      const county = countyOf(c.var.scope, body.county);
      assertMayRun(c.var.scope, county);
      const asOf = body.asOf ?? new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
      const r = await runCrosscheck(ctxOf(c), { countyCode: county, asOf });
      return c.json(r, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/runs',
      tags: ['crosscheck'],
      summary: 'Recent runs of the county: as-of date, settings, dataset versions used, counts',
      request: { query: CountyQuery },
      responses: { 200: json(RunList, 'Runs, newest first') },
    }),
    async (c) => {
      const rows = await q.listRuns(c.var.db, countyOf(c.var.scope, c.req.valid('query').county));
      return c.json(
        rows.map((r) => ({
          ...r,
          as_of: String(r.as_of).slice(0, 10),
          counts: (r.counts ?? null) as Record<string, unknown> | null,
          started_at: iso(r.started_at),
          finished_at: isoOrNull(r.finished_at),
        })),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/findings',
      tags: ['crosscheck'],
      summary: 'The review queue: findings in the caller’s area, filtered by rule, severity, status and area',
      request: { query: FindingQuery },
      responses: { 200: json(FindingList, 'A page of findings'), 403: err('Outside your area') },
    }),
    async (c) => {
      const f = c.req.valid('query');
      if (f.area) c.var.scope.assertCovers(f.area);
      const r = await q.listFindings(c.var.db, c.var.scope, { ...f, presentOnly: f.all !== 'true' });
      return c.json({ total: r.total, items: r.rows.map((x) => toFinding(x, maskerFor({ role: c.var.scope.role }), c.var.lang)) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/findings/counts',
      tags: ['crosscheck'],
      summary: 'Counts per village (for the map), per rule and per status',
      request: { query: FindingQuery.omit({ limit: true, offset: true }) },
      responses: { 200: json(FindingCounts, 'Counts') },
    }),
    async (c) => {
      const f = c.req.valid('query');
      if (f.area) c.var.scope.assertCovers(f.area);
      return c.json(await q.countFindings(c.var.db, c.var.scope, { ...f, presentOnly: f.all !== 'true' }), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/findings.csv',
      tags: ['crosscheck'],
      summary: 'Export findings (docs/data-formats.md §3 columns) as UTF-8 CSV; formula-like cells neutralised',
      request: { query: FindingQuery.omit({ limit: true, offset: true }).extend(CountyQuery.shape).extend(RevealQuery.shape) },
      responses: {
        200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV' },
        403: err('Outside your area, or unmasked ID numbers your role may not export'),
      },
    }),
    async (c) => {
      const f = c.req.valid('query');
      const county = countyOf(c.var.scope, f.county);
      // ID numbers are masked unless a role that needs them asks explicitly (reveal=true): audited.
      const unmasked = f.reveal === true;
      const mask = maskerFor({ role: c.var.scope.role }, { reveal: unmasked });
      await auditFindingsExport(ctxOf(c), county, { format: 'csv', rule: f.rule ?? null, status: f.status ?? null, unmasked });
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', `attachment; filename="findings-${county}.csv"`);
      c.header('cache-control', 'private, no-store');
      return stream(c, async (s) => {
        for await (const chunk of exportFindingsCsv(c.var.db, c.var.scope, {
          countyCode: county,
          status: f.status,
          rules: f.rule,
          presentOnly: f.all !== 'true',
          mask,
        })) {
          await s.write(chunk);
        }
      });
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/findings.xlsx',
      tags: ['crosscheck'],
      summary: 'The review queue as an Excel workbook: the list’s filters, zh-CN columns, every finding naming its person (masked as the list; audited)',
      request: { query: FindingQuery.omit({ limit: true, offset: true }).extend(CountyQuery.shape).extend(RevealQuery.shape) },
      responses: {
        200: fileResponse(XLSX, 'The workbook (streamed)'),
        400: err('A bad filter, or more findings than an export may hold (narrow the filter)'),
        403: err('Outside your area, or unmasked ID numbers your role may not export'),
      },
    }),
    async (c) => {
      const { county: given, reveal, all, ...f } = c.req.valid('query');
      if (f.area) c.var.scope.assertCovers(f.area);
      const county = countyOf(c.var.scope, given);
      const unmasked = reveal === true;
      const mask = maskerFor({ role: c.var.scope.role }, { reveal: unmasked });
      const file = await exportFindingsXlsx(ctxOf(c), county, { ...f, presentOnly: all !== 'true' }, { mask, lang: c.var.lang, unmasked });
      return sendDownload(c, file, XLSX);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/findings/{id}',
      tags: ['crosscheck'],
      summary: 'One finding with its evidence',
      request: { params: IdParam },
      responses: { 200: json(Finding, 'The finding'), 404: err('No such finding in your area') },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const r = await q.findFinding(c.var.db, c.var.scope, id);
      if (!r) throw new AppError('NOT_FOUND', 'finding.notFound', { id });
      return c.json(toFinding(r, maskerFor({ role: c.var.scope.role }), c.var.lang), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/findings/{id}/review',
      tags: ['crosscheck'],
      summary: 'Confirm (applies the consequence to the card), dismiss (reason), mark for a visit, resolve or reopen',
      request: { params: IdParam, ...body(ReviewBody) },
      responses: {
        200: json(ReviewResult, 'The new status and what changed'),
        400: err('Reason missing'),
        403: err('Outside your area or read-only role'),
        404: err('No such finding'),
        409: err('Illegal transition or out-of-date version'),
      },
    }),
    async (c) => {
      const r = await reviewFinding(ctxOf(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json(r, 200);
    },
  );

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));
