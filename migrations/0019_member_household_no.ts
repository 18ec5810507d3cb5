// Search by name or pinyin initials, a page in 户编号 order: a 2-letter initials search matches
// ~5% of a county (5,280 of 100k households for "wx"), and each match cost a primary-key probe
// and a heap visit to learn its 户编号 before the page could be sorted — 25 ms a request, the
// slowest list by far (docs/BENCHMARKS.md). The member's 户编号 is now kept on the member row and
// carried by the name/initials indexes, so the matches, their order and the capped count come
// from index-only scans, 1 ms instead of 25.
//
// members.household_no always equals its household's: writers that know it (the registry import)
// give it; a trigger fills it when an insert leaves it out or a member moves to another household;
// a changed 户编号 is copied to the household's members.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table members add column household_no text`.execute(db);
  await sql`update members m set household_no = h.household_no from households h where h.id = m.household_id`.execute(db);
  await sql`alter table members alter column household_no set not null`.execute(db);

  await sql`
    create function members_household_no() returns trigger language plpgsql as $$
    begin
      new.household_no := (select h.household_no from households h where h.id = new.household_id);
      return new;
    end $$`.execute(db);
  await sql`
    create trigger members_household_no_fill before insert on members
    for each row when (new.household_no is null) execute function members_household_no()`.execute(db);
  await sql`
    create trigger members_household_no_move before update of household_id on members
    for each row when (new.household_id is distinct from old.household_id) execute function members_household_no()`.execute(db);

  await sql`
    create function households_household_no_to_members() returns trigger language plpgsql as $$
    begin
      update members set household_no = new.household_no where household_id = new.id and household_no <> new.household_no;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger households_household_no_to_members after update of household_no on households
    for each row when (new.household_no is distinct from old.household_no) execute function households_household_no_to_members()`.execute(db);

  // A household is found by the names of its members (its 户主 is one of them): the head-name
  // indexes on households served a second branch of every search and cost two index updates per
  // imported card. The member indexes carry the 户编号 beside the household id.
  await sql`drop index households_head_name_idx`.execute(db);
  await sql`drop index households_head_initials_idx`.execute(db);
  await sql`drop index members_name_idx`.execute(db);
  await sql`drop index members_name_initials_idx`.execute(db);
  await sql`create index members_name_idx on members (county_code, name text_pattern_ops) include (household_id, household_no) where deleted_at is null`.execute(
    db,
  );
  // Initials are searched by their first two letters in 户编号 order: a 2-letter search reads its
  // first page and its capped count (1,001 households) off the index and stops; longer initials
  // filter within their two letters' run (api/modules/households/queries.ts textMatch).
  await sql`create index members_name_initials_idx on members (county_code, left(name_initials, 2) text_pattern_ops, household_no) include (household_id, name_initials) where deleted_at is null`.execute(
    db,
  );
}
