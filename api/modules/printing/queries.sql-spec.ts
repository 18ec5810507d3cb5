// SQL snapshot cases of printing/queries.ts → api/queries/printing.sql (docs/decisions/0019).
import { moduleSpec } from '../../queries/capture.ts';
import { AT, COUNTY, countyOfficial, ID, ID2, TOWNSHIP, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';

export default moduleSpec('printing', 'api/modules/printing/queries.ts', q, {
  findVillage: [{ run: (db) => q.findVillage(db, VILLAGE) }],
  findHouseholdArea: [{ run: (db) => q.findHouseholdArea(db, ID) }],
  listVillageHouseholdIds: [
    { label: 'village cadre', run: (db) => q.listVillageHouseholdIds(db, villageCadre, VILLAGE) },
    { label: 'county official', run: (db) => q.listVillageHouseholdIds(db, countyOfficial, VILLAGE) },
  ],
  loadHouseholds: [
    { label: 'village cadre', run: (db) => q.loadHouseholds(db, villageCadre, [ID, ID2]) },
    { label: 'county official', run: (db) => q.loadHouseholds(db, countyOfficial, [ID, ID2]) },
  ],
  loadMembers: [{ run: (db) => q.loadMembers(db, [ID, ID2]) }],
  loadMemberDetails: [{ run: (db) => q.loadMemberDetails(db, [ID, ID2]) }],
  loadCadres: [{ run: (db) => q.loadCadres(db, [ID, ID2], '2026-03-01') }],
  loadMeasures: [{ run: (db) => q.loadMeasures(db, [ID, ID2]) }],
  findWorkTeam: [{ run: (db) => q.findWorkTeam(db, VILLAGE, '2026-03-01') }],
  loadLines: [{ run: (db) => q.loadLines(db, COUNTY, [2025, 2026]) }],
  listPublicityEntries: [
    { label: 'village cadre', run: (db) => q.listPublicityEntries(db, villageCadre, VILLAGE) },
    { label: 'county official', run: (db) => q.listPublicityEntries(db, countyOfficial, VILLAGE) },
  ],
  findArea: [{ run: (db) => q.findArea(db, TOWNSHIP) }],
  listAnnouncementEntries: [
    { label: 'county official, the county', run: (db) => q.listAnnouncementEntries(db, countyOfficial, COUNTY, AT, new Date('2026-04-01T00:00:00Z')) },
    { label: 'village cadre, the village', run: (db) => q.listAnnouncementEntries(db, villageCadre, VILLAGE, AT, new Date('2026-04-01T00:00:00Z')) },
  ],
});
