// SQL snapshot cases of projects/queries.ts → api/queries/projects.sql (docs/decisions/0019).
import { sql } from 'kysely';
import { answer, moduleSpec } from '../../queries/capture.ts';
import { AT, COUNTY, countyOfficial, ID, ID2, townshipOfficer, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import { APPROVED_STATES } from '../../shared/project-chain.ts';
import * as q from './queries.ts';

const SOURCE = '中央财政衔接推进乡村振兴补助资金';
const POINT = '{"type":"Point","coordinates":[105.23,25.74]}';
const VALUES: q.ProjectValues = {
  name: '保家村通组公路硬化',
  type: '农村道路',
  plan_year: 2026,
  village_code: VILLAGE,
  geojson: POINT,
  implementing_unit: '沙子镇人民政府',
  person_in_charge: '杨干部',
  planned_start: '2026-03-01',
  planned_end: '2026-09-30',
  performance_targets: '{}',
};

export default moduleSpec('projects', 'api/modules/projects/queries.ts', q, {
  areasByCode: [{ run: (db) => q.areasByCode(db, [VILLAGE, '522324101002']) }],
  projectTileRows: [
    {
      label: 'village cadre, a z14 tile',
      run: (db) =>
        q
          .projectTileRows(db, villageCadre, sql`ST_MakeEnvelope(105.2, 25.7, 105.25, 25.75, 4326)`)
          .orderBy('p.id')
          .execute(),
    },
  ],
  checkGeometry: [{ run: (db) => q.checkGeometry(db, POINT, [VILLAGE, '522324101002'], 50) }],
  householdsByIds: [{ run: (db) => q.householdsByIds(db, [ID, ID2]) }],
  insertProject: [
    {
      run: (db) => q.insertProject(db, { ...VALUES, county_code: COUNTY, created_by: ID2, created_by_name: '罗书记', now: AT }),
      respond: answer({ id: ID, version: 1 }),
    },
  ],
  updateProject: [
    { label: 'name and geometry', run: (db) => q.updateProject(db, ID, { name: '改名', geojson: POINT }, AT), respond: answer({ id: ID, version: 2 }) },
    { label: 'geometry removed', run: (db) => q.updateProject(db, ID, { geojson: null }, AT), respond: answer({ id: ID, version: 2 }) },
  ],
  changeProject: [
    {
      run: (db) => q.changeProject(db, ID, { state: '公告公示', approved_at: AT, notice_started_at: AT }, AT),
      respond: answer({ id: ID, state: '公告公示', version: 5 }),
    },
  ],
  replaceVillages: [{ run: (db) => q.replaceVillages(db, ID, COUNTY, [VILLAGE, '522324101002']) }],
  replaceBudget: [{ run: (db) => q.replaceBudget(db, ID, COUNTY, [{ source: SOURCE, amount_fen: 10_000_000, note: null }]) }],
  replaceBeneficiaries: [{ run: (db) => q.replaceBeneficiaries(db, ID, COUNTY, [{ household_id: ID2, mechanism: '务工', note: null }], AT) }],
  lockProject: [{ run: (db) => q.lockProject(db, ID) }],
  insertStep: [
    {
      run: (db) =>
        q.insertStep(db, {
          project_id: ID,
          county_code: COUNTY,
          action: 'approve',
          from_state: '乡镇审核',
          to_state: '县级审定',
          note: null,
          objection_id: null,
          actor_id: ID2,
          actor_name: '杨干部',
          actor_role: 'township_officer',
          at: AT,
        }),
      respond: answer({ id: ID2, seq: 2 }),
    },
  ],
  insertAssets: [
    {
      run: (db) =>
        q.insertAssets(db, [
          {
            project_id: ID,
            county_code: COUNTY,
            name: '通组公路',
            kind: '公益性',
            value_fen: 10_000_000,
            owner: '保家村村民委员会',
            manager: '保家村村民委员会',
            household_id: null,
          },
        ]),
    },
  ],
  countAssets: [{ run: (db) => q.countAssets(db, ID), respond: answer({ n: 0 }) }],
  findProject: [
    { label: 'village cadre', run: (db) => q.findProject(db, villageCadre, ID) },
    { label: 'county official', run: (db) => q.findProject(db, countyOfficial, ID) },
  ],
  projectArea: [{ run: (db) => q.projectArea(db, ID) }],
  listVillages: [{ run: (db) => q.listVillages(db, ID) }],
  listBudget: [{ run: (db) => q.listBudget(db, ID) }],
  listBeneficiaries: [{ run: (db) => q.listBeneficiaries(db, ID) }],
  listAssets: [{ run: (db) => q.listAssets(db, ID) }],
  listSteps: [{ run: (db) => q.listSteps(db, ID) }],
  listProjects: [
    { label: 'village cadre, first page', run: (db) => q.listProjects(db, villageCadre, { limit: 50, offset: 0 }), respond: answer({ n: 0 }) },
    {
      label: 'county official, every filter',
      run: (db) => q.listProjects(db, countyOfficial, { state: '县级审定', type: '农村道路', year: 2026, village: VILLAGE, limit: 50, offset: 50 }),
      respond: answer({ n: 0 }),
    },
  ],
  projectGeometries: [
    { label: 'village cadre, no filter', run: (db) => q.projectGeometries(db, villageCadre, {}, 5000) },
    { label: 'county official, year and state', run: (db) => q.projectGeometries(db, countyOfficial, { state: '实施', year: 2026 }, 5000) },
  ],
  queuePage: [
    { label: 'township officer', run: (db) => q.queuePage(db, townshipOfficer, ['乡镇审核', '实施', '验收'], { limit: 50, offset: 0 }) },
    {
      label: 'county official, second page',
      run: (db) => q.queuePage(db, countyOfficial, ['县级审定', '公告公示', '验收', '资产移交', '绩效评价'], { limit: 50, offset: 50 }),
    },
  ],
  queueCounts: [{ label: 'county official', run: (db) => q.queueCounts(db, countyOfficial, ['县级审定', '公告公示', '验收', '资产移交', '绩效评价']) }],
  planProjects: [
    { label: 'county official', run: (db) => q.planProjects(db, countyOfficial, 2026, APPROVED_STATES) },
    { label: 'village cadre', run: (db) => q.planProjects(db, villageCadre, 2026, APPROVED_STATES) },
  ],
  planBudget: [{ label: 'county official', run: (db) => q.planBudget(db, countyOfficial, 2026, APPROVED_STATES) }],
  countExport: [
    {
      label: 'county official, every filter',
      run: (db) => q.countExport(db, countyOfficial, { state: '实施', type: '农村道路', year: 2026, village: VILLAGE }),
    },
  ],
  exportProjects: [
    { label: 'library, newest first', run: (db) => q.exportProjects(db, countyOfficial, { year: 2026 }, 'newest') },
    { label: 'plan, by village', run: (db) => q.exportProjects(db, villageCadre, { year: 2026, states: APPROVED_STATES }, 'village') },
  ],
  exportBudget: [{ label: 'plan', run: (db) => q.exportBudget(db, countyOfficial, { year: 2026, states: APPROVED_STATES }) }],
  findHousehold: [{ run: (db) => q.findHousehold(db, ID) }],
  householdProjects: [{ run: (db) => q.householdProjects(db, COUNTY, ID) }],
  householdPayments: [{ run: (db) => q.householdPayments(db, COUNTY, ID) }],
  insertMedia: [
    {
      label: 'a photo',
      run: (db) =>
        q.insertMedia(db, {
          project_id: ID,
          county_code: COUNTY,
          media: 'photo',
          stage: '实施中',
          taken_at: AT,
          lon: 105.23,
          lat: 25.74,
          caption: '路基施工',
          file_name: 'road.jpg',
          content_type: 'image/jpeg',
          byte_size: 1234,
          sha256: 'ab'.repeat(32),
          storage_key: `${COUNTY}/${'ab'.repeat(32)}`,
          added_by: ID2,
          added_by_name: '王乡长',
          added_by_role: 'township_officer',
          added_at: AT,
        }),
      respond: answer({ id: ID2 }),
    },
  ],
  listMedia: [{ run: (db) => q.listMedia(db, ID) }],
  findMedia: [
    { label: 'to read', run: (db) => q.findMedia(db, ID, ID2) },
    { label: 'locked, to remove', run: (db) => q.findMedia(db, ID, ID2, true) },
  ],
  removeMedia: [{ run: (db) => q.removeMedia(db, ID2, { id: ID, name: '王乡长' }, '重复上传', AT), respond: answer({ id: ID2, removed_at: AT }) }],
});
