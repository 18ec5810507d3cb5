// Request/response schemas of the registry import API (shared with web through the typed client).
import { z } from '@hono/zod-openapi';

export const ImportUpload = z
  .object({
    file: z.any().openapi({ type: 'string', format: 'binary', description: 'The registry export: .csv (UTF-8 or GBK, BOM or not) or .xlsx (first sheet)' }),
  })
  .openapi('RegistryImportUpload');

export const ImportIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const ImportStarted = z.object({ id: z.string(), status: z.string(), url: z.string() }).openapi('RegistryImportStarted');

const Counts = z.object({
  householdsCreated: z.number(),
  householdsUpdated: z.number(),
  householdsUnchanged: z.number(),
  membersCreated: z.number(),
  membersUpdated: z.number(),
  membersRemoved: z.number(),
});

export const ImportEntry = z.object({
  rowNo: z.number().openapi({ description: 'Row as seen in Excel (header = 1); 0 for the file as a whole' }),
  column: z.string(),
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});

export const ImportJob = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    phase: z.enum(['queued', 'reading', 'merging', 'done']).openapi({ description: 'reading: rows are read and checked; merging: the one transaction' }),
    fileName: z.string(),
    byteSize: z.number(),
    format: z.string().nullable(),
    encoding: z.string().nullable(),
    rowsRead: z.number(),
    households: z.number().nullable(),
    counts: Counts,
    seconds: z.number().nullable(),
    ignoredColumns: z.array(z.string()),
    fileError: z.object({ column: z.string(), code: z.string(), message: z.string() }).nullable(),
    errorCount: z.number(),
    warningCount: z.number(),
    errors: z.array(ImportEntry).openapi({ description: 'The first 200 errors and warnings; the xlsx report has them all (up to 10,000)' }),
    errorReport: z.string().nullable().openapi({ description: 'URL of the xlsx error report, when there is something in it' }),
    createdBy: z.string(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('RegistryImportJob');

export const ImportList = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        status: z.enum(['queued', 'running', 'succeeded', 'failed']),
        fileName: z.string(),
        rowsRead: z.number(),
        errorCount: z.number(),
        warningCount: z.number(),
        createdBy: z.string(),
        createdAt: z.string(),
        finishedAt: z.string().nullable(),
      }),
    ),
  })
  .openapi('RegistryImportList');
