// SQL of oversight: the only place that knows project_comments, oversight_runs and oversight_alerts
// (and reads the project and entry rows they hang on). The rules' own SELECTs are in rules/; the
// merge of a rule's candidates into alerts is here. Lists are filtered by the caller's scope.
import { type RawBuilder, sql } from 'kysely';
import type { AlertSeverity, AlertStatus, DbOrTrx } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';

/** One oversight run per county at a time. */
export const lockCountyRun = (trx: DbOrTrx, countyCode: string) => sql`select pg_advisory_xact_lock(hashtext(${`oversight:${countyCode}`}))`.execute(trx);

/** The county's current 公安·户籍变动 dataset version (the cross-check's newest succeeded import), if any. */
export const householdEventsVersion = async (db: DbOrTrx, countyCode: string): Promise<string | null> =>
  (
    await db
      .selectFrom('dataset_versions')
      .select('id')
      .where('county_code', '=', countyCode)
      .where('source', '=', 'household_events')
      .where('status', '=', 'succeeded')
      .orderBy('finished_at', 'desc')
      .limit(1)
      .executeTakeFirst()
  )?.id ?? null;

export const insertRun = (
  trx: DbOrTrx,
  r: { countyCode: string; asOf: string; thresholds: object; startedBy: string | null; startedByName: string; at: Date },
) =>
  trx
    .insertInto('oversight_runs')
    .values({
      county_code: r.countyCode,
      as_of: r.asOf,
      thresholds: JSON.stringify(r.thresholds),
      started_by: r.startedBy,
      started_by_name: r.startedByName,
      started_at: r.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

export const finishRun = (trx: DbOrTrx, id: string, counts: object) =>
  trx
    .updateTable('oversight_runs')
    .set({ counts: JSON.stringify(counts) })
    .where('id', '=', id)
    .execute();

/**
 * A rule's candidates into alerts, idempotently: an active alert (open or answered) of the rule and
 * subject is kept (an open one takes the fresh evidence), a new subject gets a new alert, and a
 * subject whose alert was closed gets a new one only when its evidence changed since.
 */
export async function mergeCandidates(
  trx: DbOrTrx,
  m: { countyCode: string; runId: string; rule: string; severity: AlertSeverity; raisedByName: string; at: Date; candidates: RawBuilder<unknown> },
): Promise<{ found: number; raised: number; kept: number }> {
  const r = await sql<{ found: number; raised: number; kept: number }>`
    with c as (${m.candidates}),
    h as (select c.*, md5(c.evidence::text) as hash from c),
    seen as (
      update oversight_alerts a set
        evidence = case when a.status = 'open' then h.evidence else a.evidence end,
        evidence_text = case when a.status = 'open' then h.evidence_text else a.evidence_text end,
        evidence_hash = case when a.status = 'open' then h.hash else a.evidence_hash end,
        last_seen_run = ${m.runId}
      from h
      where a.county_code = ${m.countyCode} and a.rule = ${m.rule} and a.subject_key = h.subject_key and a.status <> 'closed'
      returning a.id
    ),
    ins as (
      insert into oversight_alerts (county_code, village_code, rule, severity, subject_kind, subject_key, project_id, ledger_entry_id, project_step_id,
        procedure_id, procedure_step_id, evidence, evidence_text, evidence_hash, raised_by_run, raised_by_name, raised_at, last_seen_run, updated_at)
      select ${m.countyCode}, h.village_code, ${m.rule}, ${m.severity}, h.subject_kind, h.subject_key, h.project_id, h.ledger_entry_id, h.project_step_id,
        h.procedure_id, h.procedure_step_id, h.evidence, h.evidence_text, h.hash, ${m.runId}, ${m.raisedByName}, ${m.at}, ${m.runId}, ${m.at}
      from h
      where not exists (
        select 1 from oversight_alerts a
        where a.county_code = ${m.countyCode} and a.rule = ${m.rule} and a.subject_key = h.subject_key and (a.status <> 'closed' or a.evidence_hash = h.hash)
      )
      on conflict do nothing
      returning id
    )
    select (select count(*) from h)::int as found, (select count(*) from ins)::int as raised, (select count(*) from seen)::int as kept`.execute(trx);
  const row = r.rows[0];
  return { found: Number(row?.found ?? 0), raised: Number(row?.raised ?? 0), kept: Number(row?.kept ?? 0) };
}

const ALERT_COLUMNS = [
  'a.id',
  'a.county_code',
  'a.village_code',
  'a.rule',
  'a.severity',
  'a.subject_kind',
  'a.project_id',
  'a.ledger_entry_id',
  'a.project_step_id',
  'a.procedure_id',
  'a.procedure_step_id',
  'a.evidence',
  'a.evidence_text',
  'a.status',
  'a.raised_by_name',
  'a.raised_by_run',
  'a.raised_at',
  'a.answer',
  'a.answered_by_name',
  'a.answered_by_role',
  'a.answered_at',
  'a.close_note',
  'a.closed_by_name',
  'a.closed_at',
  'a.version',
] as const;

export interface AlertFilter {
  status?: AlertStatus[];
  rule?: string[];
  projectId?: string;
  /** An area code inside the caller's: alerts whose subject lies in it (a village, a township). */
  area?: string;
  limit: number;
  offset: number;
}

/** Alerts in scope, oldest first (the queue: what waits longest comes first). */
export const listAlerts = (db: DbOrTrx, scope: Scope, f: AlertFilter) => {
  let query = db
    .selectFrom('oversight_alerts as a')
    .leftJoin('projects as p', 'p.id', 'a.project_id')
    .select([...ALERT_COLUMNS, 'p.name as project_name'])
    .where(scope.sql('a.village_code', 'a.county_code'));
  if (f.status?.length) query = query.where('a.status', 'in', f.status);
  if (f.rule?.length) query = query.where('a.rule', 'in', f.rule);
  if (f.projectId) query = query.where('a.project_id', '=', f.projectId);
  if (f.area) query = query.where('a.village_code', 'like', `${f.area}%`);
  return query.orderBy('a.raised_at').orderBy('a.id').limit(f.limit).offset(f.offset).execute();
};

export type AlertRow = Awaited<ReturnType<typeof listAlerts>>[number];

/** One alert (any scope: the caller checks its area), locked for an answer or a close. */
export const lockAlert = (trx: DbOrTrx, id: string) =>
  trx
    .selectFrom('oversight_alerts as a')
    .leftJoin('projects as p', 'p.id', 'a.project_id')
    .select([...ALERT_COLUMNS, 'p.name as project_name'])
    .where('a.id', '=', id)
    .forUpdate('a')
    .executeTakeFirst();

export const insertManualAlert = (
  trx: DbOrTrx,
  a: {
    countyCode: string;
    villageCode: string;
    severity: AlertSeverity;
    subjectKind: 'project' | 'ledger_entry';
    projectId: string;
    ledgerEntryId: string | null;
    evidence: object;
    evidenceText: string;
    evidenceHash: string;
    raisedBy: string | null;
    raisedByName: string;
    at: Date;
  },
) =>
  trx
    .insertInto('oversight_alerts')
    .values({
      county_code: a.countyCode,
      village_code: a.villageCode,
      rule: 'manual',
      severity: a.severity,
      subject_kind: a.subjectKind,
      subject_key: null,
      project_id: a.projectId,
      ledger_entry_id: a.ledgerEntryId,
      evidence: JSON.stringify(a.evidence),
      evidence_text: a.evidenceText,
      evidence_hash: a.evidenceHash,
      raised_by: a.raisedBy,
      raised_by_name: a.raisedByName,
      raised_at: a.at,
      updated_at: a.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

export const answerAlert = (trx: DbOrTrx, id: string, a: { answer: string; by: string | null; byName: string; byRole: string; at: Date }) =>
  trx
    .updateTable('oversight_alerts')
    .set((eb) => ({
      status: 'answered',
      answer: a.answer,
      answered_by: a.by,
      answered_by_name: a.byName,
      answered_by_role: a.byRole,
      answered_at: a.at,
      updated_at: a.at,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .execute();

export const closeAlert = (trx: DbOrTrx, id: string, c: { note: string; by: string | null; byName: string; at: Date }) =>
  trx
    .updateTable('oversight_alerts')
    .set((eb) => ({
      status: 'closed',
      close_note: c.note,
      closed_by: c.by,
      closed_by_name: c.byName,
      closed_at: c.at,
      updated_at: c.at,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .execute();

/** A project's row for oversight (any scope: the caller checks its lead village). */
export const findProject = (db: DbOrTrx, id: string) =>
  db.selectFrom('projects').select(['id', 'county_code', 'village_code', 'name']).where('id', '=', id).executeTakeFirst();

/** A ledger entry's project (any scope). */
export const findEntry = (db: DbOrTrx, id: string) =>
  db.selectFrom('ledger_entries').select(['id', 'project_id', 'county_code', 'kind', 'booked_on']).where('id', '=', id).executeTakeFirst();

/** A project's comments in the order they were written. */
export const listComments = (db: DbOrTrx, projectId: string) =>
  db
    .selectFrom('project_comments')
    .select(['id', 'project_id', 'ledger_entry_id', 'author_name', 'author_role', 'text', 'at'])
    .where('project_id', '=', projectId)
    .orderBy('at')
    .orderBy('created_at')
    .execute();

export type CommentRow = Awaited<ReturnType<typeof listComments>>[number];

export const insertComment = (
  trx: DbOrTrx,
  c: {
    projectId: string;
    countyCode: string;
    villageCode: string;
    ledgerEntryId: string | null;
    authorId: string | null;
    authorName: string;
    authorRole: string;
    text: string;
    at: Date;
  },
) =>
  trx
    .insertInto('project_comments')
    .values({
      project_id: c.projectId,
      county_code: c.countyCode,
      village_code: c.villageCode,
      ledger_entry_id: c.ledgerEntryId,
      author_id: c.authorId,
      author_name: c.authorName,
      author_role: c.authorRole,
      text: c.text,
      at: c.at,
    })
    .returning(['id', 'project_id', 'ledger_entry_id', 'author_name', 'author_role', 'text', 'at'])
    .executeTakeFirstOrThrow();
