// SQL of status procedures and county settings: the only place that knows the procedures,
// procedure_steps and county_year_settings tables (and the household columns procedures change).
// Every list is filtered by the caller's scope (scope.sql).
import { type Insertable, sql, type Updateable } from 'kysely';
import type { CountyYearSettingsTable, DbOrTrx as Db, ProcedureStepsTable, ProceduresTable } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';
import { MIN_MONITORING_MONTHS } from './state-machine.ts';

// ── Households (the columns procedures read and change) ─────────────────────────────────────────
const HOUSEHOLD_COLUMNS = [
  'id',
  'county_code',
  'village_code',
  'household_no',
  'head_name',
  'status',
  'registry_state',
  'monitoring_category',
  'risk_types',
  'identified_year',
  'identification_standard',
  'exit_year',
  'main_cause',
  'other_causes',
  'risk_eliminated_year',
  'removed_on',
  'version',
] as const;

/** The household, locked for the rest of the transaction (one procedure action at a time per household). */
export const lockHousehold = (trx: Db, id: string) =>
  trx.selectFrom('households').select(HOUSEHOLD_COLUMNS).where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();

export type HouseholdRow = NonNullable<Awaited<ReturnType<typeof lockHousehold>>>;

export type HouseholdChange = Partial<
  Pick<
    HouseholdRow,
    | 'status'
    | 'registry_state'
    | 'monitoring_category'
    | 'risk_types'
    | 'identified_year'
    | 'identification_standard'
    | 'exit_year'
    | 'main_cause'
    | 'other_causes'
    | 'risk_eliminated_year'
    | 'removed_on'
  >
>;

/** Applies a procedure's change and bumps the card version. */
export const applyHouseholdChange = (trx: Db, id: string, change: HouseholdChange, now: Date) =>
  trx
    .updateTable('households')
    .set((eb) => ({ ...change, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(HOUSEHOLD_COLUMNS)
    .executeTakeFirstOrThrow();

/** The latest yearly snapshot (收入年度) with the five guarantees and the computed per-capita income. */
export const latestYear = (db: Db, householdId: string) =>
  db
    .selectFrom('household_years')
    .select(['year', 'per_capita_income', 'food_secure', 'clothing_secure', 'education_secure', 'medical_secure', 'housing_secure', 'water_secure'])
    .where('household_id', '=', householdId)
    .where('deleted_at', 'is', null)
    .orderBy('year', 'desc')
    .limit(1)
    .executeTakeFirst();

export type YearRow = NonNullable<Awaited<ReturnType<typeof latestYear>>>;

/** The county's months under monitoring before 风险消除 for the year (6 where it set none). */
export const riskEliminationMonths = async (db: Db, countyCode: string, year: number): Promise<number> => {
  const r = await db
    .selectFrom('county_year_settings')
    .select('risk_elimination_months')
    .where('county_code', '=', countyCode)
    .where('year', '=', year)
    .executeTakeFirst();
  return r ? Number(r.risk_elimination_months) : MIN_MONITORING_MONTHS;
};

/** When the household last entered monitoring through a completed procedure (监测对象认定, 再次纳入). */
export const monitoredSince = async (db: Db, householdId: string): Promise<Date | null> => {
  const row = await db
    .selectFrom('procedures')
    .select('closed_at')
    .where('household_id', '=', householdId)
    .where('status', '=', 'completed')
    .where('type', 'in', ['监测对象认定', '再次纳入'])
    .where('deleted_at', 'is', null)
    .orderBy('closed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.closed_at ? new Date(row.closed_at) : null;
};

/** Current members (not soft-deleted), with their 人员状态. */
export const currentMembers = (db: Db, householdId: string) =>
  db
    .selectFrom('members')
    .select(['id', 'person_status', 'status_date', 'version'])
    .where('household_id', '=', householdId)
    .where('deleted_at', 'is', null)
    .execute();

export const setMemberStatus = (trx: Db, id: string, personStatus: '死亡' | '迁出', statusDate: string, now: Date) =>
  trx
    .updateTable('members')
    .set((eb) => ({ person_status: personStatus, status_date: statusDate, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(['id', 'person_status', 'status_date', 'version'])
    .executeTakeFirstOrThrow();

// ── Procedures ─────────────────────────────────────────────────────────────────────────────────
const PROCEDURE_COLUMNS = [
  'p.id',
  'p.county_code',
  'p.village_code',
  'p.household_id',
  'p.type',
  'p.status',
  'p.stage',
  'p.from_state',
  'p.to_state',
  'p.reason',
  'p.evidence',
  'p.payload',
  'p.started_by',
  'p.started_by_name',
  'p.started_by_role',
  'p.origin',
  'p.finding_id',
  'p.publicity_started_at',
  'p.closed_at',
  'p.version',
  'p.created_at',
  'p.updated_at',
] as const;

const SUMMARY_JOINED = ['h.household_no', 'h.head_name', 'h.status as household_status', 'h.registry_state', 'v.name as village_name'] as const;

export const findProcedure = (db: Db, id: string) =>
  db
    .selectFrom('procedures as p')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .innerJoin('areas as v', 'v.code', 'p.village_code')
    .select([...PROCEDURE_COLUMNS, ...SUMMARY_JOINED])
    .where('p.id', '=', id)
    .where('p.deleted_at', 'is', null)
    .executeTakeFirst();

export type ProcedureRow = NonNullable<Awaited<ReturnType<typeof findProcedure>>>;

/** Locks the procedure row (steps on one procedure are serialised). */
export const lockProcedure = (trx: Db, id: string) =>
  trx
    .selectFrom('procedures')
    .select(['id', 'household_id', 'version', 'status'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();

export const openProcedureOf = (db: Db, householdId: string) =>
  db
    .selectFrom('procedures')
    .select(['id', 'type'])
    .where('household_id', '=', householdId)
    .where('status', '=', 'open')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();

export const procedureById = (db: Db, id: string) => db.selectFrom('procedures').select(['id', 'household_id', 'type']).where('id', '=', id).executeTakeFirst();

/** A cross-check finding a 部门预警 procedure names (its household, to check it is this one). */
export const findingForProcedure = async (db: Db, id: string) =>
  (await sql<{ id: string; county_code: string; household_id: string | null }>`select id, county_code, household_id from findings where id = ${id}`.execute(db))
    .rows[0];

export interface NewProcedure {
  id?: string;
  origin: string;
  finding_id: string | null;
  county_code: string;
  village_code: string;
  household_id: string;
  type: string;
  stage: string;
  from_state: string;
  to_state: string;
  reason: string;
  evidence: unknown;
  payload: unknown;
  started_by: string | null;
  started_by_name: string;
  started_by_role: string;
  now: Date;
}

export const insertProcedure = (trx: Db, p: NewProcedure) =>
  trx
    .insertInto('procedures')
    .values({
      ...(p.id ? { id: p.id } : {}),
      county_code: p.county_code,
      village_code: p.village_code,
      household_id: p.household_id,
      type: p.type,
      stage: p.stage,
      from_state: p.from_state,
      to_state: p.to_state,
      reason: p.reason,
      evidence: JSON.stringify(p.evidence),
      payload: JSON.stringify(p.payload),
      started_by: p.started_by,
      started_by_name: p.started_by_name,
      started_by_role: p.started_by_role,
      origin: p.origin,
      finding_id: p.finding_id,
      created_at: p.now,
      updated_at: p.now,
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();

export type ProcedureChange = Pick<Updateable<ProceduresTable>, 'status' | 'stage' | 'publicity_started_at' | 'closed_at'>;

export const updateProcedure = (trx: Db, id: string, change: ProcedureChange, now: Date) =>
  trx
    .updateTable('procedures')
    .set((eb) => ({ ...change, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(['id', 'status', 'stage', 'version'])
    .executeTakeFirstOrThrow();

/** A step; its seq is the procedure's next. */
export type NewStep = Omit<Insertable<ProcedureStepsTable>, 'id' | 'seq' | 'created_at'>;

/** Appends a step; seq is the next number of this procedure (the procedure row is locked). */
export const insertStep = (trx: Db, s: NewStep) =>
  trx
    .insertInto('procedure_steps')
    .values((eb) => ({
      ...s,
      objection_id: s.objection_id ?? null,
      seq: eb
        .selectFrom('procedure_steps')
        .select(sql<number>`coalesce(max(seq), 0) + 1`.as('n'))
        .where('procedure_id', '=', s.procedure_id),
    }))
    .returning(['id', 'seq'])
    .executeTakeFirstOrThrow();

export const listSteps = (db: Db, procedureId: string) =>
  db
    .selectFrom('procedure_steps')
    .select(['id', 'seq', 'stage', 'action', 'note', 'objection_id', 'actor_id', 'actor_name', 'actor_role', 'at'])
    .where('procedure_id', '=', procedureId)
    .orderBy('seq')
    .execute();

export type StepRow = Awaited<ReturnType<typeof listSteps>>[number];

export interface ListFilter {
  householdId?: string;
  status?: string;
  type?: string;
  stage?: string;
  area?: string;
  /** Only open procedures waiting at one of these stages. */
  stages?: readonly string[];
  /** Only procedures whose 村内公示 started before this time (their notice ends within the days after it). */
  publicityStartedBefore?: Date;
  /** 'waiting': the longest-waiting at their stage first (updated_at: a step moves the stage); default newest first. */
  order?: 'newest' | 'waiting';
  limit: number;
  offset: number;
}

export async function listProcedures(db: Db, scope: Scope, f: ListFilter) {
  let q = db
    .selectFrom('procedures as p')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .innerJoin('areas as v', 'v.code', 'p.village_code')
    .where(scope.sql('p.village_code', 'p.county_code'))
    .where('p.deleted_at', 'is', null);
  if (f.householdId) q = q.where('p.household_id', '=', f.householdId);
  if (f.status) q = q.where('p.status', '=', f.status as 'open');
  if (f.type) q = q.where('p.type', '=', f.type);
  if (f.stage) q = q.where('p.stage', '=', f.stage);
  if (f.area) q = q.where(sql.ref('p.village_code'), 'like', `${f.area.replace(/[%_\\]/g, '')}%`);
  if (f.stages) {
    if (!f.stages.length) return { rows: [], total: 0 };
    q = q.where('p.status', '=', 'open').where('p.stage', 'in', f.stages);
  }
  if (f.publicityStartedBefore) q = q.where('p.publicity_started_at', '<=', f.publicityStartedBefore);
  const [rows, total] = await Promise.all([
    q
      .select([...PROCEDURE_COLUMNS, ...SUMMARY_JOINED])
      .orderBy(f.order === 'waiting' ? 'p.updated_at' : 'p.created_at', f.order === 'waiting' ? 'asc' : 'desc')
      .orderBy('p.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

// ── County settings ─────────────────────────────────────────────────────────────────────────────
export const findCountySettings = (db: Db, countyCode: string, year: number) =>
  db.selectFrom('county_year_settings').selectAll().where('county_code', '=', countyCode).where('year', '=', year).executeTakeFirst();

export type CountySettingsRow = NonNullable<Awaited<ReturnType<typeof findCountySettings>>>;

export const listCountySettings = (db: Db, countyCode: string) =>
  db.selectFrom('county_year_settings').selectAll().where('county_code', '=', countyCode).orderBy('year', 'desc').execute();

export type SettingsValues = Pick<
  Insertable<CountyYearSettingsTable>,
  'poverty_line' | 'monitoring_line' | 'medical_self_pay_threshold' | 'risk_elimination_months' | 'medical_window_months'
>;

export const insertCountySettings = (trx: Db, countyCode: string, year: number, v: SettingsValues) =>
  trx
    .insertInto('county_year_settings')
    .values({ county_code: countyCode, year, ...v })
    .onConflict((oc) => oc.columns(['county_code', 'year']).doNothing())
    .returningAll()
    .executeTakeFirst();

export const updateCountySettings = (trx: Db, countyCode: string, year: number, version: number, v: SettingsValues) =>
  trx
    .updateTable('county_year_settings')
    .set((eb) => ({ ...v, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('county_code', '=', countyCode)
    .where('year', '=', year)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();

/** Seeds many county-years at once; existing rows are left as they are. */
export async function insertManyCountySettings(db: Db, rows: ({ county_code: string; year: number } & SettingsValues)[]) {
  if (!rows.length) return 0;
  const r = await db
    .insertInto('county_year_settings')
    .values(rows)
    .onConflict((oc) => oc.columns(['county_code', 'year']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

export const countiesUnder = (db: Db, prefix: string) =>
  db
    .selectFrom('areas')
    .select('code')
    .where('level', '=', 'county')
    .where('code', 'like', `${prefix.replace(/[%_\\]/g, '')}%`)
    .orderBy('code')
    .execute();
