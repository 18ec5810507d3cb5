// SQL snapshot cases of spatial-qa/queries.ts → api/queries/spatial-qa.sql (docs/decisions/0019).
import { moduleSpec } from '../../queries/capture.ts';
import { COUNTY, countyOfficial, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';

export default moduleSpec('spatial-qa', 'api/modules/spatial-qa/queries.ts', q, {
  findArea: [{ run: (db) => q.findArea(db, COUNTY) }],
  householdsOutsideVillage: [
    { label: 'county official', run: (db) => q.householdsOutsideVillage(db, countyOfficial, 500) },
    { label: 'village cadre', run: (db) => q.householdsOutsideVillage(db, villageCadre, 500) },
  ],
  sharedPoints: [
    { label: 'county official', run: (db) => q.sharedPoints(db, countyOfficial, 500, 20) },
    { label: 'village cadre', run: (db) => q.sharedPoints(db, villageCadre, 500, 20) },
  ],
  projectsOutsideVillages: [
    { label: 'county official', run: (db) => q.projectsOutsideVillages(db, countyOfficial, 500, 50) },
    { label: 'village cadre', run: (db) => q.projectsOutsideVillages(db, villageCadre, 500, 50) },
  ],
  villagesWithoutBoundary: [
    { label: 'county official', run: (db) => q.villagesWithoutBoundary(db, countyOfficial, 500) },
    { label: 'village cadre', run: (db) => q.villagesWithoutBoundary(db, villageCadre, 500) },
  ],
});
