// SQL snapshot cases of stats/queries.ts → api/queries/stats.sql (docs/decisions/0019).
import { moduleSpec } from '../../queries/capture.ts';
import { COUNTY, countyOfficial, TOWNSHIP, townshipOfficer, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';

const SINCE = new Date('2026-03-01T00:00:00Z');

export default moduleSpec('stats', 'api/modules/stats/queries.ts', q, {
  findArea: [{ run: (db) => q.findArea(db, COUNTY) }],
  registryCounts: [
    { label: 'county official', run: (db) => q.registryCounts(db, countyOfficial) },
    { label: 'village cadre', run: (db) => q.registryCounts(db, villageCadre) },
  ],
  causeCounts: [
    { label: 'county official', run: (db) => q.causeCounts(db, countyOfficial) },
    { label: 'village cadre', run: (db) => q.causeCounts(db, villageCadre) },
  ],
  guaranteeGaps: [
    { label: 'county official', run: (db) => q.guaranteeGaps(db, countyOfficial) },
    { label: 'village cadre', run: (db) => q.guaranteeGaps(db, villageCadre) },
  ],
  findingCounts: [
    { label: 'county official', run: (db) => q.findingCounts(db, countyOfficial) },
    { label: 'village cadre', run: (db) => q.findingCounts(db, villageCadre) },
  ],
  childFigures: [
    { label: 'county official, the townships', run: (db) => q.childFigures(db, countyOfficial, { code: COUNTY, childLength: 9, visitedSince: SINCE }) },
    { label: 'township officer, the villages', run: (db) => q.childFigures(db, townshipOfficer, { code: TOWNSHIP, childLength: 12, visitedSince: SINCE }) },
    {
      label: 'village cadre, the village itself',
      run: (db) => q.childFigures(db, villageCadre, { code: VILLAGE, self: true, childLength: 12, visitedSince: SINCE }),
    },
  ],
});
