// Household card API (issue 4): one household per person enforced in the database, and the
// indexes the household search needs (docs/decisions/0007-one-household-per-person.md).
//
// A person (ID number) belongs to one household at a time. National registry exports do hold
// the same person in two households; the import accepts them (the cross-check reports
// DUPLICATE_PERSON), so such rows carry registry_duplicate = true and are left out of the unique
// index. Every edit made in Dripline writes registry_duplicate = false explicitly, so the index
// refuses a second live membership even when two edits race. A row inserted without the column
// (the registry inserter) gets it decided by the trigger below: true when the person is already a
// live member elsewhere. The index is per county (county_code is the distribution key); the
// cross-county check is done by the application (api/modules/households/members.ts).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table members add column registry_duplicate boolean`.execute(db);
  // Existing rows: the first live membership of a person stays unflagged, later ones are flagged.
  await sql`
    update members m set registry_duplicate = exists (
      select 1 from members o
      where o.county_code = m.county_code and o.id_number = m.id_number and o.id <> m.id
        and o.deleted_at is null and o.person_status not in ('死亡', '迁出')
        and (o.created_at, o.id) < (m.created_at, m.id))`.execute(db);
  await sql`
    create function members_flag_registry_duplicate() returns trigger language plpgsql as $$
    begin
      if new.registry_duplicate is null then
        new.registry_duplicate := exists (
          select 1 from members o
          where o.county_code = new.county_code and o.id_number = new.id_number and o.id <> new.id
            and o.deleted_at is null and o.person_status not in ('死亡', '迁出') and not o.registry_duplicate);
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger members_flag_registry_duplicate before insert or update of registry_duplicate on members
    for each row execute function members_flag_registry_duplicate()`.execute(db);
  await sql`alter table members alter column registry_duplicate set not null`.execute(db);
  await sql`
    create unique index members_one_household_per_person_idx on members (county_code, id_number)
    where deleted_at is null and person_status not in ('死亡', '迁出') and not registry_duplicate`.execute(db);
  // Cross-county lookup of a person (the unique index above is per county).
  await sql`create index members_id_number_any_county_idx on members (id_number) where deleted_at is null`.execute(db);

  // Search: 户编号 and names by prefix, in the county (LIKE 'x%' needs pattern ops outside the C
  // collation). Covering, so a search by a common name or initials ("wc" matches thousands in a
  // 100k county) is an index-only scan; they replace the plain initials indexes of 0011.
  await sql`create index households_no_pattern_idx on households (county_code, household_no text_pattern_ops)`.execute(db);
  await sql`create index households_head_name_idx on households (county_code, head_name text_pattern_ops) include (id) where deleted_at is null`.execute(db);
  await sql`create index households_head_initials_idx on households (county_code, head_initials text_pattern_ops) include (id) where deleted_at is null`.execute(
    db,
  );
  await sql`create index members_name_idx on members (county_code, name text_pattern_ops) include (household_id) where deleted_at is null`.execute(db);
  await sql`create index members_name_initials_idx on members (county_code, name_initials text_pattern_ops) include (household_id) where deleted_at is null`.execute(
    db,
  );
  await sql`drop index if exists members_initials_idx`.execute(db);
  await sql`drop index if exists households_initials_idx`.execute(db);
  // List order within a county/village and the guarantee filter.
  await sql`create index households_list_idx on households (county_code, village_code, household_no) where deleted_at is null`.execute(db);
  await sql`create index household_years_latest_idx on household_years (household_id, year desc) where deleted_at is null`.execute(db);
}
