// Web-Mercator tile arithmetic (the XYZ scheme MapLibre and ST_TileEnvelope share): a tile's
// bounds in WGS84 degrees, and which tile holds a point. Pure functions for the server and web.

export const MAX_TILE_ZOOM = 22;

export interface TileId {
  z: number;
  x: number;
  y: number;
}

/** Whether z/x/y name a tile of the pyramid (0 ≤ z ≤ MAX_TILE_ZOOM, 0 ≤ x, y < 2^z). */
export function isTile({ z, x, y }: TileId): boolean {
  const n = 2 ** z;
  return [z, x, y].every(Number.isSafeInteger) && z >= 0 && z <= MAX_TILE_ZOOM && x >= 0 && x < n && y >= 0 && y < n;
}

const lonOf = (x: number, z: number) => (x / 2 ** z) * 360 - 180;
const latOf = (y: number, z: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;

/**
 * The tile's [west, south, east, north] in degrees, grown on every side by `buffer` of the
 * tile's width (e.g. 64 / 4096: what a tile keeps beyond its edge so that lines join).
 */
export function tileBounds({ z, x, y }: TileId, buffer = 0): [number, number, number, number] {
  return [lonOf(x - buffer, z), latOf(y + 1 + buffer, z), lonOf(x + 1 + buffer, z), latOf(y - buffer, z)];
}

/** The tile at zoom z holding a WGS84 point. */
export function tileOf(lon: number, lat: number, z: number): TileId {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}
