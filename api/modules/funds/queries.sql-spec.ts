// SQL snapshot cases of funds/queries.ts → api/queries/funds.sql (docs/decisions/0019).
import { answer, moduleSpec } from '../../queries/capture.ts';
import { Scope } from '../auth/scope.ts';
import { AT, COUNTY, countyOfficial, ID, ID2, prefectureAdmin, TOWNSHIP, townshipOfficer, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import { APPROVED_STATES } from '../projects/code-lists.ts';
import * as q from './queries.ts';

const SOURCE = '中央财政衔接推进乡村振兴补助资金';
const villageSupervisor = new Scope(VILLAGE, 'village_supervisor');

export default moduleSpec('funds', 'api/modules/funds/queries.ts', q, {
  lockProject: [{ run: (db) => q.lockProject(db, ID) }],
  projectTotals: [{ run: (db) => q.projectTotals(db, COUNTY, ID) }],
  hasBudgetLine: [{ run: (db) => q.hasBudgetLine(db, ID, SOURCE) }],
  isBeneficiary: [{ run: (db) => q.isBeneficiary(db, ID, ID2) }],
  findEntry: [{ run: (db) => q.findEntry(db, ID) }],
  reversalOf: [{ run: (db) => q.reversalOf(db, ID) }],
  insertEntry: [
    {
      run: (db) =>
        q.insertEntry(db, {
          county_code: COUNTY,
          project_id: ID,
          kind: '报账',
          source: SOURCE,
          amount_fen: 1_250_000,
          booked_on: '2026-03-01',
          reversal_of: null,
          reason: null,
          voucher_no: '记-2026-0031',
          document_no: null,
          payee: '沙子镇财政所',
          household_id: null,
          note: null,
          created_by: ID2,
          created_by_name: '李四',
          created_by_role: 'township_officer',
          created_at: AT,
        }),
      respond: answer({ id: ID }),
    },
  ],
  listProjectEntries: [
    { label: 'village cadre', run: (db) => q.listProjectEntries(db, villageCadre, ID) },
    { label: 'county official', run: (db) => q.listProjectEntries(db, countyOfficial, ID) },
  ],
  balances: [
    { label: 'county official, the county total', run: (db) => q.balances(db, countyOfficial, { by: [] }) },
    {
      label: 'county official, by township and source in a period',
      run: (db) => q.balances(db, countyOfficial, { by: ['township', 'source'], from: '2026-01-01', to: '2026-12-31' }),
    },
    {
      label: 'township officer, by project for a plan year and a source',
      run: (db) => q.balances(db, townshipOfficer, { by: ['project'], year: 2026, source: SOURCE }),
    },
    { label: 'village cadre, by village and year', run: (db) => q.balances(db, villageCadre, { by: ['village', 'year'] }) },
    { label: 'prefecture admin, by county within a township', run: (db) => q.balances(db, prefectureAdmin, { by: ['county'], areaCode: TOWNSHIP }) },
    { label: 'one project by source', run: (db) => q.balances(db, countyOfficial, { by: ['source'], projectId: ID }) },
  ],
  findVillage: [{ run: (db) => q.findVillage(db, VILLAGE) }],
  villageFigures: [{ run: (db) => q.villageFigures(db, VILLAGE, '2026-01-01', '2026-12-31', APPROVED_STATES) }],
  villageBeneficiaries: [{ run: (db) => q.villageBeneficiaries(db, VILLAGE, '2000-01-01', '2026-12-31') }],
  villageNotices: [{ run: (db) => q.villageNotices(db, VILLAGE) }],
  countEntries: [
    { label: 'village supervisor, everything', run: (db) => q.countEntries(db, villageSupervisor, {}), respond: answer({ n: 0 }) },
    {
      label: 'county official, every filter',
      run: (db) =>
        q.countEntries(db, countyOfficial, { projectId: ID, villageCode: VILLAGE, source: SOURCE, kind: '拨付', from: '2026-01-01', to: '2026-06-30' }),
      respond: answer({ n: 0 }),
    },
  ],
  listEntries: [
    { label: 'village cadre, first page', run: (db) => q.listEntries(db, villageCadre, {}, { limit: 50, offset: 0 }) },
    {
      label: 'county official, a village and a kind in a period',
      run: (db) => q.listEntries(db, countyOfficial, { villageCode: VILLAGE, kind: '到户', from: '2026-01-01', to: '2026-12-31' }, { limit: 50, offset: 100 }),
    },
    { label: 'prefecture admin, one project', run: (db) => q.listEntries(db, prefectureAdmin, { projectId: ID, source: SOURCE }, { limit: 500, offset: 0 }) },
  ],
  villageHouseholdPayments: [{ run: (db) => q.villageHouseholdPayments(db, VILLAGE, '2026-01-01', '2026-12-31'), respond: answer({ paid: 0, households: 0 }) }],
});
