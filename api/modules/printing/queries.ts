// SQL for printing and export: read-only, set-based reads of the card tables for a batch of
// households (one statement per table per batch, never one per household). Every batch is
// restricted by the caller's scope (scope.sql) even though callers pass ids they already scoped.
import { sql } from 'kysely';
import type { DbOrTrx as Db } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';

/** Village, its township and county names for a 12-digit village code (public context). */
export const findVillage = (db: Db, code: string) =>
  db
    .selectFrom('areas as v')
    .leftJoin('areas as t', 't.code', 'v.parent_code')
    .leftJoin('areas as c', 'c.code', 't.parent_code')
    .select(['v.code', 'v.name', 'v.level', 't.name as township_name', 'c.name as county_name'])
    .where('v.code', '=', code)
    .executeTakeFirst();

/** The household (not deleted) and its village, for the scope check before anything is read. */
export const findHouseholdArea = (db: Db, id: string) =>
  db
    .selectFrom('households')
    .select(['id', 'village_code', 'county_code', 'household_no'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();

/** Ids of a village's households in print order (村民小组, 户编号). */
export const listVillageHouseholdIds = (db: Db, scope: Scope, villageCode: string) =>
  db
    .selectFrom('households as h')
    .select('h.id')
    .where(scope.sql('h.village_code', 'h.county_code'))
    .where('h.county_code', '=', villageCode.slice(0, 6))
    .where('h.village_code', '=', villageCode)
    .where('h.deleted_at', 'is', null)
    .orderBy(sql`coalesce(h.group_name, '')`)
    .orderBy('h.household_no')
    .execute();

/** Households with area names and the latest year's snapshot (收入年度), in the given order. */
export async function loadHouseholds(db: Db, scope: Scope, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('households as h')
    .innerJoin('areas as v', 'v.code', 'h.village_code')
    .leftJoin('areas as t', 't.code', 'v.parent_code')
    .leftJoin('areas as c', 'c.code', 't.parent_code')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('household_years as y')
          .selectAll('y')
          .whereRef('y.household_id', '=', 'h.id')
          .where('y.deleted_at', 'is', null)
          .orderBy('y.year', 'desc')
          .limit(1)
          .as('y'),
      (join) => join.onTrue(),
    )
    .select([
      'h.id',
      'h.county_code',
      'h.village_code',
      'h.group_name',
      'h.household_no',
      'h.head_name',
      'h.address',
      'h.phone',
      'h.bank_name',
      'h.bank_account',
      'h.household_type',
      'h.identification_standard',
      'h.status',
      'h.registry_state',
      'h.monitoring_category',
      'h.identified_year',
      'h.exit_year',
      'h.main_cause',
      'h.other_causes',
      'h.risk_types',
      'h.is_military_family',
      'h.is_relocated',
      'h.relocation_site',
      'v.name as village_name',
      't.name as township_name',
      'c.name as county_name',
      'y.year',
      'y.household_size',
      'y.wage_income',
      'y.business_income',
      'y.property_income',
      'y.transfer_income',
      'y.business_expense',
      'y.per_capita_income',
      'y.food_secure',
      'y.food_note',
      'y.clothing_secure',
      'y.clothing_note',
      'y.education_secure',
      'y.education_note',
      'y.medical_secure',
      'y.medical_note',
      'y.housing_secure',
      'y.housing_note',
      'y.water_secure',
      'y.water_note',
      (eb) =>
        eb
          .selectFrom('members as m')
          .select('m.id_number')
          .whereRef('m.household_id', '=', 'h.id')
          .where('m.deleted_at', 'is', null)
          .where('m.relation', '=', '户主')
          .limit(1)
          .as('head_id_number'),
      (eb) =>
        eb
          .selectFrom('members as m')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('m.household_id', '=', 'h.id')
          .where('m.deleted_at', 'is', null)
          .where('m.person_status', 'not in', ['死亡', '迁出'])
          .as('member_count'),
    ])
    .where('h.id', 'in', ids)
    .where('h.deleted_at', 'is', null)
    .where(scope.sql('h.village_code', 'h.county_code'))
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [r] : [];
  });
}
export type HouseholdRow = Awaited<ReturnType<typeof loadHouseholds>>[number];

/** Members who count as 家庭人口 (not deceased or moved out): 户主 first, then by birth date. */
export const loadMembers = (db: Db, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('members')
        .select(['household_id', 'name', 'id_number', 'sex', 'birth_date', 'relation', 'health', 'labor_skill', 'work_status', 'schooling', 'phone'])
        .where('household_id', 'in', ids)
        .where('deleted_at', 'is', null)
        .where('person_status', 'not in', ['死亡', '迁出'])
        .orderBy('household_id')
        .orderBy(sql`case relation when '户主' then 0 else 1 end`)
        .orderBy('birth_date')
        .execute();

/** Every member of the households (deceased and moved-out ones too: 人员状态 says so), for the export's member sheet. */
export const loadMemberDetails = (db: Db, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('members')
        .select([
          'household_id',
          'household_no',
          'name',
          'id_number',
          'relation',
          'sex',
          'birth_date',
          'ethnicity',
          'political_status',
          'education',
          'schooling',
          'health',
          'disability_category',
          'disability_grade',
          'disease',
          'labor_skill',
          'work_status',
          'work_months',
          'work_place',
          'has_medical_insurance',
          'has_serious_illness_insurance',
          'has_pension_insurance',
          'enjoys_dibao',
          'enjoys_tekun',
          'is_active_military',
          'phone',
          'person_status',
          'status_date',
        ])
        .where('household_id', 'in', ids)
        .where('deleted_at', 'is', null)
        .orderBy('household_id')
        .orderBy(sql`case relation when '户主' then 0 else 1 end`)
        .orderBy('birth_date')
        .execute();
export type MemberDetailRow = Awaited<ReturnType<typeof loadMemberDetails>>[number];

/** Responsible cadres (帮扶责任人) still in charge on `today` (ISO date). */
export const loadCadres = (db: Db, ids: string[], today: string) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('responsible_cadres')
        .select(['household_id', 'name', 'work_unit', 'phone', 'from_date', 'to_date'])
        .where('household_id', 'in', ids)
        .where('deleted_at', 'is', null)
        .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', today)]))
        .orderBy('household_id')
        .orderBy('from_date', 'desc')
        .execute();

/** Assistance measures (帮扶措施), newest first. */
export const loadMeasures = (db: Db, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('assistance_measures')
        .select(['household_id', 'category', 'subtype', 'measure_date', 'amount', 'quantity', 'unit', 'outcome'])
        .where('household_id', 'in', ids)
        .where('deleted_at', 'is', null)
        .orderBy('household_id')
        .orderBy('measure_date', 'desc')
        .execute();

/** The village work team (驻村工作队) in office on `today`, if any. */
export const findWorkTeam = (db: Db, villageCode: string, today: string) =>
  db
    .selectFrom('work_teams')
    .select(['name', 'dispatching_unit', 'first_secretary'])
    .where('county_code', '=', villageCode.slice(0, 6))
    .where('village_code', '=', villageCode)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', today)]))
    .orderBy('from_date', 'desc')
    .limit(1)
    .executeTakeFirst();

export interface Lines {
  county_code: string;
  year: number;
  /** 贫困线 and 监测线, integer fen per person per year (county_year_settings). */
  poverty_line: number;
  monitoring_line: number;
}

/** The county's poverty and monitoring lines for the given years. */
export async function loadLines(db: Db, countyCode: string, years: number[]): Promise<Lines[]> {
  if (years.length === 0) return [];
  const res = await sql<Lines>`
    select county_code, year, poverty_line, monitoring_line
    from county_year_settings
    where county_code = ${countyCode} and year in (${sql.join(years)})`.execute(db);
  // int8 arrives as a string from pg inside raw sql results; normalise here.
  return res.rows.map((r) => ({ ...r, year: Number(r.year), poverty_line: Number(r.poverty_line), monitoring_line: Number(r.monitoring_line) }));
}

/** Members on the card of household `h`: all of them, or only those not deceased or moved out. */
const memberCount = (liveOnly: boolean) =>
  sql<number>`(select count(*) from members m where m.household_id = h.id and m.deleted_at is null${liveOnly ? sql` and m.person_status not in ('死亡', '迁出')` : sql``})`;

/**
 * The village's procedures now in 村内公示 (open, at that stage), oldest notice first, with what a
 * village notice shows of each household: head, group, live member count. Restricted by scope.
 */
export const listPublicityEntries = (db: Db, scope: Scope, villageCode: string) =>
  db
    .selectFrom('procedures as p')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .select(['p.id', 'p.type', 'p.payload', 'p.publicity_started_at', 'h.head_name', 'h.group_name', 'h.main_cause', memberCount(true).as('member_count')])
    .where(scope.sql('h.village_code', 'h.county_code'))
    .where('p.village_code', '=', villageCode)
    .where('p.status', '=', 'open')
    .where('p.stage', '=', '村内公示')
    .where('p.deleted_at', 'is', null)
    .orderBy('p.publicity_started_at')
    .orderBy('h.household_no')
    .execute();

/** County or township with its county's name, for an announcement. */
export const findArea = (db: Db, code: string) =>
  db
    .selectFrom('areas as a')
    .leftJoin('areas as c', 'c.code', 'a.county_code')
    .select(['a.code', 'a.name', 'a.level', 'c.name as county_name'])
    .where('a.code', '=', code)
    .executeTakeFirst();

/**
 * Procedures of the area approved by the county (completed) in [from, until), for the 公告: the
 * household as it was announced (head, members on the card — those who died or moved out counted
 * too, as the household was), village and township names. Restricted by scope.
 */
export const listAnnouncementEntries = (db: Db, scope: Scope, areaCode: string, from: Date, until: Date) =>
  db
    .selectFrom('procedures as p')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .innerJoin('areas as v', 'v.code', 'p.village_code')
    .leftJoin('areas as t', 't.code', 'v.parent_code')
    .select([
      'p.id',
      'p.type',
      'p.payload',
      'p.closed_at',
      'h.head_name',
      'h.main_cause',
      'v.name as village_name',
      't.name as township_name',
      memberCount(false).as('member_count'),
    ])
    .where(scope.sql('h.village_code', 'h.county_code'))
    .where('p.county_code', '=', areaCode.slice(0, 6))
    .where('p.village_code', 'like', `${areaCode}%`)
    .where('p.status', '=', 'completed')
    .where('p.deleted_at', 'is', null)
    .where('p.closed_at', '>=', from)
    .where('p.closed_at', '<', until)
    .orderBy('p.village_code')
    .orderBy('p.closed_at')
    .orderBy('h.household_no')
    .execute();
