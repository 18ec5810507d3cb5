// GET /api/health: liveness plus what the server runs on (for operators and monitoring).
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { createRouter } from '../../http/router.ts';

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
    responses: { 200: { content: { 'application/json': { schema: Health } }, description: 'Healthy' } },
  }),
  async (c) => {
    const r = await sql<{ postgis: string; areas: number; households: number; pglite: boolean }>`
      select postgis_lib_version() as postgis,
        (select count(*) from (select 1 from areas limit 10000) a)::int as areas,
        (select count(*) from (select 1 from households where deleted_at is null limit 10000) h)::int as households,
        version() ilike '%emscripten%' or version() ilike '%wasm%' as pglite`.execute(c.var.db);
    const row = r.rows[0];
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
