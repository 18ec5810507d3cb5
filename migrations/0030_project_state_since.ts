// Since when a project has been in its state (the approval queue's order: the longest-waiting
// first). Kept on the row by the step that changes the state, so the queue sorts and pages on an
// index instead of reading every waiting project's step log (issue 15: queue p95 ≤ 100 ms at 20
// users for a county of 5,000 projects). Existing rows take it from their step log.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table projects add column state_since timestamptz`.execute(db);
  await sql`
    update projects p set state_since = coalesce(
      (select max(s.at) from project_steps s where s.project_id = p.id and s.to_state <> s.from_state), p.created_at)`.execute(db);
  await sql`alter table projects alter column state_since set default now(), alter column state_since set not null`.execute(db);
  await sql`create index projects_queue_idx on projects (county_code, state, state_since, id)`.execute(db);
}
