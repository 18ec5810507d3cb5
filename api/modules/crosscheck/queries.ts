// SQL of the findings queue and reviews. Every query is filtered by the caller's scope (and so by
// county: the distribution key).
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';

type Db = Kysely<Database> | Transaction<Database>;

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
  v.name as village_name, h.head_name, m.name as member_name, f.severity, f.evidence, f.evidence_text, f.status, f.status_reason,
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
    .select(['id', 'household_id', 'name', 'person_status', 'status_date', 'schooling', 'health', 'disability_category', 'disability_grade', 'version', 'deleted_at'])
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
