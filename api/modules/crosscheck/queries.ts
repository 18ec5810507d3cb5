// SQL of the findings queue and reviews. Every query is filtered by the caller's scope (and so by
// county: the distribution key).
import { sql } from 'kysely';
import type { DbOrTrx as Db } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';
import type { Source } from './rules/types.ts';

export interface FindingFilter {
  rule?: string[];
  severity?: string[];
  status?: string[];
  area?: string;
  householdId?: string;
  presentOnly: boolean;
  limit: number;
  offset: number;
}

export interface FindingRow {
  id: string;
  county_code: string;
  rule: string;
  household_no: string;
  id_number: string;
  household_id: string | null;
  member_id: string | null;
  village_code: string | null;
  village_name: string | null;
  head_name: string | null;
  member_name: string | null;
  /** Who the finding is about: the member on the card, else the name on the department's roll (疑似漏评). */
  person_name: string | null;
  severity: string;
  evidence: unknown;
  evidence_text: string;
  status: string;
  status_reason: string | null;
  present: boolean;
  first_seen_at: Date;
  last_seen_at: Date;
  reviewed_by_name: string | null;
  reviewed_at: Date | null;
  consequence: unknown;
  procedure_id: string | null;
  version: number;
}

const FINDING_COLUMNS = sql`f.id, f.county_code, f.rule, f.household_no, f.id_number, f.household_id, f.member_id, f.village_code,
  v.name as village_name, h.head_name, m.name as member_name,
  coalesce(m.name, f.evidence->>'name') as person_name, f.severity, f.evidence, f.evidence_text, f.status, f.status_reason,
  f.present, f.first_seen_at, f.last_seen_at, f.reviewed_by_name, f.reviewed_at, f.consequence, f.procedure_id, f.version`;

const FROM = sql`findings f
  left join areas v on v.code = f.village_code
  left join households h on h.id = f.household_id
  left join members m on m.id = f.member_id`;

function where(scope: Scope, f: Omit<FindingFilter, 'limit' | 'offset'>) {
  // Findings without a village (none today) stay visible to the county level only.
  const parts = [sql`(${scope.sql('f.village_code', 'f.county_code')} or (f.village_code is null and ${scope.sql('f.county_code')}))`];
  if (f.presentOnly) parts.push(sql`f.present`);
  if (f.rule?.length) parts.push(sql`f.rule in (${sql.join(f.rule)})`);
  if (f.severity?.length) parts.push(sql`f.severity in (${sql.join(f.severity)})`);
  if (f.status?.length) parts.push(sql`f.status in (${sql.join(f.status)})`);
  if (f.area) parts.push(sql`f.village_code like ${`${f.area}%`}`);
  if (f.householdId) parts.push(sql`f.household_id = ${f.householdId}`);
  return sql.join(parts, sql` and `);
}

const SEVERITY_ORDER = sql`case f.severity when 'exclude' then 0 when 'update' then 1 when 'risk' then 2 else 3 end`;

export async function listFindings(db: Db, scope: Scope, f: FindingFilter) {
  const w = where(scope, f);
  const rows = await sql<FindingRow>`
    select ${FINDING_COLUMNS} from ${FROM} where ${w}
    order by ${SEVERITY_ORDER}, f.rule, f.village_code, f.household_no, f.id_number
    limit ${f.limit} offset ${f.offset}`.execute(db);
  const total = await sql<{ n: number }>`select count(*)::int as n from findings f where ${w}`.execute(db);
  return { rows: rows.rows, total: Number(total.rows[0]?.n ?? 0) };
}

export async function findFinding(db: Db, scope: Scope | null, id: string, forUpdate = false) {
  const r = await sql<FindingRow>`
    select ${FINDING_COLUMNS} from ${FROM} where f.id = ${id}
    ${scope ? sql`and (${scope.sql('f.village_code', 'f.county_code')} or (f.village_code is null and ${scope.sql('f.county_code')}))` : sql``}
    ${forUpdate ? sql`for update of f` : sql``}`.execute(db);
  return r.rows[0];
}

/** Open/needs-visit findings per village (for the map) and per rule, in the caller's area. */
export async function countFindings(db: Db, scope: Scope, f: Omit<FindingFilter, 'limit' | 'offset'>) {
  const w = where(scope, f);
  const byVillage = await sql<{ village_code: string; n: number }>`
    select f.village_code, count(*)::int as n from findings f where ${w} and f.village_code is not null
    group by f.village_code order by f.village_code`.execute(db);
  const byRule = await sql<{ rule: string; n: number }>`
    select f.rule, count(*)::int as n from findings f where ${w} group by f.rule order by f.rule`.execute(db);
  const byStatus = await sql<{ status: string; n: number }>`
    select f.status, count(*)::int as n from findings f where ${w} group by f.status order by f.status`.execute(db);
  const num = <T extends { n: number }>(rows: T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));
  return { byVillage: num(byVillage.rows), byRule: num(byRule.rows), byStatus: num(byStatus.rows) };
}

/** Findings first seen, and findings reviewed to a closing status (confirmed, dismissed, resolved), since a time, in the caller's area. */
export async function findingActivity(db: Db, scope: Scope, since: Date) {
  const at = since.toISOString();
  const r = await sql<{ opened: number; closed: number }>`
    select count(*) filter (where f.first_seen_at >= ${at}::timestamptz)::int as opened,
      count(*) filter (where f.reviewed_at >= ${at}::timestamptz and f.status in ('confirmed', 'dismissed', 'resolved'))::int as closed
    from findings f
    where ${where(scope, { presentOnly: false })} and (f.first_seen_at >= ${at}::timestamptz or f.reviewed_at >= ${at}::timestamptz)`.execute(db);
  return { opened: Number(r.rows[0]?.opened ?? 0), closed: Number(r.rows[0]?.closed ?? 0) };
}

export interface ReviewUpdate {
  status: string;
  reason: string | null;
  actorId: string | null;
  actorName: string;
  consequence: unknown;
  procedureId: string | null;
}

export async function updateFindingStatus(trx: Db, id: string, u: ReviewUpdate) {
  await sql`
    update findings set status = ${u.status}, status_reason = ${u.reason}, reviewed_by = ${u.actorId}, reviewed_by_name = ${u.actorName},
      reviewed_at = now(), consequence = coalesce(${u.consequence === null ? null : JSON.stringify(u.consequence)}::jsonb, consequence),
      procedure_id = coalesce(${u.procedureId}::uuid, procedure_id), version = version + 1
    where id = ${id}`.execute(trx);
}

export async function listRuns(db: Db, countyCode: string, limit = 20) {
  const r = await sql<{
    id: string;
    as_of: string;
    status: string;
    counts: unknown;
    dataset_versions: unknown;
    settings: unknown;
    started_by_name: string | null;
    started_at: Date;
    finished_at: Date | null;
  }>`select id, as_of, status, counts, dataset_versions, settings, started_by_name, started_at, finished_at
     from crosscheck_runs where county_code = ${countyCode} order by started_at desc limit ${limit}`.execute(db);
  return r.rows;
}

export async function listVersions(db: Db, countyCode: string, limit = 50) {
  const r = await sql<{
    id: string;
    source: string;
    status: string;
    file_name: string;
    sha256: string;
    byte_size: number;
    encoding: string | null;
    format: string | null;
    rows_read: number;
    rows_loaded: number;
    rows_unusable: number;
    unusable_reasons: unknown;
    imported_by_name: string | null;
    started_at: Date;
    finished_at: Date | null;
  }>`select id, source, status, file_name, sha256, byte_size, encoding, format, rows_read, rows_loaded, rows_unusable, unusable_reasons,
       imported_by_name, started_at, finished_at
     from dataset_versions where county_code = ${countyCode} order by started_at desc limit ${limit}`.execute(db);
  return r.rows.map((v) => ({ ...v, byte_size: Number(v.byte_size) }));
}

// ── Consequences on the card ───────────────────────────────────────────────────────────────────
export async function memberForUpdate(trx: Db, id: string) {
  return trx
    .selectFrom('members')
    .select([
      'id',
      'household_id',
      'name',
      'person_status',
      'status_date',
      'schooling',
      'health',
      'disability_category',
      'disability_grade',
      'version',
      'deleted_at',
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function householdForUpdate(trx: Db, id: string) {
  return trx
    .selectFrom('households')
    .select(['id', 'county_code', 'village_code', 'household_no', 'household_type', 'status', 'version', 'deleted_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateMember(trx: Db, id: string, set: Record<string, unknown>) {
  await trx
    .updateTable('members')
    .set((eb) => ({ ...(set as object), updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function updateHouseholdType(trx: Db, id: string, householdType: string) {
  await trx
    .updateTable('households')
    .set((eb) => ({ household_type: householdType, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function liveMemberStatuses(trx: Db, householdId: string) {
  return trx.selectFrom('members').select(['id', 'person_status']).where('household_id', '=', householdId).where('deleted_at', 'is', null).execute();
}

/** The counties that hold live households, at most two (the CLI's default county is the only one). */
export async function householdCounties(db: Db) {
  const r = await sql<{ county_code: string }>`select distinct county_code from households where deleted_at is null limit 2`.execute(db);
  return r.rows.map((x) => x.county_code);
}

export interface ExportRowFilter {
  countyCode: string;
  status?: string[];
  rules?: string[];
  /** Only findings present in the latest run (default true). */
  presentOnly?: boolean;
}

/** The findings of a county for the docs/data-formats.md §3 export, in the scope (null: the operator's, unscoped). */
export async function exportRows(db: Db, scope: Scope | null, f: ExportRowFilter) {
  const r = await sql<{
    rule: string;
    household_no: string;
    id_number: string;
    severity: string;
    evidence_text: string;
    status: string;
    village_code: string | null;
    first_seen_at: Date;
    last_seen_at: Date;
  }>`
    select rule, household_no, id_number, severity, evidence_text, status, village_code, first_seen_at, last_seen_at
    from findings
    where county_code = ${f.countyCode}
      ${f.presentOnly === false ? sql`` : sql`and present`}
      ${f.status?.length ? sql`and status in (${sql.join(f.status)})` : sql``}
      ${f.rules?.length ? sql`and rule in (${sql.join(f.rules)})` : sql``}
      ${scope ? sql`and ${scope.sql('village_code', 'county_code')}` : sql``}
    order by rule, household_no, id_number`.execute(db);
  return r.rows;
}

// ── A run (run.ts): its frame around the rules, all in the run's transaction ─────────────────
/** One run per county at a time: held until the run's transaction ends. */
export async function lockCountyRun(trx: Db, countyCode: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${`crosscheck:${countyCode}`}))`.execute(trx);
}

/** The county's current dataset version per source (the newest succeeded import of each). */
export async function currentVersions(db: Db, countyCode: string): Promise<Partial<Record<Source, string>>> {
  const rows = await sql<{ source: Source; id: string }>`
    select distinct on (source) source, id from dataset_versions
    where county_code = ${countyCode} and status = 'succeeded'
    order by source, finished_at desc`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.source, r.id]));
}

/** The county's yearly standard for `year`, or its latest earlier one (the medical alert's values). */
export async function medicalStandard(db: Db, countyCode: string, year: number) {
  const r = await sql<{ year: number; medical_self_pay_threshold: number | null; medical_window_months: number }>`
    select year, medical_self_pay_threshold, medical_window_months from county_year_settings
    where county_code = ${countyCode} and year <= ${year} order by year desc limit 1`.execute(db);
  return r.rows[0];
}

/** A new run with the settings and dataset versions it uses; returns its id. */
export async function insertRun(
  trx: Db,
  r: { countyCode: string; asOf: string; settings: unknown; versions: unknown; startedBy: string | null; startedByName: string },
) {
  const run = await sql<{ id: string }>`
    insert into crosscheck_runs (county_code, as_of, settings, dataset_versions, started_by, started_by_name)
    values (${r.countyCode}, ${r.asOf}, ${JSON.stringify(r.settings)}, ${JSON.stringify(r.versions)}, ${r.startedBy}, ${r.startedByName})
    returning id`.execute(trx);
  return run.rows[0]?.id as string;
}

/**
 * The run's working tables, dropped at commit: cc_members, the county's live members with their
 * household (indexed and analysed: every rule joins it), and cc_candidates, where each rule inserts.
 */
export async function createRunTables(trx: Db, countyCode: string) {
  await sql`
    create temp table cc_members on commit drop as
    select m.id as member_id, m.household_id, h.household_no, h.village_code, h.household_type, m.id_number, m.name,
      m.schooling, m.health, m.person_status, m.status_date, m.person_status <> '死亡' as alive
    from members m join households h on h.id = m.household_id
    where h.county_code = ${countyCode} and m.county_code = ${countyCode}
      and h.deleted_at is null and m.deleted_at is null`.execute(trx);
  await sql`create index on cc_members (id_number)`.execute(trx);
  await sql`create index on cc_members (household_id)`.execute(trx);
  await sql`analyze cc_members`.execute(trx);
  await sql`
    create temp table cc_candidates (
      rule text not null, household_no text not null, id_number text not null, household_id uuid, member_id uuid,
      village_code text, severity text not null, evidence jsonb not null, evidence_text text not null
    ) on commit drop`.execute(trx);
}

/**
 * The candidates merged into findings: new ones inserted, present ones refreshed (a dismissed one
 * reopened only when its evidence changed, a resolved one when it fires again). Returns the counts.
 */
export async function mergeCandidates(trx: Db, countyCode: string, runId: string) {
  const merged = await sql<{ inserted: number; reopened: number; total: number }>`
    with m as (
    insert into findings as f (county_code, rule, household_no, id_number, household_id, member_id, village_code, severity,
      evidence, evidence_text, evidence_hash, first_run_id, last_run_id)
    select ${countyCode}, c.rule, c.household_no, c.id_number, c.household_id, c.member_id, c.village_code, c.severity,
      c.evidence, c.evidence_text, md5((c.evidence - 'name')::text), ${runId}, ${runId}
    from (select distinct on (rule, household_no, id_number) * from cc_candidates order by rule, household_no, id_number) c
    on conflict (county_code, rule, household_no, id_number) do update set
      evidence = excluded.evidence,
      evidence_text = excluded.evidence_text,
      evidence_hash = excluded.evidence_hash,
      household_id = excluded.household_id,
      member_id = excluded.member_id,
      village_code = excluded.village_code,
      severity = excluded.severity,
      last_run_id = excluded.last_run_id,
      last_seen_at = now(),
      present = true,
      -- A dismissed finding comes back only when its evidence changed; a resolved one when it fires again.
      status = case
        when f.status = 'dismissed' and f.evidence_hash <> excluded.evidence_hash then 'open'
        when f.status = 'resolved' then 'open'
        else f.status end,
      status_reason = case
        when (f.status = 'dismissed' and f.evidence_hash <> excluded.evidence_hash) or f.status = 'resolved' then '证据已变化，重新打开'
        else f.status_reason end,
      version = f.version + case when f.evidence_hash <> excluded.evidence_hash or not f.present then 1 else 0 end
    returning (xmax = 0) as inserted,
      (status = 'open' and first_run_id <> ${runId} and status_reason = '证据已变化，重新打开' and last_run_id = ${runId}) as reopened)
    -- Counted here: tens of thousands of rows need not travel to the application.
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where reopened)::int as reopened, count(*)::int as total from m`.execute(trx);
  const r = merged.rows[0];
  return { inserted: Number(r?.inserted ?? 0), reopened: Number(r?.reopened ?? 0), total: Number(r?.total ?? 0) };
}

/** Findings of these rules that this run did not find are no longer present. */
export async function markAbsent(trx: Db, countyCode: string, runId: string, rules: readonly string[]) {
  await sql`
    update findings set present = false
    where county_code = ${countyCode} and present and last_run_id <> ${runId} and rule in (${sql.join(rules)})`.execute(trx);
}

/** Candidates per rule, from the run's working table. */
export async function candidateCounts(trx: Db) {
  const r = await sql<{ rule: string; n: number }>`select rule, count(*)::int as n from cc_candidates group by rule`.execute(trx);
  return Object.fromEntries(r.rows.map((x) => [x.rule, Number(x.n)]));
}

/** The run succeeded, with its counts (and the rules skipped, under _skipped). */
export async function finishRun(trx: Db, runId: string, counts: Record<string, unknown>) {
  await sql`update crosscheck_runs set status = 'succeeded', finished_at = now(), counts = ${JSON.stringify(counts)}
    where id = ${runId}`.execute(trx);
}
