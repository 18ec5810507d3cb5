// The JavaScript tile encoder, for a database whose PostGIS cannot make tiles (PGlite): the
// feature query's rows as GeoJSON → one tile clipped with its buffer (@maplibre/geojson-vt's
// geoJSONToTile, no index: the rows are already the tile's) → Mapbox Vector Tile 2.1 protobuf
// (@maplibre/vt-pbf). The tile test suite checks it gives the features ST_AsMVT gives.
import { geoJSONToTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { Geometry } from 'geojson';
import type { GeoJsonRow, TileQuery } from './queries.ts';
import { TILE_BUFFER, TILE_EXTENT, type TileLayer } from './layers.ts';

export function encodeTile(layer: TileLayer, t: TileQuery, rows: readonly GeoJsonRow[]): Uint8Array {
  if (rows.length === 0) return new Uint8Array(0);
  const features = rows.map((r) => ({ type: 'Feature' as const, geometry: JSON.parse(r.geometry) as Geometry, properties: r.properties }));
  // tolerance 0: no simplification beyond the grid, like ST_AsMVTGeom (outlines are simplified in SQL).
  const tile = geoJSONToTile({ type: 'FeatureCollection', features }, t.z, t.x, t.y, {
    extent: TILE_EXTENT,
    buffer: TILE_BUFFER,
    tolerance: 0,
    clip: true,
  });
  if (!tile || tile.features.length === 0) return new Uint8Array(0);
  return fromGeojsonVt({ [layer]: tile }, { version: 2, extent: TILE_EXTENT });
}
