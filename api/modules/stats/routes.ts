// HTTP of the statistics dashboards (贫困统计监测), mounted at /api/stats behind requireAuth:
// GET /api/stats/{code} (the figures) and GET /api/stats/{code}/export.xlsx (the same as a
// workbook). Any signed-in account reads the dashboard of an area its own area covers (403
// otherwise); GET /api/stats/{code}/children the children's figures for the map. HTTP only: validate, call the domain (stats.ts, stats-xlsx.ts).
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { err, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { fileResponse, sendDownload, XLSX } from '../../http/download.ts';
import { ChildAreaFiguresList, StatsAnswer, StatsParam } from './schema.ts';
import { exportStats } from './stats-xlsx.ts';
import { childAreaFigures, keptAreaStats } from './stats.ts';

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
      path: '/{code}/children',
      tags: ['stats'],
      summary: 'The figures of an area’s children for the map (a village: of the village itself)',
      description:
        'Per child: 在册 households and people, 监测户 and their rate, households overdue for a visit, open findings by severity, ' +
        'and the ledger’s money with 资金支出进度 (null without funds.read). Counts only, within the caller’s area. Money in fen.',
      request: { params: StatsParam },
      responses: {
        200: json(ChildAreaFiguresList, 'The children’s figures'),
        400: err('Malformed area code'),
        403: err('Outside your area'),
        404: err('No such area'),
      },
    }),
    async (c) => c.json(await childAreaFigures(ctxOf(c), c.req.valid('param').code), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{code}/export.xlsx',
      tags: ['stats'],
      summary: 'The area’s statistics as an Excel workbook: one sheet per figure group, zh-CN headers (audited)',
      request: { params: StatsParam },
      responses: {
        200: fileResponse(XLSX, 'The workbook (streamed)'),
        400: err('Malformed area code'),
        403: err('Outside your area'),
        404: err('No such area'),
      },
    }),
    async (c) => {
      const file = await exportStats(ctxOf(c), c.req.valid('param').code);
      return sendDownload(c, file, XLSX);
    },
  );
