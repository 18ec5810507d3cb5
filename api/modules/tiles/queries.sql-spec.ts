// SQL snapshot cases of tiles/queries.ts → api/queries/tiles.sql (docs/decisions/0019).
import { moduleSpec } from '../../queries/capture.ts';
import { countyOfficial, villageCadre } from '../../queries/scopes.ts';
import { tileBounds } from '../../../gis/tile.ts';
import { TILE_BUFFER, TILE_EXTENT } from './layers.ts';
import * as q from './queries.ts';

const tile = (z: number, x: number, y: number): q.TileQuery => ({
  z,
  x,
  y,
  bounds: tileBounds({ z, x, y }, TILE_BUFFER / TILE_EXTENT),
  exact: tileBounds({ z, x, y }),
});
const Z9 = tile(9, 405, 219);
const Z15 = tile(15, 12962, 7031);

export default moduleSpec('tiles', 'api/modules/tiles/queries.ts', q, {
  featureQuery: { notSql: 'builds the queries that mvtFromDatabase and rowsAsGeoJson run' },
  mvtFromDatabase: [
    { label: 'villages (public, aggregates)', run: (db) => q.mvtFromDatabase(db, 'villages', Z15, q.featureQuery(db, 'villages', Z15, null)) },
    { label: 'counties, simplified', run: (db) => q.mvtFromDatabase(db, 'counties', Z9, q.featureQuery(db, 'counties', Z9, null)) },
    { label: 'households, village cadre, points', run: (db) => q.mvtFromDatabase(db, 'households', Z15, q.featureQuery(db, 'households', Z15, villageCadre)) },
    { label: 'households, county, clusters', run: (db) => q.mvtFromDatabase(db, 'households', Z9, q.featureQuery(db, 'households', Z9, countyOfficial)) },
    { label: 'findings, county', run: (db) => q.mvtFromDatabase(db, 'findings', Z15, q.featureQuery(db, 'findings', Z15, countyOfficial)) },
    { label: 'projects, village cadre', run: (db) => q.mvtFromDatabase(db, 'projects', Z15, q.featureQuery(db, 'projects', Z15, villageCadre)) },
  ],
  rowsAsGeoJson: [{ label: 'households, village cadre', run: (db) => q.rowsAsGeoJson(db, q.featureQuery(db, 'households', Z15, villageCadre)) }],
  hasMvt: [{ run: (db) => q.hasMvt(db) }],
});
