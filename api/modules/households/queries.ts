// SQL for the household card: households, members, yearly snapshots, cadres, measures, visits,
// photos and work teams. Every list is filtered by the caller's scope (scope.sql); the only place
// that knows these tables. Writes are versioned (WHERE version = expected) and never hard-delete.
import { type Expression, type InsertObject, type Kysely, type RawBuilder, type SqlBool, sql, type Updateable } from 'kysely';
import type { Database, DbOrTrx as Db, HouseholdsTable } from '../../db/schema.ts';
import { MIN_MONITORING_MONTHS } from '../../shared/state-machine.ts';
import { type HouseholdTodo, REQUIRED_CARD_FIELDS, type RequiredCardField, VISIT_INTERVAL_DAYS, VISIT_INTERVAL_DAYS_MONITORED } from '../../shared/todo.ts';
import type { Scope } from '../auth/scope.ts';

/** How the search text is matched (decided by the domain from its shape). */
export type SearchTerm =
  | { kind: 'idNumber'; value: string; /** Digits that could also be a 户编号 prefix. */ householdNo?: string }
  | { kind: 'householdNo'; value: string }
  | { kind: 'initials'; value: string }
  | { kind: 'name'; value: string };

export interface ListFilter {
  area?: string;
  search?: SearchTerm;
  status?: string;
  householdType?: string;
  monitoringCategory?: string;
  registryState?: string;
  cause?: string;
  guaranteeUnmet?: boolean;
  /** A workbench to-do (api/shared/todo.ts), decided at `now` (the request's clock). */
  todo?: TodoFilter;
  limit: number;
  offset: number;
}

export type TodoFilter = { kind: HouseholdTodo; now: Date };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The card misses a required field (REQUIRED_CARD_FIELDS), one condition per field. */
const MISSING_FIELD: Record<RequiredCardField, RawBuilder<SqlBool>> = {
  phone: sql<SqlBool>`nullif(h.phone, '') is null`,
  location: sql<SqlBool>`h.location is null`,
  mainCause: sql<SqlBool>`(h.main_cause is null and cardinality(h.risk_types) = 0)`,
  bankAccount: sql<SqlBool>`nullif(h.bank_account, '') is null`,
};

/**
 * The household is on the to-do: 在册 and not visited within its interval (a visit not deleted);
 * 在册 with a required field missing; a 在册 监测户 with no open procedure whose months under
 * monitoring (the county's setting of the year, 6 where none) have passed since it entered
 * monitoring — its latest completed 监测对象认定/再次纳入, else 1 January of its 识别年度 (the
 * registry's own households have no procedure). The last is the set form of the procedures' own
 * 风险消除 guard (procedures/guards.ts monitoringPeriod: the same procedures, the same setting).
 */
function todoCondition(todo: TodoFilter): RawBuilder<SqlBool> {
  const now = todo.now.getTime();
  switch (todo.kind) {
    case 'visitOverdue': {
      const monthly = new Date(now - VISIT_INTERVAL_DAYS_MONITORED * DAY_MS).toISOString();
      const quarterly = new Date(now - VISIT_INTERVAL_DAYS * DAY_MS).toISOString();
      return sql<SqlBool>`(h.registry_state = '在册' and not exists (
        select 1 from visits vi where vi.household_id = h.id and vi.deleted_at is null
          and vi.visited_at >= case when h.status = '监测户' then ${monthly}::timestamptz else ${quarterly}::timestamptz end))`;
    }
    case 'incomplete':
      return sql<SqlBool>`(h.registry_state = '在册' and (${sql.join(Object.values(MISSING_FIELD), sql` or `)}))`;
    case 'riskEliminationDue': {
      const year = Number(new Date(now + 8 * 60 * 60 * 1000).toISOString().slice(0, 4)); // the year in China
      return sql<SqlBool>`(h.registry_state = '在册' and h.status = '监测户'
        and not exists (select 1 from procedures p where p.household_id = h.id and p.status = 'open' and p.deleted_at is null)
        and coalesce(
          (select max(p.closed_at) from procedures p where p.household_id = h.id and p.status = 'completed'
            and p.type in ('监测对象认定', '再次纳入') and p.deleted_at is null),
          make_date(h.identified_year, 1, 1)::timestamptz
        ) + make_interval(months => coalesce(
          (select s.risk_elimination_months from county_year_settings s where s.county_code = h.county_code and s.year = ${year}),
          ${MIN_MONITORING_MONTHS})) <= ${todo.now.toISOString()}::timestamptz)`;
    }
  }
}

const escapeLike = (s: string) => s.replace(/[%_\\]/g, (c) => `\\${c}`);

type TextTerm = Extract<SearchTerm, { kind: 'name' | 'initials' }>;

/**
 * A name column starting with the search text, or an initials column starting with the initials —
 * the latter in the form its index serves: the first two letters, then the prefix (migration 0019).
 */
function textMatch(term: TextTerm, column: string) {
  const col = sql.ref(column);
  const pattern = `${escapeLike(term.value)}%`;
  if (term.kind === 'name') return sql`${col} like ${pattern}`;
  return term.value.length >= 2 ? sql`left(${col}, 2) = ${term.value.slice(0, 2)} and ${col} like ${pattern}` : sql`left(${col}, 2) like ${pattern}`;
}

const MEMBER_TEXT = { name: 'm.name', initials: 'm.name_initials' } as const;

/**
 * The live members matching the search, restricted to the scope's county (uses the county-leading
 * indexes), as a FROM … WHERE fragment. A household is found by the names of its members: its 户主
 * is one of them.
 */
function matchingMembers(scope: Scope, term: Exclude<SearchTerm, { kind: 'householdNo' }>) {
  const match = term.kind === 'idNumber' ? sql`m.id_number = ${term.value}` : textMatch(term, MEMBER_TEXT[term.kind]);
  return sql`from members m where ${scope.countySql('m.county_code')} and ${match} and m.deleted_at is null`;
}

const memberMatches = (scope: Scope, term: Exclude<SearchTerm, { kind: 'householdNo' }>) => sql`select m.household_id ${matchingMembers(scope, term)}`;

function searchCondition(scope: Scope, term: SearchTerm): Expression<SqlBool> {
  // Matching ids from an index-only scan, then primary-key lookups: never a join's OR, never a
  // scan of the county's households.
  if (term.kind === 'householdNo') return sql<SqlBool>`h.household_no like ${`${escapeLike(term.value)}%`}`;
  if (term.kind === 'idNumber' && term.householdNo) {
    return sql<SqlBool>`(h.id = any(array(${memberMatches(scope, term)})) or h.household_no like ${`${escapeLike(term.householdNo)}%`})`;
  }
  return sql<SqlBool>`h.id = any(array(${memberMatches(scope, term)}))`;
}

/**
 * A search with no filter but the scope (a county or wider): the matching households as
 * (户编号, id) pairs straight from the member search indexes, which carry both (migration 0019),
 * so the matches are ordered and counted without visiting a household row. A member's 户编号 is
 * its household's; households are never soft-deleted apart from their members.
 */
function searchOnly(scope: Scope, f: ListFilter): TextTerm | undefined {
  const term = f.search;
  if (term?.kind !== 'name' && term?.kind !== 'initials') return undefined;
  if (scope.areaCode.length > 6 || f.area || f.status || f.householdType || f.monitoringCategory || f.registryState || f.cause || f.guaranteeUnmet || f.todo)
    return undefined;
  return term;
}

/**
 * The households of searchOnly's matches. Initials come in 户编号 order from their index (first
 * two letters, then 户编号) within a county, where a 户编号 is one household: the page and the
 * capped count read the first matches and stop. Names are unordered in theirs: all matches are
 * gathered (a name prefix matches few).
 */
function matchedHouseholds(scope: Scope, term: TextTerm) {
  const members = matchingMembers(scope, term);
  if (term.kind === 'name') return sql`select distinct m.household_no, m.household_id as id ${members}`;
  const key = scope.countyCode ? sql`m.household_no` : sql`m.household_no, m.household_id`;
  return sql`select distinct on (${key}) m.household_no, m.household_id as id ${members} order by ${key}`;
}

function listBase(db: Db, scope: Scope, f: ListFilter) {
  let query = db.selectFrom('households as h').where(scope.sql('h.village_code', 'h.county_code')).where('h.deleted_at', 'is', null);
  // A village (12 digits) is matched by equality so the (county, village, 户编号) index gives the page in order.
  const village = f.area?.length === 12 ? f.area : scope.areaCode.length === 12 ? scope.areaCode : undefined;
  if (village) query = query.where('h.village_code', '=', village);
  if (f.area && f.area.length !== 12) query = query.where(sql.ref('h.village_code'), 'like', `${escapeLike(f.area)}%`);
  if (f.status) query = query.where('h.status', '=', f.status);
  if (f.householdType) query = query.where('h.household_type', '=', f.householdType);
  if (f.monitoringCategory) query = query.where('h.monitoring_category', '=', f.monitoringCategory);
  if (f.registryState) query = query.where('h.registry_state', '=', f.registryState);
  if (f.cause) {
    const c = f.cause;
    query = query.where(sql<SqlBool>`(h.main_cause = ${c} or ${c} = any(h.other_causes) or ${c} = any(h.risk_types))`);
  }
  if (f.guaranteeUnmet) {
    // The latest 收入年度 on the card has a guarantee answered "no".
    query = query.where(sql<SqlBool>`(
      select (y.food_secure is false or y.clothing_secure is false or y.education_secure is false
              or y.medical_secure is false or y.housing_secure is false or y.water_secure is false)
      from household_years y where y.household_id = h.id and y.deleted_at is null
      order by y.year desc limit 1) is true`);
  }
  if (f.todo) query = query.where(todoCondition(f.todo));
  if (f.search) query = query.where(searchCondition(scope, f.search));
  return query;
}

/** Of the list's incomplete cards (todo 'incomplete'), how many miss each required field. */
export async function missingFieldCounts(db: Db, scope: Scope, f: Omit<ListFilter, 'limit' | 'offset' | 'todo'> & { now: Date }) {
  const r = await listBase(db, scope, { ...f, todo: { kind: 'incomplete', now: f.now }, limit: 0, offset: 0 })
    .select(REQUIRED_CARD_FIELDS.map((k) => sql<number>`count(*) filter (where ${MISSING_FIELD[k]})::int`.as(k)))
    .executeTakeFirstOrThrow();
  return Object.fromEntries(REQUIRED_CARD_FIELDS.map((k) => [k, Number(r[k])])) as Record<RequiredCardField, number>;
}

type ListRow = {
  id: string;
  household_no: string;
  head_name: string;
  village_code: string;
  status: string;
  registry_state: string;
  household_type: string;
  monitoring_category: string | null;
  main_cause: string | null;
  phone: string | null;
  version: number;
  lon: number | null;
  lat: number | null;
  village_name: string;
  member_count: number;
  total: number;
};

/**
 * One statement per page: the page's households (id, 户编号 in order), their fields, village name
 * and live member count for those rows only (after LIMIT/OFFSET), and the total as an
 * uncorrelated subquery that runs once — one parse/plan and one round trip.
 *
 * A name or initials search needs its whole match set anyway (to sort it by 户编号), so its
 * matches are found once (a materialised CTE of id and 户编号) and both the page and the capped
 * total are taken from them, instead of evaluating the search twice (a 2-letter initials search
 * matches thousands of households); with no other filter the matches come from the search
 * indexes alone, and initials in 户编号 order (searchOnly). Other lists take the page straight
 * from the list indexes.
 */
export async function listHouseholds(db: Db, scope: Scope, f: ListFilter & { countLimit?: number }) {
  const base = listBase(db, scope, f);
  const countQuery = f.countLimit
    ? db
        .selectFrom(
          base
            .select(sql`1`.as('one'))
            .limit(f.countLimit + 1)
            .as('t'),
        )
        .select((eb) => eb.fn.countAll<number>().as('n'))
    : base.select((eb) => eb.fn.countAll<number>().as('n'));
  const cap = f.countLimit === undefined ? sql`` : sql`limit ${f.countLimit + 1}`;
  const direct = searchOnly(scope, f);
  const [cte, page, total] =
    direct?.kind === 'initials'
      ? [
          sql``,
          sql`${matchedHouseholds(scope, direct)} limit ${f.limit} offset ${f.offset}`,
          sql`select count(*) from (${matchedHouseholds(scope, direct)} ${cap}) t`,
        ]
      : f.search?.kind === 'name' || f.search?.kind === 'initials'
        ? [
            sql`with matched as materialized (${direct ? matchedHouseholds(scope, direct) : base.select(['h.household_no', 'h.id'])})`,
            sql`select id, household_no from matched order by household_no limit ${f.limit} offset ${f.offset}`,
            sql`select count(*) from (select 1 from matched ${cap}) t`,
          ]
        : [sql``, base.select(['h.id', 'h.household_no']).orderBy('h.household_no').limit(f.limit).offset(f.offset), countQuery];
  const { rows } = await sql<ListRow>`
    ${cte}
    select h.id, h.household_no, h.head_name, h.village_code, h.status, h.registry_state, h.household_type,
      h.monitoring_category, h.main_cause, h.phone, h.version, st_x(h.location) as lon, st_y(h.location) as lat,
      v.name as village_name,
      (select count(*) from members m where m.household_id = h.id and m.deleted_at is null and m.person_status not in ('死亡', '迁出'))::int as member_count,
      (${total})::int as total
    from (${page}) p
    join households h on h.id = p.id
    join areas v on v.code = h.village_code
    where h.deleted_at is null
    order by p.household_no`.execute(db);
  // A page past the end has no row to carry the total.
  const n = rows.length ? Number(rows[0]?.total) : Number((await countQuery.executeTakeFirstOrThrow()).n);
  const capped = f.countLimit !== undefined && n > f.countLimit;
  return {
    rows: rows.map(({ total: _total, ...r }) => ({ ...r, member_count: Number(r.member_count) })),
    total: capped ? (f.countLimit as number) : n,
    totalCapped: capped,
  };
}

// ── Households ──────────────────────────────────────────────────────────────────────────────
export const findHousehold = (db: Db, id: string) =>
  db
    .selectFrom('households as h')
    .innerJoin('areas as v', 'v.code', 'h.village_code')
    .selectAll('h')
    .select(['v.name as village_name', sql<number | null>`st_x(h.location)`.as('lon'), sql<number | null>`st_y(h.location)`.as('lat')])
    .where('h.id', '=', id)
    .where('h.deleted_at', 'is', null)
    .executeTakeFirst();

/** Locks the household row for the rest of the transaction (member changes keep the one-户主 rule). */
export const lockHousehold = (trx: Db, id: string) =>
  trx
    .selectFrom('households as h')
    .innerJoin('areas as v', 'v.code', 'h.village_code')
    .select(['h.id', 'h.county_code', 'h.village_code', 'h.household_no', 'h.version', 'v.name as village_name'])
    .where('h.id', '=', id)
    .where('h.deleted_at', 'is', null)
    .forUpdate('h')
    .executeTakeFirst();

/** A new household (登记待识别农户); `location` as pointSql. */
export const insertHousehold = (db: Db, values: InsertObject<Database, 'households'>) =>
  db.insertInto('households').values(values).returningAll().executeTakeFirstOrThrow();

// ── Loading registry rows (registry.ts: the seed's and the tests' loader) ─────────────────────
/** Of these ID numbers, those live in some household (not deceased, moved out or a registry duplicate), with their county. */
export async function liveMemberKeys(db: Db, idNumbers: readonly string[]) {
  const r = await sql<{ county_code: string; id_number: string }>`
    select county_code, id_number from members
    where id_number = any(${idNumbers}) and deleted_at is null and person_status not in ('死亡', '迁出') and not registry_duplicate`.execute(db);
  return r.rows;
}

/** Inserts households; returns their ids by 户编号. */
export const insertHouseholds = (db: Db, rows: InsertObject<Database, 'households'>[]) =>
  db.insertInto('households').values(rows).returning(['id', 'household_no']).execute();

export const insertMembers = (db: Db, rows: InsertObject<Database, 'members'>[]) => db.insertInto('members').values(rows).execute();

/** The highest 户编号 of the county that is `prefix` followed by `digits` characters (the provisional numbers), or null. */
export async function lastHouseholdNo(db: Db, countyCode: string, prefix: string, digits: number) {
  const r = await sql<{ last: string | null }>`
    select max(household_no) as last from households
    where county_code = ${countyCode} and household_no like ${`${prefix}%`} and length(household_no) = ${prefix.length + digits}`.execute(db);
  return r.rows[0]?.last ?? null;
}

/** The area a household or work team is placed in: its level and county. */
export const findArea = (db: Db, code: string) => db.selectFrom('areas').select(['code', 'level', 'county_code']).where('code', '=', code).executeTakeFirst();

/** The household columns an edit may change (status fields are the procedures'); `location` as a point. */
export type HouseholdSet = Pick<
  Updateable<HouseholdsTable>,
  | 'group_name'
  | 'address'
  | 'location_accuracy_m'
  | 'location_at'
  | 'phone'
  | 'bank_name'
  | 'bank_account'
  | 'household_type'
  | 'identification_standard'
  | 'main_cause'
  | 'other_causes'
  | 'risk_types'
  | 'is_military_family'
  | 'is_relocated'
  | 'relocation_site'
  | 'relocation_year'
  | 'head_name'
  | 'head_initials'
> & { location?: { lon: number; lat: number } | null };

export const pointSql = (lon: number, lat: number) => sql<string>`st_setsrid(st_makepoint(${lon}, ${lat}), 4326)`;

/** Versioned update; undefined when the version is stale (or the household is gone). */
export const updateHousehold = (db: Db, id: string, version: number | null, set: HouseholdSet) => {
  const { location, ...rest } = set;
  let q = db
    .updateTable('households')
    .set((eb) => ({
      ...rest,
      ...(location === undefined ? {} : { location: location === null ? null : pointSql(location.lon, location.lat) }),
      updated_at: new Date(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .where('deleted_at', 'is', null);
  if (version !== null) q = q.where('version', '=', version);
  return q.returningAll().executeTakeFirst();
};

// ── Any versioned card record ───────────────────────────────────────────────────────────────
export type VersionedTable = 'households' | 'members' | 'household_years' | 'responsible_cadres' | 'assistance_measures' | 'visits' | 'photos' | 'work_teams';

// One generic helper over tables sharing the sync columns (id, version, deleted_at).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely cannot type a query over a union of tables
type AnyDb = Kysely<any>;

/** Inserts one record and returns it. */
export const insertRecord = (db: Db, table: VersionedTable, values: Record<string, unknown>) =>
  (db as AnyDb).insertInto(table).values(values).returningAll().executeTakeFirstOrThrow() as Promise<Record<string, unknown>>;

/** Versioned update of a live record; undefined when the version is stale or the record is gone. */
export const updateVersioned = (db: Db, table: VersionedTable, id: string, version: number, set: Record<string, unknown>) =>
  (db as AnyDb)
    .updateTable(table)
    .set((eb) => ({ ...set, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst() as Promise<Record<string, unknown> | undefined>;

/** Soft delete (deleted_at, version + 1); undefined when the version is stale. */
export const softDelete = (db: Db, table: VersionedTable, id: string, version: number) => updateVersioned(db, table, id, version, { deleted_at: new Date() });

/** A live record of the household (any card table with household_id). */
export const findChild = (db: Db, table: Exclude<VersionedTable, 'households' | 'work_teams'>, householdId: string, id: string) =>
  (db as AnyDb)
    .selectFrom(table)
    .selectAll()
    .where('id', '=', id)
    .where('household_id', '=', householdId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst() as Promise<Record<string, unknown> | undefined>;

// ── Members ─────────────────────────────────────────────────────────────────────────────────
export const listMembers = (db: Db, householdId: string) =>
  db
    .selectFrom('members')
    .selectAll()
    .where('household_id', '=', householdId)
    .where('deleted_at', 'is', null)
    .orderBy(sql`case relation when '户主' then 0 else 1 end`)
    .orderBy('birth_date')
    .orderBy('id')
    .execute();

export const findMember = (db: Db, householdId: string, memberId: string) =>
  db.selectFrom('members').selectAll().where('id', '=', memberId).where('household_id', '=', householdId).where('deleted_at', 'is', null).executeTakeFirst();

/** Live memberships of a person (any county), with the household and village named. */
export const findPersonMemberships = (db: Db, idNumber: string) =>
  db
    .selectFrom('members as m')
    .innerJoin('households as h', 'h.id', 'm.household_id')
    .innerJoin('areas as v', 'v.code', 'h.village_code')
    .select(['m.id', 'm.household_id', 'h.household_no', 'h.head_name', 'h.village_code', 'v.name as village_name', 'h.county_code'])
    .where('m.id_number', '=', idNumber)
    .where('m.deleted_at', 'is', null)
    .where('m.person_status', 'not in', ['死亡', '迁出'])
    .where('h.deleted_at', 'is', null)
    .execute();

export const idExists = async (
  db: Db,
  table: 'households' | 'members' | 'assistance_measures' | 'visits' | 'responsible_cadres' | 'photos' | 'work_teams',
  id: string,
) => !!(await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst());

// ── Yearly snapshots ────────────────────────────────────────────────────────────────────────
export const listYears = (db: Db, householdId: string) =>
  db.selectFrom('household_years').selectAll().where('household_id', '=', householdId).where('deleted_at', 'is', null).orderBy('year', 'desc').execute();

export const findYear = (db: Db, householdId: string, year: number) =>
  db.selectFrom('household_years').selectAll().where('household_id', '=', householdId).where('year', '=', year).executeTakeFirst();

/** County poverty and monitoring lines per year (fen), from county_year_settings. */
export async function countyLines(db: Db, countyCode: string) {
  const r = await sql<{ year: number; poverty_line: number; monitoring_line: number }>`
    select year, poverty_line, monitoring_line from county_year_settings where county_code = ${countyCode}`.execute(db);
  return new Map(r.rows.map((x) => [Number(x.year), { povertyLine: Number(x.poverty_line), monitoringLine: Number(x.monitoring_line) }]));
}

/** Members who count as 家庭人口 (not deceased or moved out). */
export const countLiveMembers = async (db: Db, householdId: string) =>
  Number(
    (
      await db
        .selectFrom('members')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('household_id', '=', householdId)
        .where('deleted_at', 'is', null)
        .where('person_status', 'not in', ['死亡', '迁出'])
        .executeTakeFirstOrThrow()
    ).n,
  );

// ── Card sections ───────────────────────────────────────────────────────────────────────────
export const listCadres = (db: Db, householdId: string) =>
  db
    .selectFrom('responsible_cadres')
    .selectAll()
    .where('household_id', '=', householdId)
    .where('deleted_at', 'is', null)
    .orderBy('from_date', 'desc')
    .orderBy('created_at')
    .execute();

export const listMeasures = (db: Db, householdId: string) =>
  db
    .selectFrom('assistance_measures')
    .selectAll()
    .where('household_id', '=', householdId)
    .where('deleted_at', 'is', null)
    .orderBy('measure_date', 'desc')
    .orderBy('created_at')
    .execute();

export const listVisits = (db: Db, householdId: string) =>
  db
    .selectFrom('visits')
    .selectAll()
    .select([sql<number | null>`st_x(location)`.as('lon'), sql<number | null>`st_y(location)`.as('lat')])
    .where('household_id', '=', householdId)
    .where('deleted_at', 'is', null)
    .orderBy('visited_at', 'desc')
    .execute();

export const findVisit = (db: Db, householdId: string, id: string) =>
  db
    .selectFrom('visits')
    .selectAll()
    .select([sql<number | null>`st_x(location)`.as('lon'), sql<number | null>`st_y(location)`.as('lat')])
    .where('household_id', '=', householdId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();

export const listPhotos = (db: Db, householdId: string) =>
  db
    .selectFrom('photos')
    .select([
      'id',
      'kind',
      'caption',
      'taken_at',
      'visit_id',
      'member_id',
      'content_type',
      'byte_size',
      'sha256',
      'storage_key',
      'version',
      sql<number | null>`st_x(location)`.as('lon'),
      sql<number | null>`st_y(location)`.as('lat'),
    ])
    .where('household_id', '=', householdId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();

export const listWorkTeams = (db: Db, scope: Scope, villageCode?: string) => {
  let q = db.selectFrom('work_teams').selectAll().where(scope.sql('village_code', 'county_code')).where('deleted_at', 'is', null);
  if (villageCode) q = q.where('village_code', '=', villageCode);
  return q.orderBy('village_code').orderBy('from_date', 'desc').orderBy('created_at').execute();
};

export const findWorkTeam = (db: Db, id: string) =>
  db.selectFrom('work_teams').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();

// ── History ─────────────────────────────────────────────────────────────────────────────────
export const historyEntries = (db: Db, householdId: string) =>
  db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor_name', 'actor_role', 'action', 'entity', 'entity_id', 'diff'])
    .where('subject_id', '=', householdId)
    .where('action', 'not like', 'access.%')
    .orderBy('id', 'desc')
    .limit(1000)
    .execute();

/** One audit entry of the card's history (subject = the household). */
export const historyEntry = (db: Db, householdId: string, entryId: number) =>
  db
    .selectFrom('audit_log')
    .select(['id', 'entity', 'entity_id', 'diff'])
    .where('subject_id', '=', householdId)
    .where('id', '=', entryId)
    .where('action', 'not like', 'access.%')
    .executeTakeFirst();

/** Names of the household's members (deleted ones too: history names the members it concerns). */
export const memberNames = async (db: Db, householdId: string, ids: string[]) =>
  ids.length ? db.selectFrom('members').select(['id', 'name']).where('household_id', '=', householdId).where('id', 'in', ids).execute() : [];
