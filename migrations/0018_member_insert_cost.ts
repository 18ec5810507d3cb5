// What each inserted member costs (a first registry load writes ~100k at once):
// - members_id_number_idx (county_code, id_number) repeated members_id_number_any_county_idx
//   (id_number, live members): an ID number is one person, so every lookup — the registry
//   import's checks, the card's "already in another household", search by ID — finds its row
//   through the latter and filters the county from a row or two. Each index costs ~3 µs an insert.
// - the registry_duplicate trigger ran its PL/pgSQL function for every row only to find the
//   value given; a WHEN condition skips the call when the writer decided (imports always do).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists members_id_number_idx`.execute(db);
  await sql`drop trigger members_flag_registry_duplicate on members`.execute(db);
  await sql`
    create trigger members_flag_registry_duplicate before insert or update of registry_duplicate on members
    for each row when (new.registry_duplicate is null) execute function members_flag_registry_duplicate()`.execute(db);
}
