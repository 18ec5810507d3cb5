// HTTP for registry imports: upload (multipart) → a job; its progress and outcome; the xlsx
// error report. Mounted at /api/registry. Import logic lives in import.ts, jobs in jobs.ts.
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { AppError, Invalid } from '../../errors.ts';
import { createRouter } from '../../http/router.ts';
import { ErrorResponse } from '../auth/schema.ts';
import { getImport, importErrorReport, listImports, MAX_UPLOAD_BYTES, startImport } from './jobs.ts';
import { ImportIdParam, ImportJob, ImportList, ImportStarted, ImportUpload } from './schema.ts';

const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const err = (d: string) => json(ErrorResponse, d);

export const registryRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/imports',
      tags: ['registry'],
      summary: 'Upload a registry export (贫困人口明细, CSV or XLSX); the import runs as a job — poll it',
      middleware: [
        bodyLimit({
          maxSize: MAX_UPLOAD_BYTES + 64 * 1024,
          onError: () => {
            throw new AppError('INVALID', 'registry.fileTooLarge', { maxMb: MAX_UPLOAD_BYTES / 1024 / 1024 });
          },
        }),
      ] as const,
      request: { body: { content: { 'multipart/form-data': { schema: ImportUpload } }, required: true } },
      responses: {
        202: json(ImportStarted, 'The job was started'),
        400: err('No file, or too large'),
        403: err('Role cannot import'),
      },
    }),
    async (c) => {
      const file = c.req.valid('form').file as unknown;
      if (!(file instanceof File)) throw Invalid([{ path: 'file', key: 'registry.noFile' }]);
      const bytes = new Uint8Array(await file.arrayBuffer());
      const id = await startImport(c.var.db, c.var.bulk, c.var.scope, c.var.actor, c.var.origin, { name: file.name, bytes });
      return c.json({ id, status: 'queued', url: `/api/registry/imports/${id}` }, 202);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/imports',
      tags: ['registry'],
      summary: 'Recent imports in the caller’s area',
      responses: { 200: json(ImportList, 'Imports, newest first'), 403: err('Role cannot import') },
    }),
    async (c) => c.json(await listImports(c.var.db, c.var.scope), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/imports/{id}',
      tags: ['registry'],
      summary: 'An import job: progress (rows read, phase) while it runs; counts or row errors when done',
      request: { params: ImportIdParam },
      responses: { 200: json(ImportJob, 'The job'), 403: err('Outside your area'), 404: err('No such job') },
    }),
    async (c) => c.json(await getImport(c.var.db, c.var.scope, c.req.valid('param').id, c.var.lang), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/imports/{id}/errors.xlsx',
      tags: ['registry'],
      summary: 'The row-level error report (行号, 列, 原因, 级别) as Excel',
      request: { params: ImportIdParam },
      responses: {
        200: { content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.any() } }, description: 'The report' },
        403: err('Outside your area'),
        404: err('No such job'),
        409: err('Not finished yet'),
      },
    }),
    async (c) => {
      const r = await importErrorReport(c.var.db, c.var.scope, c.req.valid('param').id, c.var.lang);
      return c.body(r.bytes as unknown as ArrayBuffer, 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="errors.xlsx"; filename*=UTF-8''${encodeURIComponent(r.fileName)}`,
        'cache-control': 'private, no-store',
      });
    },
  );
