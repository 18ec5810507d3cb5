// GET /api/lines/what-if: the line simulation (what-if.ts), read-only, for any signed-in account
// within its area.
import { createRoute, z } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { err, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { whatIf } from './what-if.ts';

const Fen = z.coerce.number().int().min(0).max(100_000_000);

const WhatIfQuery = z.object({
  area: z
    .string()
    .regex(/^\d{6}(\d{3}(\d{3})?)?$/)
    .openapi({ description: 'A county, township or village code (the lines are the county’s)' }),
  year: z.coerce.number().int().min(2000).max(2100),
  povertyLine: Fen.optional().openapi({ description: 'Proposed poverty line, fen per person and year (default: the county’s)' }),
  monitoringLine: Fen.optional().openapi({ description: 'Proposed monitoring line, fen (default: the county’s)' }),
  limit: z.coerce.number().int().min(1).max(2000).optional(),
});

const Side = z.enum(['falls', 'rises', 'same']);
const Counts = z.object({
  recorded: z.number(),
  underPovertyNow: z.number(),
  underPovertyThen: z.number(),
  underMonitoringNow: z.number(),
  underMonitoringThen: z.number(),
});

const WhatIf = z
  .object({
    area: z.string(),
    year: z.number(),
    linesNow: z.object({ povertyFen: z.number(), monitoringFen: z.number() }),
    linesThen: z.object({ povertyFen: z.number(), monitoringFen: z.number() }),
    totals: Counts,
    villages: z.array(Counts.extend({ villageCode: z.string(), villageName: z.string() })),
    crossing: z.array(
      z.object({
        householdId: z.string(),
        householdNo: z.string(),
        villageCode: z.string(),
        status: z.string(),
        incomeFen: z.number(),
        povertySide: Side,
        monitoringSide: Side,
      }),
    ),
    crossingTotal: z.number(),
  })
  .openapi('WhatIf');

export const linesRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/what-if',
    tags: ['stats'],
    summary: 'What if the lines moved: per village, households under the poverty and monitoring lines now and with proposed lines',
    request: { query: WhatIfQuery },
    responses: {
      200: json(WhatIf, 'The simulation (nothing is changed)'),
      400: err('Not a county or an area within one; monitoring line below the poverty line'),
      403: err('Outside your area'),
      404: err('The county has no lines for that year'),
    },
  }),
  async (c) => c.json(await whatIf(ctxOf(c), c.req.valid('query')), 200),
);
