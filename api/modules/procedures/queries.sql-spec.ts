// SQL snapshot cases of procedures/queries.ts → api/queries/procedures.sql (docs/decisions/0019).
import { answer, moduleSpec } from '../../queries/capture.ts';
import { AT, COUNTY, countyOfficial, ID, ID2, townshipOfficer, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';

const settings = { poverty_line: 450_000, monitoring_line: 700_000, medical_self_pay_threshold: 1_000_000, risk_elimination_months: 6 };

export default moduleSpec('procedures', 'api/modules/procedures/queries.ts', q, {
  lockHousehold: [{ run: (db) => q.lockHousehold(db, ID) }],
  applyHouseholdChange: [
    {
      run: (db) => q.applyHouseholdChange(db, ID, { status: '监测对象', monitoring_category: '突发严重困难户', risk_types: ['因病'] }, AT),
      respond: answer({ id: ID }),
    },
  ],
  latestYear: [{ run: (db) => q.latestYear(db, ID) }],
  riskEliminationMonths: [{ run: (db) => q.riskEliminationMonths(db, COUNTY, 2026) }],
  monitoredSince: [{ run: (db) => q.monitoredSince(db, ID) }],
  currentMembers: [{ run: (db) => q.currentMembers(db, ID) }],
  setMemberStatus: [{ run: (db) => q.setMemberStatus(db, ID2, '死亡', '2026-01-05', AT), respond: answer({ id: ID2 }) }],
  findProcedure: [{ run: (db) => q.findProcedure(db, ID) }],
  lockProcedure: [{ run: (db) => q.lockProcedure(db, ID) }],
  openProcedureOf: [{ run: (db) => q.openProcedureOf(db, ID) }],
  procedureById: [{ run: (db) => q.procedureById(db, ID) }],
  findingForProcedure: [{ run: (db) => q.findingForProcedure(db, ID) }],
  insertProcedure: [
    {
      run: (db) =>
        q.insertProcedure(db, {
          origin: 'manual',
          finding_id: null,
          county_code: COUNTY,
          village_code: VILLAGE,
          household_id: ID,
          type: '监测对象认定',
          stage: '村级评议',
          from_state: '脱贫户',
          to_state: '监测对象',
          reason: '因病',
          evidence: { text: '住院', references: [] },
          payload: {},
          started_by: ID2,
          started_by_name: '张三',
          started_by_role: 'village_cadre',
          now: AT,
        }),
      respond: answer({ id: ID, version: 1 }),
    },
  ],
  updateProcedure: [{ run: (db) => q.updateProcedure(db, ID, { status: 'completed', stage: null, closed_at: AT }, AT), respond: answer({ id: ID }) }],
  insertStep: [
    {
      run: (db) =>
        q.insertStep(db, {
          procedure_id: ID,
          county_code: COUNTY,
          stage: '乡镇审核',
          action: 'approve',
          note: null,
          actor_id: ID2,
          actor_name: '李四',
          actor_role: 'township_officer',
          at: AT,
        }),
      respond: answer({ id: ID2, seq: 3 }),
    },
  ],
  listSteps: [{ run: (db) => q.listSteps(db, ID) }],
  listProcedures: [
    {
      label: 'village cadre, every filter',
      run: (db) =>
        q.listProcedures(db, villageCadre, { householdId: ID, status: 'open', type: '监测对象认定', stage: '村内公示', area: VILLAGE, limit: 20, offset: 0 }),
      respond: answer({ n: 0 }),
    },
    {
      label: 'county official, waiting at the county',
      run: (db) => q.listProcedures(db, countyOfficial, { stages: ['县级审定'], limit: 20, offset: 0 }),
      respond: answer({ n: 0 }),
    },
    {
      label: 'township officer, notices ending, the longest-waiting first',
      run: (db) => q.listProcedures(db, townshipOfficer, { stages: ['村内公示'], publicityStartedBefore: AT, order: 'waiting', limit: 5, offset: 0 }),
      respond: answer({ n: 0 }),
    },
  ],
  findCountySettings: [{ run: (db) => q.findCountySettings(db, COUNTY, 2026) }],
  listCountySettings: [{ run: (db) => q.listCountySettings(db, COUNTY) }],
  insertCountySettings: [{ run: (db) => q.insertCountySettings(db, COUNTY, 2026, settings) }],
  updateCountySettings: [{ run: (db) => q.updateCountySettings(db, COUNTY, 2026, 2, settings) }],
  insertManyCountySettings: [
    {
      run: (db) =>
        q.insertManyCountySettings(db, [
          { county_code: COUNTY, year: 2025, ...settings },
          { county_code: COUNTY, year: 2026, ...settings },
        ]),
    },
  ],
  countiesUnder: [{ run: (db) => q.countiesUnder(db, '5223') }],
});
