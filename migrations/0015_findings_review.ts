// Review of cross-check findings: what confirming a finding did to the card (the consequence,
// e.g. the member marked deceased, or the 清退 procedure opened) and the review note.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table findings
      add column consequence jsonb,
      add column procedure_id uuid,
      add column reviewed_by_name text`.execute(db);
  await sql`create index findings_village_idx on findings (county_code, village_code text_pattern_ops)`.execute(db);
}
