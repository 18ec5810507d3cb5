// SQL of the project library: the only place that knows projects, project_villages,
// project_budget_lines, project_steps, project_beneficiaries, project_assets and project_media (the ledger's
// tables are the funds module's; a household's 到户 payments are read here for the card only).
// Reads are filtered by the caller's scope on the project's lead village (scope.sql).
import { type Insertable, type RawBuilder, sql } from 'kysely';
import type { DbOrTrx, ProjectAssetsTable, ProjectMediaTable, ProjectStepsTable } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';

// ── Checks before a write ───────────────────────────────────────────────────────────────────────

/** The areas among `codes` (to tell villages from unknown codes and other levels). */
export const areasByCode = (db: DbOrTrx, codes: readonly string[]) =>
  db
    .selectFrom('areas')
    .select(['code', 'level', 'name'])
    .where('code', 'in', codes.length ? codes : [''])
    .execute();

/**
 * A GeoJSON geometry as PostGIS sees it: valid (and why not), and covered by the union of the
 * villages' boundaries widened by `toleranceM` metres (null when none of them has a boundary).
 * Throws when PostGIS cannot read the GeoJSON at all.
 */
export const checkGeometry = (db: DbOrTrx, geojson: string, villageCodes: readonly string[], toleranceM: number) =>
  sql<{ valid: boolean; reason: string | null; empty: boolean; covered: boolean | null }>`
    with g as (select ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326) as g),
    v as (
      select ST_Buffer(ST_Union(a.geom)::geography, ${toleranceM})::geometry as area
      from areas a where a.code in (${sql.join(villageCodes.length ? villageCodes : [''])}) and a.geom is not null
    )
    select ST_IsValid(g.g) as valid,
      case when ST_IsValid(g.g) then null else ST_IsValidReason(g.g) end as reason,
      ST_IsEmpty(g.g) as empty,
      case when ST_IsValid(g.g) and v.area is not null then ST_CoveredBy(g.g, v.area) end as covered
    from g cross join v`
    .execute(db)
    .then((r) => r.rows[0]);

/** The households among `ids`: their village and whether they are in the registry. */
export const householdsByIds = (db: DbOrTrx, ids: readonly string[]) =>
  db
    .selectFrom('households')
    .select(['id', 'village_code', 'registry_state'])
    .where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000'])
    .where('deleted_at', 'is', null)
    .execute();

// ── Writes ──────────────────────────────────────────────────────────────────────────────────────

export interface ProjectValues {
  name: string;
  type: string;
  plan_year: number;
  village_code: string;
  /** GeoJSON text (null: none). */
  geojson: string | null;
  implementing_unit: string | null;
  person_in_charge: string | null;
  planned_start: string | null;
  planned_end: string | null;
  performance_targets: string;
}

const geomOf = (geojson: string | null) => (geojson === null ? null : sql<string>`ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326)`);

export const insertProject = (trx: DbOrTrx, p: ProjectValues & { county_code: string; created_by: string | null; created_by_name: string; now: Date }) =>
  trx
    .insertInto('projects')
    .values({
      county_code: p.county_code,
      village_code: p.village_code,
      plan_year: p.plan_year,
      name: p.name,
      type: p.type,
      geom: geomOf(p.geojson),
      implementing_unit: p.implementing_unit,
      person_in_charge: p.person_in_charge,
      planned_start: p.planned_start,
      planned_end: p.planned_end,
      performance_targets: p.performance_targets,
      created_by: p.created_by,
      created_by_name: p.created_by_name,
      created_at: p.now,
      state_since: p.now,
      updated_at: p.now,
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();

/** Changes the given fields of the project (a draft's revision), bumping its version. */
export const updateProject = (trx: DbOrTrx, id: string, p: Partial<ProjectValues>, now: Date) => {
  const { geojson, ...rest } = p;
  return trx
    .updateTable('projects')
    .set({ ...rest, ...(geojson !== undefined ? { geom: geomOf(geojson) } : {}), version: sql`version + 1`, updated_at: now })
    .where('id', '=', id)
    .returning(['id', 'version', 'state'])
    .executeTakeFirstOrThrow();
};

export interface StateChange {
  state?: string;
  state_since?: Date;
  contractor?: string | null;
  approved_at?: Date;
  notice_started_at?: Date;
  accepted_at?: Date;
  closed_at?: Date;
}

/** A step's change of the project row (every step bumps the version). */
export const changeProject = (trx: DbOrTrx, id: string, change: StateChange, now: Date) =>
  trx
    .updateTable('projects')
    .set({ ...change, version: sql`version + 1`, updated_at: now })
    .where('id', '=', id)
    .returning(['id', 'state', 'version'])
    .executeTakeFirstOrThrow();

export const replaceVillages = async (trx: DbOrTrx, projectId: string, countyCode: string, villages: readonly string[]) => {
  await trx.deleteFrom('project_villages').where('project_id', '=', projectId).execute();
  await trx
    .insertInto('project_villages')
    .values(villages.map((v) => ({ project_id: projectId, county_code: countyCode, village_code: v })))
    .execute();
};

export const replaceBudget = async (
  trx: DbOrTrx,
  projectId: string,
  countyCode: string,
  lines: readonly { source: string; amount_fen: number; note: string | null }[],
) => {
  await trx.deleteFrom('project_budget_lines').where('project_id', '=', projectId).execute();
  if (lines.length) {
    await trx
      .insertInto('project_budget_lines')
      .values(lines.map((l) => ({ project_id: projectId, county_code: countyCode, ...l })))
      .execute();
  }
};

export const replaceBeneficiaries = async (
  trx: DbOrTrx,
  projectId: string,
  countyCode: string,
  rows: readonly { household_id: string; mechanism: string; note: string | null }[],
  now: Date,
) => {
  await trx.deleteFrom('project_beneficiaries').where('project_id', '=', projectId).execute();
  if (rows.length) {
    await trx
      .insertInto('project_beneficiaries')
      .values(rows.map((r) => ({ project_id: projectId, county_code: countyCode, ...r, created_at: now })))
      .execute();
  }
};

/** The project's row, locked for the rest of the transaction (steps and edits of one project go one at a time). */
export const lockProject = (trx: DbOrTrx, id: string) =>
  trx
    .selectFrom('projects')
    .select(['id', 'county_code', 'village_code', 'state', 'version', 'plan_year', 'notice_started_at', 'created_by'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
export type LockedProject = NonNullable<Awaited<ReturnType<typeof lockProject>>>;

export type NewStep = Omit<Insertable<ProjectStepsTable>, 'seq'>;

/** Appends a step to the project's log (its seq the next number; call under the project lock). */
export const insertStep = (trx: DbOrTrx, s: NewStep) =>
  trx
    .insertInto('project_steps')
    .values({
      ...s,
      seq: sql<number>`(select coalesce(max(seq), 0) + 1 from project_steps where project_id = ${s.project_id})`,
    })
    .returning(['id', 'seq'])
    .executeTakeFirstOrThrow();

export type NewAsset = Insertable<ProjectAssetsTable>;

export const insertAssets = (trx: DbOrTrx, assets: readonly NewAsset[]) =>
  trx
    .insertInto('project_assets')
    .values(assets)
    .returning(['id', 'name', 'kind', 'value_fen', 'owner', 'manager', 'household_id', 'handed_over_on'])
    .execute();

export const countAssets = async (db: DbOrTrx, projectId: string): Promise<number> =>
  Number(
    (
      await db
        .selectFrom('project_assets')
        .select(sql<number>`count(*)`.as('n'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow()
    ).n,
  );

// ── Reads ───────────────────────────────────────────────────────────────────────────────────────

const SUMMARY = [
  'p.id',
  'p.name',
  'p.type',
  'p.plan_year',
  'p.state',
  'p.county_code',
  'p.village_code',
  'p.approved_at',
  'p.version',
  'p.created_at',
  'p.updated_at',
] as const;

const villageName = sql<string | null>`(select a.name from areas a where a.code = p.village_code)`.as('village_name');
const villageCodes = sql<
  string[]
>`array(select pv.village_code from project_villages pv where pv.project_id = p.id order by pv.village_code <> p.village_code, pv.village_code)`.as('villages');
const budgetFen = sql<number>`(select coalesce(sum(b.amount_fen), 0)::bigint from project_budget_lines b where b.project_id = p.id)`.as('budget_fen');

/** One project with everything of its own row (geometry as GeoJSON), scoped. */
export const findProject = (db: DbOrTrx, scope: Scope, id: string) =>
  db
    .selectFrom('projects as p')
    .select([
      ...SUMMARY,
      villageName,
      villageCodes,
      budgetFen,
      sql<string | null>`ST_AsGeoJSON(p.geom, 7)`.as('geojson'),
      'p.implementing_unit',
      'p.person_in_charge',
      'p.contractor',
      sql<string | null>`p.planned_start::text`.as('planned_start'),
      sql<string | null>`p.planned_end::text`.as('planned_end'),
      'p.performance_targets',
      'p.notice_started_at',
      'p.accepted_at',
      'p.closed_at',
      'p.created_by_name',
    ])
    .where('p.id', '=', id)
    .where(scope.sql('p.village_code', 'p.county_code'))
    .executeTakeFirst();
export type ProjectRow = NonNullable<Awaited<ReturnType<typeof findProject>>>;

/** The project's lead village, unscoped (to tell 404 from 403). */
export const projectArea = (db: DbOrTrx, id: string) => db.selectFrom('projects').select(['id', 'village_code']).where('id', '=', id).executeTakeFirst();

export const listVillages = (db: DbOrTrx, projectId: string) =>
  db
    .selectFrom('project_villages as pv')
    .leftJoin('areas as a', 'a.code', 'pv.village_code')
    .select(['pv.village_code', 'a.name'])
    .where('pv.project_id', '=', projectId)
    .orderBy('pv.village_code')
    .execute();

export const listBudget = (db: DbOrTrx, projectId: string) =>
  db.selectFrom('project_budget_lines').select(['source', 'amount_fen', 'note']).where('project_id', '=', projectId).orderBy('source').execute();

export const listBeneficiaries = (db: DbOrTrx, projectId: string) =>
  db
    .selectFrom('project_beneficiaries as b')
    .innerJoin('households as h', 'h.id', 'b.household_id')
    .select(['b.household_id', 'h.household_no', 'h.head_name', 'h.village_code', 'b.mechanism', 'b.note'])
    .where('b.project_id', '=', projectId)
    .orderBy('h.household_no')
    .orderBy('b.mechanism')
    .execute();

export const listAssets = (db: DbOrTrx, projectId: string) =>
  db
    .selectFrom('project_assets')
    .select(['id', 'name', 'kind', 'value_fen', 'owner', 'manager', 'household_id', sql<string | null>`handed_over_on::text`.as('handed_over_on')])
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export const listSteps = (db: DbOrTrx, projectId: string) =>
  db
    .selectFrom('project_steps')
    .select(['id', 'seq', 'action', 'from_state', 'to_state', 'note', 'objection_id', 'actor_name', 'actor_role', 'at'])
    .where('project_id', '=', projectId)
    .orderBy('seq')
    .execute();
export type StepRow = Awaited<ReturnType<typeof listSteps>>[number];

export interface ListFilter {
  state?: string;
  type?: string;
  year?: number;
  village?: string;
  limit: number;
  offset: number;
}

/**
 * The projects in scope that match the filter — the one place the list, the map layer and its vector
 * tiles (projectTileRows) apply the caller's scope and the filters.
 */
const projectsMatching = (db: DbOrTrx, scope: Scope, f: Omit<ListFilter, 'limit' | 'offset'>) => {
  let q = db.selectFrom('projects as p').where(scope.sql('p.village_code', 'p.county_code'));
  if (f.state) q = q.where('p.state', '=', f.state);
  if (f.type) q = q.where('p.type', '=', f.type);
  if (f.year !== undefined) q = q.where('p.plan_year', '=', f.year);
  if (f.village) {
    const v = f.village;
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('project_villages as pv').select('pv.project_id').whereRef('pv.project_id', '=', 'p.id').where('pv.village_code', '=', v)),
    );
  }
  return q;
};

/** The projects in scope, newest first, with the total count. */
export const listProjects = async (db: DbOrTrx, scope: Scope, f: ListFilter) => {
  const q = projectsMatching(db, scope, f);
  const [rows, total] = await Promise.all([
    q
      .select([...SUMMARY, villageName, villageCodes, budgetFen])
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
};

/** The located projects in scope matching the filter, with their geometry as GeoJSON (the map layer), at most `limit`. */
export const projectGeometries = (db: DbOrTrx, scope: Scope, f: Omit<ListFilter, 'limit' | 'offset'>, limit: number) =>
  projectsMatching(db, scope, f)
    .where('p.geom', 'is not', null)
    .select(['p.id', 'p.name', 'p.type', 'p.plan_year', 'p.state', 'p.village_code', budgetFen, sql<string>`ST_AsGeoJSON(p.geom, 6)`.as('geojson')])
    .orderBy('p.id')
    .limit(limit)
    .execute();

/**
 * The located projects in scope whose geometry meets `envelope` (a WGS84 geometry), as the rows of
 * a vector tile (api/modules/tiles): id, name, type, state, plan year, lead village and geom.
 */
export const projectTileRows = (db: DbOrTrx, scope: Scope, envelope: RawBuilder<unknown>, f: Omit<ListFilter, 'limit' | 'offset'> = {}) =>
  projectsMatching(db, scope, f)
    .where('p.geom', 'is not', null)
    .where(sql<boolean>`ST_Intersects(p.geom, ${envelope})`)
    .select([sql<string>`p.id::text`.as('id'), 'p.name', 'p.type', 'p.state', 'p.plan_year as year', 'p.village_code as village', 'p.geom']);

/** The projects in scope waiting in `states`: the queue's one filter, for its page and its counts. */
const waitingIn = (db: Pick<DbOrTrx, 'selectFrom'>, scope: Scope, states: readonly string[]) =>
  db
    .selectFrom('projects as p')
    .where(scope.sql('p.village_code', 'p.county_code'))
    .where('p.state', 'in', states.length ? states : ['']);

const countsByState = (db: DbOrTrx, scope: Scope, states: readonly string[]) =>
  waitingIn(db, scope, states)
    .select(['p.state', sql<number>`count(*)::int`.as('n')])
    .groupBy('p.state');

/**
 * One page of the projects in scope waiting in `states`, the longest-waiting first (since they
 * entered their state: projects_queue_idx); the summary columns are read for the page's rows only.
 * Every row also carries the counts by state of all the waiting projects (`counts`, computed once:
 * one round trip for the page and its totals).
 */
export const queuePage = (db: DbOrTrx, scope: Scope, states: readonly string[], page: { limit: number; offset: number }) =>
  db
    .with('w', (w) =>
      waitingIn(w, scope, states).select(['p.id', 'p.state_since']).orderBy('p.state_since').orderBy('p.id').limit(page.limit).offset(page.offset),
    )
    .with('c', () => countsByState(db, scope, states))
    .selectFrom('w')
    .innerJoin('projects as p', 'p.id', 'w.id')
    .select([
      ...SUMMARY,
      villageName,
      villageCodes,
      budgetFen,
      'p.state_since as waiting_since',
      sql<Record<string, number>>`(select json_object_agg(c.state, c.n) from c)`.as('counts'),
    ])
    .orderBy('p.state_since')
    .orderBy('p.id')
    .execute();

/** How many projects in scope wait in each of `states` (a page past the end of the queue). */
export const queueCounts = (db: DbOrTrx, scope: Scope, states: readonly string[]) => countsByState(db, scope, states).execute();

/** The approved projects of a plan year in scope (年度项目计划), by lead village and name. */
export const planProjects = (db: DbOrTrx, scope: Scope, year: number, states: readonly string[]) =>
  db
    .selectFrom('projects as p')
    .select([...SUMMARY, villageName, villageCodes, budgetFen])
    .where(scope.sql('p.village_code', 'p.county_code'))
    .where('p.plan_year', '=', year)
    .where('p.state', 'in', states)
    .orderBy('p.village_code')
    .orderBy('p.name')
    .orderBy('p.id')
    .execute();

/** The budget lines of those projects. */
export const planBudget = (db: DbOrTrx, scope: Scope, year: number, states: readonly string[]) =>
  db
    .selectFrom('project_budget_lines as b')
    .innerJoin('projects as p', 'p.id', 'b.project_id')
    .select(['b.project_id', 'b.source', 'b.amount_fen'])
    .where(scope.sql('p.village_code', 'p.county_code'))
    .where('p.plan_year', '=', year)
    .where('p.state', 'in', states)
    .execute();

export interface ExportFilter {
  state?: string;
  type?: string;
  year?: number;
  village?: string;
  /** Only these states (the annual plan: the approved ones). */
  states?: readonly string[];
}

const exportWhere = (db: DbOrTrx, scope: Scope, f: ExportFilter) => {
  let q = db.selectFrom('projects as p').where(scope.sql('p.village_code', 'p.county_code'));
  if (f.state) q = q.where('p.state', '=', f.state);
  if (f.states) q = q.where('p.state', 'in', f.states.length ? f.states : ['']);
  if (f.type) q = q.where('p.type', '=', f.type);
  if (f.year !== undefined) q = q.where('p.plan_year', '=', f.year);
  if (f.village) {
    const v = f.village;
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('project_villages as pv').select('pv.project_id').whereRef('pv.project_id', '=', 'p.id').where('pv.village_code', '=', v)),
    );
  }
  return q;
};

/** How many projects an export of `f` would hold. */
export const countExport = async (db: DbOrTrx, scope: Scope, f: ExportFilter) =>
  Number(
    (
      await exportWhere(db, scope, f)
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The projects of an export (library or plan) with their villages' names and implementing unit, in `order`. */
export const exportProjects = (db: DbOrTrx, scope: Scope, f: ExportFilter, order: 'newest' | 'village') => {
  const q = exportWhere(db, scope, f).select([
    ...SUMMARY,
    villageName,
    villageCodes,
    budgetFen,
    sql<string[]>`array(select coalesce(a.name, pv.village_code) from project_villages pv left join areas a on a.code = pv.village_code
      where pv.project_id = p.id order by pv.village_code <> p.village_code, pv.village_code)`.as('village_names'),
    'p.implementing_unit',
  ]);
  return (order === 'newest' ? q.orderBy('p.created_at', 'desc') : q.orderBy('p.village_code').orderBy('p.name')).orderBy('p.id').execute();
};

/** The budget lines of the export's projects. */
export const exportBudget = (db: DbOrTrx, scope: Scope, f: ExportFilter) =>
  exportWhere(db, scope, f).innerJoin('project_budget_lines as b', 'b.project_id', 'p.id').select(['b.project_id', 'b.source', 'b.amount_fen']).execute();

/** The household's village (to check the scope), or undefined. */
export const findHousehold = (db: DbOrTrx, id: string) =>
  db.selectFrom('households').select(['id', 'village_code', 'county_code']).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();

/** The projects benefiting a household, with its mechanisms in each. */
export const householdProjects = (db: DbOrTrx, countyCode: string, householdId: string) =>
  db
    .selectFrom('project_beneficiaries as b')
    .innerJoin('projects as p', 'p.id', 'b.project_id')
    .select(['p.id', 'p.name', 'p.type', 'p.state', 'p.plan_year', sql<string[]>`array_agg(b.mechanism order by b.mechanism)`.as('mechanisms')])
    .where('b.county_code', '=', countyCode)
    .where('b.household_id', '=', householdId)
    .groupBy(['p.id', 'p.name', 'p.type', 'p.state', 'p.plan_year'])
    .orderBy('p.plan_year', 'desc')
    .orderBy('p.name')
    .execute();

/** The household's 到户 payments (reversals included, as negative deltas), oldest first. */
export const householdPayments = (db: DbOrTrx, countyCode: string, householdId: string) =>
  db
    .selectFrom('ledger_entries as e')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .select([
      'e.id',
      'e.project_id',
      'p.name as project_name',
      'e.source',
      'e.amount_fen',
      'e.delta_fen',
      sql<string>`e.booked_on::text`.as('booked_on'),
      'e.reversal_of',
      'e.note',
    ])
    .where('e.county_code', '=', countyCode)
    .where('e.household_id', '=', householdId)
    .where('e.kind', '=', '到户')
    .orderBy('e.seq')
    .execute();

// ── Attachments and photos (media.ts; the bytes are the files module's) ───────────────────────

export type MediaValues = Omit<Insertable<ProjectMediaTable>, 'location'> & { lon?: number; lat?: number };

export const insertMedia = (trx: DbOrTrx, { lon, lat, ...v }: MediaValues) =>
  trx
    .insertInto('project_media')
    .values({ ...v, location: lon !== undefined && lat !== undefined ? sql<string>`st_setsrid(st_makepoint(${lon}, ${lat}), 4326)` : null })
    .returning('id')
    .executeTakeFirstOrThrow();

const MEDIA_COLUMNS = [
  'id',
  'project_id',
  'media',
  'kind',
  'title',
  'stage',
  'taken_at',
  'caption',
  'file_name',
  'content_type',
  'byte_size',
  'sha256',
  'storage_key',
  'added_by_name',
  'added_by_role',
  'added_at',
] as const;

/** A project's media not removed: photos by the time they were taken, attachments by when they were added. */
export const listMedia = (db: DbOrTrx, projectId: string) =>
  db
    .selectFrom('project_media')
    .select([...MEDIA_COLUMNS, sql<number | null>`st_x(location)`.as('lon'), sql<number | null>`st_y(location)`.as('lat')])
    .where('project_id', '=', projectId)
    .where('removed_at', 'is', null)
    .orderBy('taken_at')
    .orderBy('added_at')
    .orderBy('id')
    .execute();

export type MediaRow = Awaited<ReturnType<typeof listMedia>>[number];

/** One of the project's media not removed (locked when asked, for its removal). */
export const findMedia = (db: DbOrTrx, projectId: string, mediaId: string, lock = false) => {
  const q = db
    .selectFrom('project_media')
    .select([...MEDIA_COLUMNS, sql<number | null>`st_x(location)`.as('lon'), sql<number | null>`st_y(location)`.as('lat')])
    .where('project_id', '=', projectId)
    .where('id', '=', mediaId)
    .where('removed_at', 'is', null);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
};

export const removeMedia = (trx: DbOrTrx, mediaId: string, by: { id: string | null; name: string }, reason: string, at: Date) =>
  trx
    .updateTable('project_media')
    .set({ removed_at: at, removed_by: by.id, removed_by_name: by.name, removal_reason: reason })
    .where('id', '=', mediaId)
    .where('removed_at', 'is', null)
    .returning(['id', 'removed_at'])
    .executeTakeFirstOrThrow();
