// Codes compare as bytes. Administrative codes, 户编号, ID numbers, audit chains and entity names
// are identifiers, not words: their order is the order of their digits. Under the database's
// default collation (C.UTF-8 on Debian, zh_CN.UTF-8 or en_US.UTF-8 on many county servers) every
// comparison of two of them went through the locale's strcoll — in every B-tree descent of every
// insert and lookup. Declared COLLATE "C" they compare with memcmp: a registry first load of 100k
// members spends ~10 % less database time (docs/BENCHMARKS.md), and the order stays the same
// (UTF-8 byte order is code-point order, which is C.UTF-8's order; digits sort alike everywhere).
//
// A plain B-tree index on a "C" column also serves LIKE 'prefix%': households_no_pattern_idx
// (county_code, household_no text_pattern_ops) duplicated the unique (county_code, household_no)
// index and is dropped. Other text_pattern_ops indexes stay: pattern operators ignore collation.
//
// A comparison between a "C" column and a default-collation column or parameter uses "C" (the
// non-default collation wins), so no query changes. New code columns follow the rule:
// migrations.test.ts lists the columns named like codes whose collation is not "C".
import { type Kysely, sql } from 'kysely';

export const CODE_COLUMNS: Record<string, string[]> = {
  accounts: ['area_code', 'county_code'],
  areas: ['code', 'county_code', 'parent_code'],
  assistance_measures: ['county_code'],
  audit_heads: ['chain'],
  audit_log: ['chain', 'entity', 'area_code'],
  county_year_settings: ['county_code'],
  crosscheck_runs: ['county_code'],
  crosscheck_settings: ['county_code'],
  dataset_versions: ['county_code'],
  ds_businesses: ['county_code', 'id_number'],
  ds_civil_assistance: ['area_code', 'county_code', 'id_number'],
  ds_disability: ['county_code', 'id_number'],
  ds_household_events: ['county_code', 'id_number'],
  ds_medical_claims: ['county_code', 'id_number'],
  ds_property: ['county_code', 'id_number'],
  ds_public_payroll: ['county_code', 'id_number'],
  ds_students: ['county_code', 'id_number'],
  ds_subsidy_payments: ['county_code', 'id_number'],
  ds_vehicles: ['county_code', 'id_number'],
  findings: ['county_code', 'village_code', 'household_no', 'id_number'],
  household_years: ['county_code'],
  // status: a code-list value that keys households_status_idx (its values are Chinese words,
  // whose code-point order C.UTF-8 used already).
  households: ['county_code', 'village_code', 'household_no', 'status'],
  members: ['county_code', 'household_no', 'id_number'],
  photo_blobs: ['county_code'],
  photos: ['county_code'],
  procedure_steps: ['county_code'],
  procedures: ['county_code', 'village_code'],
  registry_imports: ['area_code'],
  responsible_cadres: ['county_code'],
  visits: ['county_code'],
  work_teams: ['county_code', 'village_code'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  // Triggers whose WHEN names a column block a change of its type: dropped and made again as they were.
  await sql`drop trigger members_household_no_fill on members`.execute(db);
  await sql`drop trigger households_household_no_to_members on households`.execute(db);
  await sql`drop index households_no_pattern_idx`.execute(db);
  for (const [table, columns] of Object.entries(CODE_COLUMNS)) {
    const alters = columns.map((c) => sql`alter column ${sql.id(c)} type text collate "C"`);
    await sql`alter table ${sql.table(table)} ${sql.join(alters)}`.execute(db);
  }
  await sql`
    create trigger members_household_no_fill before insert on members
    for each row when (new.household_no is null) execute function members_household_no()`.execute(db);
  await sql`
    create trigger households_household_no_to_members after update of household_no on households
    for each row when (new.household_no is distinct from old.household_no) execute function households_household_no_to_members()`.execute(db);
}
