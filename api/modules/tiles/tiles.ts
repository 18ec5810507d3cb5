// Vector tiles (issue 16 §1): /tiles/{layer}/{z}/{x}/{y}.mvt. The area layers are public; the
// households, projects and findings layers need a session and are scoped to its area (the features a
// cadre's tile holds are their villages'). ST_AsMVT makes the tile where PostGIS can; elsewhere the
// same rows are encoded in JavaScript (encode.ts). Kept in a TileCache until their data changes.
import { tileBounds, isTile, type TileId } from '../../../gis/tile.ts';
import type { DbOrTrx as Db } from '../../db/schema.ts';
import { Forbidden, NotFound, Unauthenticated } from '../../errors.ts';
import { can } from '../../shared/permissions.ts';
import type { Scope } from '../auth/scope.ts';
import type { TileCache } from './cache.ts';
import { encodeTile } from './encode.ts';
import { isTileLayer, LAYERS, TILE_BUFFER, TILE_EXTENT, type TileLayer } from './layers.ts';
import * as q from './queries.ts';

export type TileEngine = 'postgis' | 'javascript';

const engines = new WeakMap<Db, Promise<TileEngine>>();

/** ST_AsMVT where the database's PostGIS has it (asked once per database), else JavaScript. */
export function engineOf(db: Db): Promise<TileEngine> {
  let e = engines.get(db);
  if (!e) {
    e = q.hasMvt(db).then((yes) => (yes ? 'postgis' : 'javascript'));
    engines.set(db, e);
  }
  return e;
}

export interface TileRequest {
  layer: string;
  z: number;
  x: number;
  y: number;
}

/** Checks the layer, the tile and the caller's right to the layer; the caller's scope for private layers. */
export function checkTileRequest(r: TileRequest, scope: Scope | undefined): { layer: TileLayer; tile: TileId; scope: Scope | null } {
  if (!isTileLayer(r.layer)) throw NotFound('error.notFound');
  const tile = { z: r.z, x: r.x, y: r.y };
  if (!isTile(tile)) throw NotFound('error.notFound');
  const access = LAYERS[r.layer].access;
  if (access === 'public') return { layer: r.layer, tile, scope: null };
  if (!scope) throw Unauthenticated();
  if (access.permission && !can(scope.role, access.permission)) throw Forbidden('error.forbidden');
  return { layer: r.layer, tile, scope };
}

export const tileQuery = (t: TileId): q.TileQuery => ({ ...t, bounds: tileBounds(t, TILE_BUFFER / TILE_EXTENT), exact: tileBounds(t) });

/** Makes one tile with the given engine (no cache): the tile test suite compares the two engines. */
export async function makeTile(db: Db, layer: TileLayer, tile: TileId, scope: Scope | null, engine: TileEngine): Promise<Uint8Array> {
  const t = tileQuery(tile);
  const fq = q.featureQuery(db, layer, t, scope);
  if (engine === 'postgis') return q.mvtFromDatabase(db, layer, t, fq);
  return encodeTile(layer, t, await q.rowsAsGeoJson(db, fq));
}

/** The key a tile is kept under: public tiles are everyone's; private ones are their area's. */
export const cacheKey = (layer: TileLayer, { z, x, y }: TileId, scope: Scope | null) => `${layer}/${z}/${x}/${y}${scope ? `@${scope.areaCode}` : ''}`;

export interface TileAnswer {
  /** Undefined: the caller's copy (ifNoneMatch) is still the tile. */
  bytes: Uint8Array | undefined;
  /**
   * Changes whenever the tile may have: the process, the layer's generation, the area. Only while
   * change notices are heard (otherwise a generation would not move when the data does).
   */
  etag: string | undefined;
  cached: boolean;
}

/** A tile, from the cache when its data has not changed since it was made. */
export async function getTile(db: Db, cache: TileCache, r: TileRequest, sessionScope: Scope | undefined, ifNoneMatch?: string): Promise<TileAnswer> {
  const { layer, tile, scope } = checkTileRequest(r, sessionScope);
  const keeping = await cache.ready();
  const key = cacheKey(layer, tile, scope);
  const generation = cache.generation(layer);
  const etag = keeping ? `"${cache.boot}-${generation}-${layer}${scope ? `-${scope.areaCode}` : ''}"` : undefined;
  if (etag && ifNoneMatch === etag) return { bytes: undefined, etag, cached: true };
  const kept = keeping ? cache.get(key, layer) : undefined;
  if (kept) return { bytes: kept, etag, cached: true };
  const bytes = await makeTile(db, layer, tile, scope, await engineOf(db));
  if (keeping) cache.set(key, layer, generation, bytes);
  return { bytes, etag, cached: false };
}
