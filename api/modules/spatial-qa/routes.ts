// HTTP of the spatial QA report (空间质检), mounted at /api/areas (behind requireAuth, before the
// areas' own /{code} routes): GET /api/areas/qa. Any account reads its area's report, as it reads
// its area list; the projects' check follows project.read. HTTP only: validate, call the domain.
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { err, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { spatialQa } from './qa.ts';
import { QaQuery, QaReport } from './schema.ts';

export const spatialQaRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/qa',
    tags: ['areas'],
    summary: 'Spatial QA (空间质检) of an area: households outside their village, shared points, projects outside their villages, villages without a boundary',
    description:
      'Each check lists at most `limit` items with its total. Households are named by id, 户编号 and village only. ' +
      'Coordinates are WGS84, rounded to 6 decimals.',
    request: { query: QaQuery },
    responses: {
      200: json(QaReport, 'The report'),
      400: err('Malformed area code or limit'),
      403: err('Outside your area'),
      404: err('No such area'),
    },
  }),
  async (c) => c.json(await spatialQa(ctxOf(c), c.req.valid('query')), 200),
);
