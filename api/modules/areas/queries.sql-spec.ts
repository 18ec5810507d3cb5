// SQL snapshot cases of areas/queries.ts → api/queries/areas.sql (docs/decisions/0019).
import { moduleSpec } from '../../queries/capture.ts';
import { COUNTY, countyOfficial, TOWNSHIP, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';

export default moduleSpec('areas', 'api/modules/areas/queries.ts', q, {
  listAreas: [
    { label: 'county official, the county and its townships', run: (db) => q.listAreas(db, countyOfficial, { root: COUNTY, limit: 200 }) },
    {
      label: 'county official, search by level and name',
      run: (db) => q.listAreas(db, countyOfficial, { root: COUNTY, level: 'village', q: '保家', limit: 50 }),
    },
    { label: 'village cadre, from the county down', run: (db) => q.listAreas(db, villageCadre, { root: COUNTY, limit: 200 }) },
  ],
  findArea: [
    { label: 'county official', run: (db) => q.findArea(db, countyOfficial, TOWNSHIP) },
    { label: 'village cadre', run: (db) => q.findArea(db, villageCadre, VILLAGE) },
  ],
  findAreaNames: [{ run: (db) => q.findAreaNames(db, ['5223', COUNTY, TOWNSHIP]) }],
  listBoundaries: [
    { label: 'county official, the townships, simplified', run: (db) => q.listBoundaries(db, countyOfficial, COUNTY, { self: false, simplify: 0.001 }) },
    { label: 'village cadre, the village itself', run: (db) => q.listBoundaries(db, villageCadre, VILLAGE, { self: true }) },
  ],
  stageBoundaries: [
    {
      run: (db) =>
        q.stageBoundaries(db, [
          { idx: 1, code: VILLAGE, geometry: '{"type":"Polygon","coordinates":[[[105.2,25.8],[105.21,25.8],[105.21,25.81],[105.2,25.8]]]}' },
        ]),
    },
  ],
  checkStagedBoundaries: [{ run: (db) => q.checkStagedBoundaries(db) }],
  repairStagedBoundaries: [{ run: (db) => q.repairStagedBoundaries(db, [1, 3]) }],
  boundaryOverlaps: [{ run: (db) => q.boundaryOverlaps(db, 0.01) }],
  boundaryGaps: [{ run: (db) => q.boundaryGaps(db, 0.01) }],
  replaceBoundaries: [{ run: (db) => q.replaceBoundaries(db, 'import:villages.geojson') }],
});
