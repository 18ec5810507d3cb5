// Test helpers of the anomaly rules: ledger entries and chain steps written straight into the
// tables (the rules flag what the treasury and the offices did, including what the ledger's own
// checks would refuse), a run of one rule, and the alerts of given subjects.
import { sql } from 'kysely';
import { systemCtx } from '../../../context.ts';
import type { Db } from '../../../db/schema.ts';
import type { EntryKind, FundSource } from '../../funds/code-lists.ts';
import { SOURCE_A } from '../../funds/test-projects.ts';
import type { ProjectState } from '../../projects/code-lists.ts';
import { runOversightRules } from '../run.ts';
import type { Thresholds } from './types.ts';

export const COUNTY = '522324';

export async function entry(
  db: Db,
  projectId: string,
  kind: EntryKind,
  amountFen: number,
  bookedOn: string,
  o: { source?: FundSource; payee?: string; householdId?: string; reversalOf?: string; voucherNo?: string } = {},
): Promise<string> {
  const r = await db
    .insertInto('ledger_entries')
    .values({
      county_code: COUNTY,
      project_id: projectId,
      kind,
      source: o.source ?? SOURCE_A,
      amount_fen: amountFen,
      booked_on: bookedOn,
      payee: o.payee ?? null,
      household_id: o.householdId ?? null,
      voucher_no: kind === '报账' && !o.reversalOf ? (o.voucherNo ?? 'V-1') : null,
      reversal_of: o.reversalOf ?? null,
      reason: o.reversalOf ? '冲正' : null,
      created_by_name: '测试',
      created_by_role: 'county_official',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Appends a step to the project's log (seq after its last). */
export async function step(
  db: Db,
  projectId: string,
  action: 'submit' | 'approve' | 'progress',
  from: ProjectState,
  to: ProjectState,
  at: string,
): Promise<string> {
  const r = await sql<{ id: string }>`
    insert into project_steps (project_id, county_code, seq, action, from_state, to_state, actor_name, actor_role, at)
    select ${projectId}, ${COUNTY}, coalesce(max(seq), 0) + 1, ${action}, ${from}, ${to}, '测试', 'county_official', ${at}::timestamptz
    from project_steps where project_id = ${projectId}
    returning id`.execute(db);
  return r.rows[0]?.id as string;
}

export function runRule(db: Db, rule: string, asOf: string, thresholds: Partial<Thresholds> = {}) {
  return runOversightRules(systemCtx(db), { countyCode: COUNTY, asOf, rules: [rule], thresholds });
}

export interface AlertRow {
  id: string;
  rule: string;
  status: string;
  subject_kind: string;
  subject_key: string;
  village_code: string;
  project_id: string | null;
  ledger_entry_id: string | null;
  project_step_id: string | null;
  procedure_step_id: string | null;
  evidence: Record<string, unknown>;
  evidence_text: string;
}

/** The active alerts of `rule` about the given projects, entries or steps (any of them). */
export async function alertsAbout(db: Db, rule: string, ids: string[]): Promise<AlertRow[]> {
  const list = ids.length ? ids : ['00000000-0000-0000-0000-000000000000'];
  const r = await sql<AlertRow>`
    select id, rule, status, subject_kind, subject_key, village_code, project_id, ledger_entry_id, project_step_id, procedure_step_id, evidence, evidence_text
    from oversight_alerts
    where rule = ${rule} and status <> 'closed'
      and (project_id::text in (${sql.join(list)}) or ledger_entry_id::text in (${sql.join(list)})
        or project_step_id::text in (${sql.join(list)}) or procedure_step_id::text in (${sql.join(list)}) or subject_key in (${sql.join(list)}))
    order by subject_key`.execute(db);
  return r.rows.map((a) => ({ ...a, evidence: typeof a.evidence === 'string' ? JSON.parse(a.evidence) : a.evidence }));
}
