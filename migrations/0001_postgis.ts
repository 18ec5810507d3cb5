// PostGIS first: every area, household and project carries geometry in SRID 4326.
// Frozen once landed: migrations never import application code.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists postgis`.execute(db);
}
