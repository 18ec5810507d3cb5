// SQL of GET /api/health: what the server runs on, counted cheaply.
import { sql } from 'kysely';
import type { DbOrTrx } from '../../db/schema.ts';

/** PostGIS's version, areas and live households counted up to 10,000, and whether the engine is PGlite. */
export async function healthFacts(db: DbOrTrx) {
  const r = await sql<{ postgis: string; areas: number; households: number; pglite: boolean }>`
    select postgis_lib_version() as postgis,
      (select count(*) from (select 1 from areas limit 10000) a)::int as areas,
      (select count(*) from (select 1 from households where deleted_at is null limit 10000) h)::int as households,
      version() ilike '%emscripten%' or version() ilike '%wasm%' as pglite`.execute(db);
  return r.rows[0];
}
