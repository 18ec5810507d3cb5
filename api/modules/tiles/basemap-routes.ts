// GET /api/basemaps: the basemaps this server offers the map (天地图 with a configured key; none
// otherwise — the map then draws our own data only).
import { createRoute, z } from '@hono/zod-openapi';
import { json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { basemaps } from './basemaps.ts';

const Basemap = z
  .object({
    id: z.enum(['tianditu-vector', 'tianditu-imagery']),
    layers: z.array(z.array(z.string())).openapi({ description: 'Raster tile URL templates: the base layer, then its annotation layer' }),
    attribution: z.string(),
  })
  .openapi('Basemap');

export const basemapRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['map'],
    summary: 'Basemaps offered under the map layers (天地图 vector and imagery when DRIPLINE_TIANDITU_KEY is set)',
    responses: { 200: json(z.object({ basemaps: z.array(Basemap) }).openapi('Basemaps'), 'Basemaps') },
  }),
  (c) => c.json({ basemaps: basemaps(c.var.config) }, 200),
);
