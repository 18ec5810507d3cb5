// HTTP for administrative areas, mounted at /api/areas behind requireAuth (so c.var.scope is set).
// HTTP only: validate with zod (400 with field errors via the shared hook), call the domain,
// shape the response. It must never query the database or check access itself.
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { err, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { getArea, getBoundaries, listAreas } from './areas.ts';
import { AreaCodeParam, AreaDetail, AreaList, AreaListQuery, BoundariesQuery, BoundaryCollection } from './schema.ts';

export const areasRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['areas'],
      summary: 'Areas in the caller’s scope: an area and its children, or a search by level/name',
      request: { query: AreaListQuery },
      responses: { 200: json(AreaList, 'Areas with household counts'), 400: err('Invalid filter'), 403: err('Outside your area') },
    }),
    async (c) => c.json(await listAreas(ctxOf(c), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{code}',
      tags: ['areas'],
      summary: 'One area: breadcrumb, children, bbox',
      request: { params: AreaCodeParam },
      responses: {
        200: json(AreaDetail, 'The area'),
        400: err('Malformed code'),
        403: err('Outside your area'),
        404: err('No such area'),
      },
    }),
    async (c) => c.json(await getArea(ctxOf(c), c.req.valid('param').code), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{code}/boundaries',
      tags: ['areas'],
      summary: 'GeoJSON boundaries of an area’s children (or of the area itself with self=1)',
      description:
        'Township and village boundaries are synthetic (boundary_source "synthetic-voronoi"): real ones are not public. ' +
        'Coordinates are WGS84 rounded to 6 decimals.',
      request: { params: AreaCodeParam, query: BoundariesQuery },
      responses: {
        200: json(BoundaryCollection, 'A FeatureCollection'),
        400: err('Malformed code or options'),
        403: err('Outside your area'),
        404: err('No such area'),
      },
    }),
    async (c) => {
      const { code } = c.req.valid('param');
      const { self, simplify } = c.req.valid('query');
      return c.json(await getBoundaries(ctxOf(c), code, { self, simplify }), 200);
    },
  );
