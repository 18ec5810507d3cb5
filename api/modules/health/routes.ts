// GET /api/health: liveness plus what the server runs on (for operators and monitoring).
import { createRoute, z } from '@hono/zod-openapi';
import { json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { healthFacts } from './queries.ts';

const Health = z
  .object({
    status: z.literal('ok'),
    database: z.enum(['postgres', 'pglite']),
    postgis: z.string(),
    areas: z.number(),
    households: z.number().openapi({ description: 'Households on record, counted up to 10,000 (health must stay cheap)' }),
    time: z.string(),
  })
  .openapi('Health');

export const healthRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['health'],
    summary: 'Liveness and database status',
    responses: { 200: json(Health, 'Healthy') },
  }),
  async (c) => {
    const row = await healthFacts(c.var.db);
    if (!row) throw new Error('health query returned nothing');
    return c.json(
      {
        status: 'ok' as const,
        database: row.pglite ? ('pglite' as const) : ('postgres' as const),
        postgis: row.postgis,
        areas: Number(row.areas),
        households: Number(row.households),
        time: new Date().toISOString(),
      },
      200,
    );
  },
);
