// HTTP for registry imports: upload (multipart) → a job; its progress and outcome; the xlsx
// error report. Mounted at /api/registry. Import logic lives in import.ts, jobs in jobs.ts.
import { createRoute, z } from '@hono/zod-openapi';
import { AppError, Invalid } from '../../errors.ts';
import { ctxOf } from '../../http/context.ts';
import { formatSize } from '../../http/limits.ts';
import { err, json } from '../../http/openapi.ts';
import { assertPermission, requirePermission } from '../../http/permission.ts';
import { createRouter } from '../../http/router.ts';
import { streamUpload } from '../../http/upload.ts';
import { getImport, importErrorReport, listImports, startImport } from './jobs.ts';
import { ImportIdParam, ImportJob, ImportList, ImportStarted, ImportUpload } from './schema.ts';

/** Every route here is the importers' (permission registry.import); the domain checks it again. */
const mayImport = requirePermission('registry.import', 'registry.roleCannotImport');

export const registryRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/imports',
      tags: ['registry'],
      summary: 'Upload a registry export (贫困人口明细, CSV or XLSX); the import runs as a job — poll it',
      middleware: [
        streamUpload({
          maxBytes: (c) => c.var.config.limits.importBytes,
          tooLarge: (limit) => new AppError('TOO_LARGE', 'registry.fileTooLarge', { limit: formatSize(limit) }),
          // Read-only and village accounts are refused before a byte of the file is read.
          authorize: (c) => assertPermission(c, 'registry.import', 'registry.roleCannotImport'),
        }),
      ] as const,
      request: { body: { content: { 'multipart/form-data': { schema: ImportUpload } }, required: true } },
      responses: {
        202: json(ImportStarted, 'The job was started'),
        400: err('No file'),
        403: err('Role cannot import'),
        413: err('The file is over DRIPLINE_MAX_IMPORT_BYTES'),
      },
    }),
    async (c) => {
      const { file, dir, keep } = c.var.upload;
      if (!file) throw Invalid([{ path: 'file', key: 'registry.noFile' }]);
      const id = await startImport(ctxOf(c), c.var.bulk, { name: file.name, filePath: file.path, dir });
      keep(); // the job removes the file when it ends
      return c.json({ id, status: 'queued', url: `/api/registry/imports/${id}` }, 202);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/imports',
      tags: ['registry'],
      summary: 'Recent imports in the caller’s area',
      middleware: [mayImport] as const,
      responses: { 200: json(ImportList, 'Imports, newest first'), 403: err('Role cannot import') },
    }),
    async (c) => c.json(await listImports(ctxOf(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/imports/{id}',
      tags: ['registry'],
      summary: 'An import job: progress (rows read, phase) while it runs; counts or row errors when done',
      middleware: [mayImport] as const,
      request: { params: ImportIdParam },
      responses: { 200: json(ImportJob, 'The job'), 403: err('Outside your area'), 404: err('No such job') },
    }),
    async (c) => c.json(await getImport(ctxOf(c), c.req.valid('param').id, c.var.lang), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/imports/{id}/errors.xlsx',
      tags: ['registry'],
      summary: 'The row-level error report (行号, 列, 原因, 级别) as Excel',
      middleware: [mayImport] as const,
      request: { params: ImportIdParam },
      responses: {
        200: { content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.any() } }, description: 'The report' },
        403: err('Outside your area'),
        404: err('No such job'),
        409: err('Not finished yet'),
      },
    }),
    async (c) => {
      const r = await importErrorReport(ctxOf(c), c.req.valid('param').id, c.var.lang);
      return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="errors.xlsx"; filename*=UTF-8''${encodeURIComponent(r.fileName)}`,
        'cache-control': 'private, no-store',
      });
    },
  );
