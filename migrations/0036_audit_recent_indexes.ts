// The workbench's view of the audit log (issue 14 §1, decision 0036): what changed in an area in the
// last days and the refused requests (access.denied) of its accounts. A township's or village's
// recent entries are found by their area code and time, the refusals by their action and time, so
// neither reads the county's whole week (a first registry load writes one entry per card).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index audit_area_at_idx on audit_log (area_code text_pattern_ops, at)`.execute(db);
  await sql`create index audit_action_at_idx on audit_log (action, at)`.execute(db);
}
