// GET /tiles/{layer}/{z}/{x}/{y}.mvt (issue 16): Mapbox Vector Tiles for MapLibre. Outside /api so the
// URL is the one the issue names; the session middleware runs here too (private layers), CSRF does
// not matter (GET only). Browsers ask again every time (no-cache) and get 304 while the ETag holds.
import { Hono } from 'hono';
import type { AppEnv } from '../../http/context.ts';
import type { TileCache } from './cache.ts';
import { getTile } from './tiles.ts';
import { LAYERS, isTileLayer } from './layers.ts';

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';

export function tilesRoutes(cache: TileCache) {
  return new Hono<AppEnv>().get('/:layer/:z{[0-9]+}/:x{[0-9]+}/:y{[0-9]+\\.mvt}', async (c) => {
    const p = c.req.param();
    const answer = await getTile(
      c.var.db,
      cache,
      { layer: p.layer, z: Number(p.z), x: Number(p.x), y: Number(p.y.replace(/\.mvt$/, '')) },
      c.var.session ? c.var.scope : undefined,
      c.req.header('If-None-Match'),
    );
    const shared = isTileLayer(p.layer) && LAYERS[p.layer].access === 'public';
    const headers: Record<string, string> = {
      'Cache-Control': `${shared ? 'public' : 'private'}, no-cache`,
      'X-Tile-Cache': answer.cached ? 'hit' : 'miss',
      ...(shared ? {} : { Vary: 'Cookie' }),
      ...(answer.etag ? { ETag: answer.etag } : {}),
    };
    if (!answer.bytes) return c.body(null, 304, headers);
    // Never a SharedArrayBuffer: pg, PGlite and vt-pbf give plain buffers.
    return c.body(answer.bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Type': MVT_TYPE });
  });
}
