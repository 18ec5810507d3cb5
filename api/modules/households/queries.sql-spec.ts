// SQL snapshot cases of households/queries.ts → api/queries/households.sql (docs/decisions/0019).
// listHouseholds is the hot household search: every shape it compiles to (by scope level, search
// kind and filters) has a case of its own.
import { sql } from 'kysely';
import { answer, inTurn, moduleSpec } from '../../queries/capture.ts';
import { AT, COUNTY, countyOfficial, ID, ID2, prefectureAdmin, TOWNSHIP, townshipOfficer, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';

const page = { limit: 20, offset: 0 };
/** The page query answers no row (a page past the end): the count is then read on its own. */
const pastTheEnd = inTurn([], [{ n: 0 }]);

export default moduleSpec('households', 'api/modules/households/queries.ts', q, {
  missingFieldCounts: [{ label: 'village cadre', run: (db) => q.missingFieldCounts(db, villageCadre, { now: AT }) }],
  listHouseholds: [
    { label: 'village cadre, the village list', run: (db) => q.listHouseholds(db, villageCadre, { ...page }), respond: pastTheEnd },
    {
      label: 'county official, a village of the county, count capped',
      run: (db) => q.listHouseholds(db, countyOfficial, { ...page, area: VILLAGE, countLimit: 10_000 }),
      respond: pastTheEnd,
    },
    {
      label: 'township officer, a township, count capped',
      run: (db) => q.listHouseholds(db, townshipOfficer, { ...page, area: TOWNSHIP, countLimit: 10_000 }),
      respond: pastTheEnd,
    },
    {
      label: 'village cadre, every filter',
      run: (db) =>
        q.listHouseholds(db, villageCadre, {
          ...page,
          status: '监测对象',
          householdType: '一般户',
          monitoringCategory: '脱贫不稳定户',
          registryState: '在册',
          cause: '因病',
          guaranteeUnmet: true,
        }),
      respond: pastTheEnd,
    },
    {
      label: 'county official, name search from the search indexes alone',
      run: (db) => q.listHouseholds(db, countyOfficial, { ...page, search: { kind: 'name', value: '王' }, countLimit: 10_000 }),
      respond: pastTheEnd,
    },
    {
      label: 'county official, initials search from the search indexes alone, in 户编号 order',
      run: (db) => q.listHouseholds(db, countyOfficial, { ...page, search: { kind: 'initials', value: 'wj' }, countLimit: 10_000 }),
      respond: pastTheEnd,
    },
    {
      label: 'county official, one-letter initials search',
      run: (db) => q.listHouseholds(db, countyOfficial, { ...page, search: { kind: 'initials', value: 'w' }, countLimit: 10_000 }),
      respond: pastTheEnd,
    },
    {
      label: 'admin of the prefecture, initials search',
      run: (db) => q.listHouseholds(db, prefectureAdmin, { ...page, search: { kind: 'initials', value: 'wj' }, countLimit: 10_000 }),
      respond: pastTheEnd,
    },
    {
      label: 'village cadre, name search',
      run: (db) => q.listHouseholds(db, villageCadre, { ...page, search: { kind: 'name', value: '王' }, countLimit: 10_000 }),
      respond: pastTheEnd,
    },
    {
      label: 'county official, initials search with a filter',
      run: (db) => q.listHouseholds(db, countyOfficial, { ...page, status: '脱贫户', search: { kind: 'initials', value: 'wj' }, countLimit: 10_000 }),
      respond: pastTheEnd,
    },
    {
      label: 'county official, ID number digits that may also be a 户编号',
      run: (db) =>
        q.listHouseholds(db, countyOfficial, { ...page, search: { kind: 'idNumber', value: '522324199001011234', householdNo: '522324199001011234' } }),
      respond: pastTheEnd,
    },
    {
      label: 'village cadre, full ID number',
      run: (db) => q.listHouseholds(db, villageCadre, { ...page, search: { kind: 'idNumber', value: '52232419900101123X' } }),
      respond: pastTheEnd,
    },
    {
      label: 'county official, 户编号 prefix',
      run: (db) => q.listHouseholds(db, countyOfficial, { ...page, search: { kind: 'householdNo', value: '5223241012' } }),
      respond: pastTheEnd,
    },
  ],
  findHousehold: [{ run: (db) => q.findHousehold(db, ID) }],
  insertHousehold: [
    {
      run: (db) =>
        q.insertHousehold(db, {
          county_code: COUNTY,
          village_code: VILLAGE,
          household_no: '522324D0000001',
          household_type: '一般户',
          head_name: '张三',
          head_initials: 'zs',
          status: '未脱贫户',
          registry_state: '待识别',
          location: q.pointSql(105.21, 25.83),
        }),
      respond: answer({ id: ID }),
    },
  ],
  liveMemberKeys: [{ run: (db) => q.liveMemberKeys(db, ['52232419900101123X', '522324199001011234']) }],
  insertHouseholds: [
    {
      label: 'two households, one placed',
      run: (db) =>
        q.insertHouseholds(db, [
          {
            county_code: COUNTY,
            village_code: VILLAGE,
            household_no: '52232410120900001',
            head_name: '张三',
            head_initials: 'zs',
            household_type: '一般户',
            status: '脱贫户',
            location: q.pointSql(105.21, 25.83),
          },
          {
            county_code: COUNTY,
            village_code: VILLAGE,
            household_no: '52232410120900002',
            head_name: '李四',
            head_initials: 'ls',
            household_type: '一般户',
            status: '脱贫户',
            location: null,
          },
        ]),
    },
  ],
  insertMembers: [
    {
      run: (db) =>
        q.insertMembers(db, [
          {
            household_id: ID,
            county_code: COUNTY,
            name: '张三',
            name_initials: 'zs',
            id_number: '52232419900101123X',
            sex: '男',
            birth_date: '1990-01-01',
            relation: '户主',
            person_status: '正常',
            registry_duplicate: false,
          },
        ]),
    },
  ],
  lastHouseholdNo: [{ run: (db) => q.lastHouseholdNo(db, COUNTY, `${COUNTY}D`, 7) }],
  findArea: [{ run: (db) => q.findArea(db, VILLAGE) }],
  lockHousehold: [{ run: (db) => q.lockHousehold(db, ID) }],
  pointSql: [{ run: (db) => sql`select ${q.pointSql(105.21, 25.83)}`.execute(db) }],
  updateHousehold: [
    {
      label: 'versioned, with a location',
      run: (db) => q.updateHousehold(db, ID, 3, { phone: '13800000000', location: { lon: 105.21, lat: 25.83 }, location_at: AT }),
    },
    { label: 'unversioned, location removed', run: (db) => q.updateHousehold(db, ID, null, { location: null, address: '保家村三组' }) },
  ],
  insertRecord: [
    {
      run: (db) => q.insertRecord(db, 'visits', { household_id: ID, county_code: COUNTY, visited_at: AT, visitor_name: '张三' }),
      respond: answer({ id: ID2 }),
    },
  ],
  updateVersioned: [{ run: (db) => q.updateVersioned(db, 'members', ID2, 4, { phone: '13800000000' }) }],
  softDelete: [{ run: (db) => q.softDelete(db, 'assistance_measures', ID2, 1) }],
  findChild: [{ run: (db) => q.findChild(db, 'members', ID, ID2) }],
  listMembers: [{ run: (db) => q.listMembers(db, ID) }],
  findMember: [{ run: (db) => q.findMember(db, ID, ID2) }],
  findPersonMemberships: [{ run: (db) => q.findPersonMemberships(db, '52232419900101123X') }],
  idExists: [{ run: (db) => q.idExists(db, 'photos', ID) }],
  listYears: [{ run: (db) => q.listYears(db, ID) }],
  findYear: [{ run: (db) => q.findYear(db, ID, 2025) }],
  countyLines: [{ run: (db) => q.countyLines(db, COUNTY) }],
  countLiveMembers: [{ run: (db) => q.countLiveMembers(db, ID), respond: answer({ n: 0 }) }],
  listCadres: [{ run: (db) => q.listCadres(db, ID) }],
  listMeasures: [{ run: (db) => q.listMeasures(db, ID) }],
  listVisits: [{ run: (db) => q.listVisits(db, ID) }],
  findVisit: [{ run: (db) => q.findVisit(db, ID, ID2) }],
  listPhotos: [{ run: (db) => q.listPhotos(db, ID) }],
  listWorkTeams: [
    { label: 'village cadre', run: (db) => q.listWorkTeams(db, villageCadre) },
    { label: 'county official, one village', run: (db) => q.listWorkTeams(db, countyOfficial, VILLAGE) },
  ],
  findWorkTeam: [{ run: (db) => q.findWorkTeam(db, ID) }],
  historyEntries: [{ run: (db) => q.historyEntries(db, ID) }],
  historyEntry: [{ run: (db) => q.historyEntry(db, ID, 42) }],
  memberNames: [{ run: (db) => q.memberNames(db, ID, [ID2]) }],
});
