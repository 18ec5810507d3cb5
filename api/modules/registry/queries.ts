// SQL of the registry importer: the staging table the file is COPYed into, the checks that need
// the database, the set-based merge into households/members, card snapshots for the audit diff,
// and the import-job rows. Only this file knows these statements; all run inside the import's
// one transaction (the bulk session) except the job-row bookkeeping.
import { type RawBuilder, sql, type Updateable } from 'kysely';
import type { Db, DbOrTrx, RegistryImportsTable, Trx } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';
import type { ColumnKey } from './rows.ts';

/** Staging columns, in COPY order (import.ts writes the lines in this order). */
export const STAGE_COLUMNS = [
  'row_no',
  'household_no',
  'county_code',
  'village_code',
  'group_name',
  'head_name',
  'head_initials',
  'household_type',
  'status',
  'monitoring_category',
  'main_cause',
  'exit_year',
  'income',
  'lon',
  'lat',
  'name',
  'name_initials',
  'id_number',
  'sex',
  'birth_date',
  'relation',
  'ethnicity',
  'education',
  'schooling',
  'health',
  'labor_skill',
  'work_status',
  'work_months',
  'has_medical_insurance',
  'has_pension_insurance',
  'phone',
  'person_status',
] as const;

export async function createStage(trx: Trx) {
  // Temporary and dropped at commit; a rollback removes it too. No indexes until loaded.
  await sql`
    create temp table reg_stage (
      row_no integer not null, household_no text not null, county_code text not null, village_code text not null,
      group_name text, head_name text not null, head_initials text, household_type text not null, status text not null,
      monitoring_category text, main_cause text, exit_year integer, income numeric(12, 2), lon float8, lat float8,
      name text not null, name_initials text, id_number text not null, sex text, birth_date date, relation text not null,
      ethnicity text, education text, schooling text, health text, labor_skill text, work_status text, work_months integer,
      has_medical_insurance boolean, has_pension_insurance boolean, phone text, person_status text not null
    ) on commit drop`.execute(trx);
}

/** One household per (county, 户编号): household fields from its 户主 row; matched to an existing card. */
export async function buildHouseholdStage(trx: Trx) {
  await sql`create index on reg_stage (county_code, household_no)`.execute(trx);
  // Statistics only for the columns the joins and filters use: ANALYZE of all 32 columns took
  // longer than the COPY that filled the table.
  await sql`analyze reg_stage (county_code, household_no, village_code, id_number, relation)`.execute(trx);
  await sql`
    create temp table reg_hh on commit drop as
    select distinct on (county_code, household_no)
      county_code, household_no, village_code, group_name, head_name, head_initials, household_type, status,
      monitoring_category, main_cause, exit_year, income, lon, lat, phone, row_no as first_row,
      null::uuid as id, null::text as adopted_from, false as is_new, false as changed
    from reg_stage
    order by county_code, household_no, (relation = '户主') desc, row_no`.execute(trx);
  // A soft-deleted card with the same number is the same household (the number is unique in the county).
  await sql`
    update reg_hh r set id = h.id
    from households h where h.county_code = r.county_code and h.household_no = r.household_no`.execute(trx);
  // A card registered here before the national system numbered it (登记待识别农户: a provisional
  // 户编号, county + 'D' + 7 digits) is the file's household when its live 户主 is the 户主 of one
  // household of the file, and of no other: it takes the national number (applyMerge) and is
  // updated like any card, instead of its people being refused as registered elsewhere.
  await sql`
    update reg_hh r set id = c.id, adopted_from = c.old_no
    from (
      select s.county_code, s.household_no, h.id, h.household_no as old_no,
             count(*) over (partition by h.id) as claims
      from reg_stage s
      join members m on m.county_code = s.county_code and m.id_number = s.id_number
        and m.relation = '户主' and m.deleted_at is null
      join households h on h.id = m.household_id and h.deleted_at is null and h.household_no ~ '^[0-9]{6}D[0-9]{7}$'
      where s.relation = '户主') c
    where c.claims = 1 and r.id is null and r.county_code = c.county_code and r.household_no = c.household_no`.execute(trx);
  await sql`create unique index on reg_hh (id)`.execute(trx);
  await sql`analyze reg_hh (id, county_code, household_no, is_new, changed)`.execute(trx);
}

/** The lock that serialises imports touching a county (both paths take it). */
const countyLock = (county: RawBuilder<unknown>) => sql`pg_advisory_xact_lock(hashtext('registry-import:' || ${county}))`;

/** Serialises imports touching the same county (PostgreSQL; a no-op cost on PGlite). */
export async function lockCounties(trx: Trx) {
  await sql`select ${countyLock(sql`c`)} from (select distinct county_code as c from reg_hh order by 1) x`.execute(trx);
}

export interface DbProblem {
  row_no: number;
  kind: 'villageUnknown' | 'householdOutOfScope' | 'personInOtherHousehold';
  code: string;
  household_no: string | null;
}

/** The checks that need the database: unknown villages, cards outside the scope, a person already in another household. */
export async function databaseProblems(trx: Trx, scopePrefix: string | null, limit: number): Promise<DbProblem[]> {
  const inScope = (col: RawBuilder<unknown>) => (scopePrefix === null ? sql`false` : sql`${col} not like ${`${scopePrefix}%`}`);
  const r = await sql<DbProblem>`
    (select s.row_no, 'villageUnknown' as kind, s.village_code as code, null as household_no
       from reg_stage s left join areas a on a.code = s.village_code and a.level = 'village'
      where a.code is null order by s.row_no limit ${limit})
    union all
    (select r.first_row, 'householdOutOfScope', h.village_code, h.household_no
       from reg_hh r join households h on h.id = r.id
      where ${inScope(sql`h.village_code`)} order by r.first_row limit ${limit})
    union all
    (select s.row_no, 'personInOtherHousehold', x.village_code, x.household_no
       from reg_stage s
       -- one index probe per row whatever the statistics say (offset 0 keeps the subquery a loop)
       cross join lateral (
         select h.village_code, h.household_no, m.household_id
         from members m join households h on h.id = m.household_id and h.deleted_at is null
         where m.county_code = s.county_code and m.id_number = s.id_number
           and m.deleted_at is null and m.person_status not in ('死亡', '迁出')
         offset 0) x
      where not exists (select 1 from reg_hh r where r.id = x.household_id)
        and s.person_status not in ('死亡', '迁出')
      order by s.row_no limit ${limit})`.execute(trx);
  return r.rows.map((p) => ({ ...p, row_no: Number(p.row_no) }));
}

// ── Merge ───────────────────────────────────────────────────────────────────────────────────

/** Household columns the import sets, with the staging expression and the file column that carries it. */
const HOUSEHOLD_FIELDS: { col: string; expr: string; from: ColumnKey | null }[] = [
  { col: 'village_code', expr: 'r.village_code', from: null },
  { col: 'group_name', expr: 'r.group_name', from: 'groupName' },
  { col: 'head_name', expr: 'r.head_name', from: null },
  { col: 'head_initials', expr: 'r.head_initials', from: null },
  { col: 'household_type', expr: 'r.household_type', from: null },
  { col: 'status', expr: 'r.status', from: null },
  { col: 'monitoring_category', expr: 'r.monitoring_category', from: 'monitoringCategory' },
  { col: 'main_cause', expr: 'r.main_cause', from: 'mainCause' },
  { col: 'exit_year', expr: 'r.exit_year', from: 'exitYear' },
  { col: 'reported_income_per_capita', expr: 'r.income', from: 'income' },
  { col: 'phone', expr: 'r.phone', from: 'phone' },
];
const LOCATION_EXPR = 'case when r.lon is null then null else st_setsrid(st_makepoint(r.lon, r.lat), 4326) end';

const MEMBER_FIELDS: { col: string; from: ColumnKey | null }[] = [
  { col: 'name', from: null },
  { col: 'name_initials', from: null },
  { col: 'sex', from: null },
  { col: 'birth_date', from: null },
  { col: 'relation', from: null },
  { col: 'ethnicity', from: 'ethnicity' },
  { col: 'education', from: 'education' },
  { col: 'schooling', from: 'schooling' },
  { col: 'health', from: 'health' },
  { col: 'labor_skill', from: 'laborSkill' },
  { col: 'work_status', from: 'workStatus' },
  { col: 'work_months', from: 'workMonths' },
  { col: 'has_medical_insurance', from: 'medical' },
  { col: 'has_pension_insurance', from: 'pension' },
  { col: 'phone', from: 'phone' },
  { col: 'person_status', from: 'deceased' },
];

/** Household columns a load writes (besides id, county_code, household_no), for the file's columns. */
export function householdColumns(present: ReadonlySet<ColumnKey>) {
  return {
    fields: HOUSEHOLD_FIELDS.filter((f) => f.from === null || present.has(f.from)).map((f) => f.col),
    withLocation: present.has('lon') && present.has('lat'),
  };
}

/** Member columns a load writes (besides household_id, county_code, id_number), for the file's columns. */
export function memberColumns(present: ReadonlySet<ColumnKey>) {
  return MEMBER_FIELDS.filter((f) => f.from === null || present.has(f.from)).map((f) => f.col);
}

/** What a first load must know of a county before writing cards into it directly. */
export async function countyFacts(trx: Trx, county: string) {
  await sql`select ${countyLock(sql`${county}::text`)}`.execute(trx);
  const [numbers, people, villages] = await Promise.all([
    // Soft-deleted cards too: their number is taken (the merge revives them).
    sql<{ household_no: string }>`select household_no from households where county_code = ${county}`.execute(trx),
    sql<{ id_number: string }>`
      select id_number from members
      where county_code = ${county} and deleted_at is null and person_status not in ('死亡', '迁出')`.execute(trx),
    sql<{ code: string }>`select code from areas where level = 'village' and county_code = ${county}`.execute(trx),
  ]);
  return {
    householdNos: new Set(numbers.rows.map((r) => r.household_no)),
    livePeople: new Set(people.rows.map((r) => r.id_number)),
    villages: new Set(villages.rows.map((r) => r.code)),
  };
}

export interface MergeCounts {
  householdsCreated: number;
  householdsUpdated: number;
  householdsUnchanged: number;
  membersCreated: number;
  membersUpdated: number;
  membersRemoved: number;
}

const raw = (s: string) => sql.raw(s);

/**
 * Marks what changes: new cards, cards whose fields or members differ from the file. Columns
 * the file does not carry are neither compared nor written.
 */
export async function markChanges(trx: Trx, present: ReadonlySet<ColumnKey>) {
  const hf = HOUSEHOLD_FIELDS.filter((f) => f.from === null || present.has(f.from));
  const withLocation = present.has('lon') && present.has('lat');
  const mf = MEMBER_FIELDS.filter((f) => f.from === null || present.has(f.from));
  await sql`update reg_hh set id = gen_random_uuid(), is_new = true where id is null`.execute(trx);
  // Statistics of the temp tables must follow each flag change: with stale ones the planner
  // loops over members once per card (minutes instead of a second for 100k rows).
  await sql`analyze reg_hh (id, county_code, household_no, is_new, changed)`.execute(trx);
  const hCmp = [
    `(${hf.map((f) => `h.${f.col}`).join(', ')}) is distinct from (${hf.map((f) => f.expr).join(', ')})`,
    ...(withLocation ? ['(st_x(h.location), st_y(h.location)) is distinct from (r.lon, r.lat)'] : []),
  ].join(' or ');
  await sql`
    update reg_hh r set changed = true from households h
    where h.id = r.id and not r.is_new and (h.deleted_at is not null or r.adopted_from is not null or ${raw(hCmp)})`.execute(trx);
  await sql`
    create temp table reg_mem on commit drop as
    select s.*, r.id as household_id, r.is_new, m.id as member_id, false as mchanged
    from reg_stage s
    join reg_hh r on r.county_code = s.county_code and r.household_no = s.household_no
    left join members m on not r.is_new and m.household_id = r.id and m.id_number = s.id_number and m.deleted_at is null`.execute(trx);
  await sql`create index on reg_mem (county_code, id_number)`.execute(trx);
  await sql`analyze reg_mem (county_code, id_number, household_id, member_id, mchanged, is_new)`.execute(trx);
  await sql`
    update reg_mem x set mchanged = true from members m
    where m.id = x.member_id and (${raw(mf.map((f) => `m.${f.col}`).join(', '))}) is distinct from (${raw(mf.map((f) => `x.${f.col}`).join(', '))})`.execute(
    trx,
  );
  await sql`
    update reg_hh r set changed = true
    where not r.is_new and not r.changed and (
      exists (select 1 from reg_mem x where x.household_id = r.id and (x.member_id is null or x.mchanged))
      or exists (select 1 from members m where m.household_id = r.id and m.deleted_at is null
                 and not exists (select 1 from reg_mem x where x.member_id = m.id)))`.execute(trx);
  await sql`analyze reg_hh (id, county_code, household_no, is_new, changed)`.execute(trx);
  await sql`analyze reg_mem (county_code, id_number, household_id, member_id, mchanged, is_new)`.execute(trx);
}

export async function applyMerge(trx: Trx, present: ReadonlySet<ColumnKey>): Promise<MergeCounts> {
  const hf = HOUSEHOLD_FIELDS.filter((f) => f.from === null || present.has(f.from));
  const withLocation = present.has('lon') && present.has('lat');
  const mf = MEMBER_FIELDS.filter((f) => f.from === null || present.has(f.from));
  const hSet = [...hf.map((f) => `${f.col} = ${f.expr}`), ...(withLocation ? [`location = ${LOCATION_EXPR}`] : [])].join(', ');
  const upd = await sql`
    update households h set ${raw(hSet)}, deleted_at = null, version = h.version + 1, updated_at = now()
    from reg_hh r where h.id = r.id and r.changed`.execute(trx);
  // Adopted cards take the national 户编号 (a trigger gives it to their members) and join the registry.
  await sql`
    update households h set household_no = r.household_no, registry_state = '在册'
    from reg_hh r where h.id = r.id and r.adopted_from is not null`.execute(trx);
  const hCols = ['id', 'county_code', 'household_no', ...hf.map((f) => f.col), ...(withLocation ? ['location'] : [])];
  const hVals = ['r.id', 'r.county_code', 'r.household_no', ...hf.map((f) => f.expr), ...(withLocation ? [LOCATION_EXPR] : [])];
  const ins = await sql`
    insert into households (${raw(hCols.join(', '))}) select ${raw(hVals.join(', '))} from reg_hh r where r.is_new`.execute(trx);
  // Members: removals and demotions first, promotions next, new members last — the one-户主 index holds at every step.
  const removed = await sql`
    update members m set deleted_at = now(), version = m.version + 1, updated_at = now()
    from reg_hh r
    where m.household_id = r.id and r.changed and m.deleted_at is null
      and not exists (select 1 from reg_mem x where x.member_id = m.id)`.execute(trx);
  const mSet = mf.map((f) => `${f.col} = x.${f.col}`).join(', ');
  const u1 = await sql`
    update members m set ${raw(mSet)}, version = m.version + 1, updated_at = now()
    from reg_mem x where m.id = x.member_id and x.mchanged and not (x.relation = '户主' and m.relation <> '户主')`.execute(trx);
  const u2 = await sql`
    update members m set ${raw(mSet)}, version = m.version + 1, updated_at = now()
    from reg_mem x where m.id = x.member_id and x.mchanged and x.relation = '户主' and m.relation <> '户主'`.execute(trx);
  // registry_duplicate (migration 0014) decided set-based rather than by its per-row trigger: true
  // when the person stays a member of another household of the file (kept, or on an earlier row) —
  // the national export's double listings. Live memberships outside the file were refused above.
  const mCols = ['household_id', 'county_code', 'household_no', 'id_number', ...mf.map((f) => f.col)];
  const mins = await sql`
    insert into members (${raw(mCols.join(', '))}, registry_duplicate)
    select ${raw(mCols.map((c) => `x.${c}`).join(', '))},
      exists (select 1 from reg_mem y
              where y.county_code = x.county_code and y.id_number = x.id_number and y.household_id <> x.household_id
                and y.person_status not in ('死亡', '迁出') and (y.member_id is not null or y.row_no < x.row_no))
    from reg_mem x where x.member_id is null
    order by x.row_no`.execute(trx);
  const unchanged = await sql<{ n: number }>`select count(*)::int as n from reg_hh where not is_new and not changed`.execute(trx);
  return {
    householdsCreated: Number(ins.numAffectedRows ?? 0),
    householdsUpdated: Number(upd.numAffectedRows ?? 0),
    householdsUnchanged: Number(unchanged.rows[0]?.n ?? 0),
    membersCreated: Number(mins.numAffectedRows ?? 0),
    membersUpdated: Number(u1.numAffectedRows ?? 0) + Number(u2.numAffectedRows ?? 0),
    membersRemoved: Number(removed.numAffectedRows ?? 0),
  };
}

export interface CardSnapshot {
  id: string;
  household_no: string;
  village_code: string;
  card: Record<string, unknown>;
}

/**
 * The imported part of each card, flattened for the audit diff: household fields, and (for cards
 * that existed) each live member's fields under members.<member id>.<field>. Cards created by the
 * import get their household fields and member count only — the file itself (sha256 in the job)
 * holds the rest, and a full copy of 100k new members would multiply the audit log's size.
 */
export async function snapshots(trx: Trx, which: 'changed' | 'new'): Promise<CardSnapshot[]> {
  const filter = which === 'changed' ? sql`r.changed` : sql`r.is_new`;
  const withMembers = which === 'changed';
  const r = await sql<{
    id: string;
    household_no: string;
    village_code: string;
    household: Record<string, unknown>;
    members: Record<string, unknown>[] | null;
    member_count: number;
  }>`
    select h.id, h.household_no, h.village_code,
      jsonb_build_object(
        ${withMembers ? sql`'household_no', h.household_no, 'registry_state', h.registry_state,` : sql``}
        'village_code', h.village_code, 'group_name', h.group_name, 'head_name', h.head_name,
        'household_type', h.household_type, 'status', h.status, 'monitoring_category', h.monitoring_category,
        'main_cause', h.main_cause, 'exit_year', h.exit_year, 'reported_income_per_capita', h.reported_income_per_capita::text,
        'phone', h.phone, 'location', case when h.location is null then null else jsonb_build_array(st_x(h.location), st_y(h.location)) end,
        'deleted', h.deleted_at is not null) as household,
      ma.members, coalesce(ma.n, 0)::int as member_count
    from reg_hh r join households h on h.id = r.id
    left join (
      select m.household_id, count(*) as n,
        ${
          withMembers
            ? sql`jsonb_agg(jsonb_build_object(
              'id', m.id, 'name', m.name, 'id_number', m.id_number, 'sex', m.sex, 'birth_date', m.birth_date, 'relation', m.relation,
              'ethnicity', m.ethnicity, 'education', m.education, 'schooling', m.schooling, 'health', m.health,
              'labor_skill', m.labor_skill, 'work_status', m.work_status, 'work_months', m.work_months,
              'has_medical_insurance', m.has_medical_insurance, 'has_pension_insurance', m.has_pension_insurance,
              'phone', m.phone, 'person_status', m.person_status))`
            : sql`null::jsonb`
        } as members
      from reg_hh r2 join members m on m.household_id = r2.id
      where ${which === 'changed' ? sql`r2.changed` : sql`r2.is_new`} and m.deleted_at is null
      group by m.household_id) ma on ma.household_id = h.id
    where ${filter}`.execute(trx);
  return r.rows.map((row) => {
    const card: Record<string, unknown> = { ...row.household };
    if (withMembers) {
      for (const m of row.members ?? []) {
        const { id, ...fields } = m as { id: string } & Record<string, unknown>;
        for (const [k, v] of Object.entries(fields)) card[`members.${id}.${k}`] = v;
      }
    } else card.member_count = Number(row.member_count);
    return { id: row.id, household_no: row.household_no, village_code: row.village_code, card };
  });
}

/** Cards of the file that take the national 户编号 in place of a provisional one (buildHouseholdStage). */
export async function adoptedCards(trx: Trx) {
  const r = await sql<{ id: string; first_row: number; household_no: string; adopted_from: string }>`
    select id, first_row, household_no, adopted_from from reg_hh where adopted_from is not null order by first_row`.execute(trx);
  return r.rows.map((x) => ({ ...x, first_row: Number(x.first_row) }));
}

// ── Job rows ────────────────────────────────────────────────────────────────────────────────

export async function createJob(
  db: Db,
  v: { id?: string; areaCode: string; fileName: string; byteSize: number; createdBy: string | null; createdByName: string },
) {
  const row = await db
    .insertInto('registry_imports')
    .values({
      ...(v.id ? { id: v.id } : {}),
      area_code: v.areaCode,
      file_name: v.fileName,
      byte_size: v.byteSize,
      created_by: v.createdBy,
      created_by_name: v.createdByName,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type JobUpdate = Omit<
  Updateable<RegistryImportsTable>,
  'id' | 'area_code' | 'file_name' | 'byte_size' | 'created_by' | 'created_by_name' | 'created_at'
>;

export async function updateJob(db: DbOrTrx, id: string, v: JobUpdate) {
  await db.updateTable('registry_imports').set(v).where('id', '=', id).execute();
}

export async function findJob(db: Db, id: string) {
  return db.selectFrom('registry_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The latest jobs in the scope, newest first. */
export async function listJobs(db: Db, scope: Scope, limit: number) {
  return db
    .selectFrom('registry_imports')
    .select(['id', 'status', 'file_name', 'rows_read', 'error_count', 'warning_count', 'created_by_name', 'created_at', 'finished_at'])
    .where(scope.sql('area_code'))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Jobs not finished (queued or running): those a dead process may have left behind (interrupted.ts). */
export async function openJobIds(db: Db) {
  return db.selectFrom('registry_imports').select('id').where('status', 'in', ['queued', 'running']).execute();
}

/** Whether no session holds the job's advisory lock (`key`: interrupted.ts's lock text), tried on one connection. */
export async function jobLockFree(db: Db, key: string) {
  const lockKey = sql`hashtextextended(${key}, 0)`;
  return db.connection().execute(async (conn) => {
    const r = await sql<{ got: boolean }>`select pg_try_advisory_lock(${lockKey}) as got`.execute(conn);
    const got = r.rows[0]?.got === true;
    if (got) await sql`select pg_advisory_unlock(${lockKey})`.execute(conn);
    return got;
  });
}

/** Marks the jobs failed with one file-level error `entry` (those still queued or running). */
export async function failJobs(db: Db, ids: string[], entry: Record<string, unknown>) {
  await db
    .updateTable('registry_imports')
    .set({ status: 'failed', finished_at: new Date(), file_error: JSON.stringify(entry), errors: JSON.stringify([entry]), error_count: 1 })
    .where('id', 'in', ids)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/**
 * Fresh planner statistics after a large merge (PGlite has no autovacuum; PostgreSQL's lags):
 * for the columns that queries filter, join or sort on (list filters, search, card, cross-check
 * and the importer's own checks), not the free text and figures around them — half the time of
 * a whole-table ANALYZE on the card tables (docs/BENCHMARKS.md). Through dripline_analyze
 * (migrations/0022): the server's role does not own the tables, and only an owner may ANALYZE.
 */
export async function analyzeCards(trx: Trx) {
  await sql`select dripline_analyze('households', array['id', 'county_code', 'village_code', 'household_no', 'status', 'household_type', 'monitoring_category', 'main_cause', 'registry_state', 'deleted_at'])`.execute(
    trx,
  );
  await sql`select dripline_analyze('members', array['id', 'household_id', 'county_code', 'id_number', 'name', 'name_initials', 'relation', 'person_status', 'registry_duplicate', 'deleted_at'])`.execute(
    trx,
  );
}
