// SQL snapshot cases of lines/queries.ts → api/queries/lines.sql (docs/decisions/0019).
import { moduleSpec } from '../../queries/capture.ts';
import { COUNTY, countyOfficial, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';

const NOW = { poverty: 300_000, monitoring: 450_000 };
const THEN = { poverty: 330_000, monitoring: 500_000 };

export default moduleSpec('lines', 'api/modules/lines/queries.ts', q, {
  countyLines: [{ run: (db) => q.countyLines(db, COUNTY, 2025) }],
  villageCounts: [{ label: 'county official, the county', run: (db) => q.villageCounts(db, countyOfficial, COUNTY, 2025, NOW, THEN) }],
  crossing: [{ label: 'village cadre, the village', run: (db) => q.crossing(db, villageCadre, VILLAGE, 2025, NOW, THEN, 200) }],
});
