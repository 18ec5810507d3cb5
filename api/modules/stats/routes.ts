// HTTP of the statistics dashboards (贫困统计监测), mounted at /api/stats behind requireAuth:
// GET /api/stats/{code} (the figures) and GET /api/stats/{code}/export.xlsx (the same as a
// workbook). Any signed-in account reads the dashboard of an area its own area covers (403
// otherwise). HTTP only: validate, call the domain (stats.ts, stats-xlsx.ts).
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { err, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { webStream } from '../printing/pdf.ts';
import { StatsAnswer, StatsParam, XlsxFile } from './schema.ts';
import { exportStats } from './stats-xlsx.ts';
import { keptAreaStats } from './stats.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const statsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/{code}',
      tags: ['stats'],
      summary: 'An area’s statistics (贫困统计监测): registry by status, monitoring by category, causes, guarantees, findings, funds by source, children areas',
      description: 'Counts only, rolled up over the area’s subtree by area-code prefix and limited to the caller’s area. Money in fen.',
      request: { params: StatsParam },
      responses: {
        200: json(StatsAnswer, 'The figures'),
        400: err('Malformed area code'),
        403: err('Outside your area'),
        404: err('No such area'),
      },
    }),
    async (c) => c.json(await keptAreaStats(ctxOf(c), c.req.valid('param').code, c.var.reports), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{code}/export.xlsx',
      tags: ['stats'],
      summary: 'The area’s statistics as an Excel workbook: one sheet per figure group, zh-CN headers (audited)',
      request: { params: StatsParam },
      responses: {
        200: { content: { [XLSX]: { schema: XlsxFile } }, description: 'The workbook (streamed)' },
        400: err('Malformed area code'),
        403: err('Outside your area'),
        404: err('No such area'),
      },
    }),
    async (c) => {
      const file = await exportStats(ctxOf(c), c.req.valid('param').code);
      return c.body(webStream(file.stream), 200, {
        'content-type': XLSX,
        'content-disposition': `attachment; filename="${file.filename}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        'cache-control': 'no-store',
      });
    },
  );
