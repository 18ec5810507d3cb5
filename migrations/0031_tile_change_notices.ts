// Vector tiles are kept in the server's memory (api/modules/tiles/cache.ts) until the data under
// them changes. Every statement that changes a table a tile layer reads sends one notice on the
// channel `dripline_tiles`, naming the table: PostgreSQL delivers it when the transaction commits
// (never for a rollback) and folds repeats within a transaction into one, so a registry import of
// 100k rows costs one notice. Statement-level triggers: nothing runs per row.
import { type Kysely, sql } from 'kysely';

/** The tables a tile layer reads (api/modules/tiles/layers.ts maps each to the layers it feeds). */
export const TILE_SOURCE_TABLES = ['areas', 'households', 'members', 'findings', 'projects', 'project_villages', 'ledger_entries'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function dripline_tiles_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('dripline_tiles', tg_table_name);
      return null;
    end $$`.execute(db);
  for (const table of TILE_SOURCE_TABLES) {
    await sql`
      create trigger ${sql.id(`${table}_tiles_changed`)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function dripline_tiles_changed()`.execute(db);
  }
}
