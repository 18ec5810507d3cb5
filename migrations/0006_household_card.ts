// The complete household card (一户一卡): classification extras, yearly snapshots of conditions,
// income and the five guarantees (两不愁三保障+饮水), member details, responsible cadres, village
// work teams, assistance measures, visits and photos. Every record: client-generatable UUID,
// version incremented on each change, soft deletion, county_code (distribution key).
import { type Kysely, sql } from 'kysely';

const syncColumns = sql`
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table households
      add column is_military_family boolean not null default false,
      add column is_relocated boolean not null default false,
      add column relocation_site text,
      add column relocation_year integer,
      add column current_year integer`.execute(db);

  await sql`
    alter table members
      add column political_status text,
      add column disability_category text,
      add column disability_grade text,
      add column disease text,
      add column work_place text,
      add column has_serious_illness_insurance boolean,
      add column enjoys_assistance boolean,
      add column is_active_military boolean not null default false`.execute(db);
  // Exactly one 户主 among a household's current members (at least one is a domain rule).
  await sql`create unique index members_one_head_idx on members (household_id) where relation = '户主' and deleted_at is null`.execute(db);

  // One snapshot per household and 收入年度: last year's figures stay as they were.
  await sql`
    create table household_years (
      id uuid primary key default gen_random_uuid(),
      household_id uuid not null references households (id),
      county_code text not null,
      year integer not null check (year between 2013 and 2100),
      household_size integer not null check (household_size between 1 and 30),
      -- 生产生活条件
      cultivated_land_mu numeric(10, 2),
      irrigated_land_mu numeric(10, 2),
      forest_land_mu numeric(10, 2),
      returned_farmland_mu numeric(10, 2),
      orchard_mu numeric(10, 2),
      grassland_mu numeric(10, 2),
      water_surface_mu numeric(10, 2),
      production_power boolean,
      living_power boolean,
      drinking_water_safe boolean,
      drinking_water_difficult boolean,
      housing_area_m2 numeric(10, 2),
      is_dangerous_house boolean,
      dangerous_house_grade text check (dangerous_house_grade in ('A', 'B', 'C', 'D')),
      distance_to_road_km numeric(8, 2),
      road_type text,
      fuel_type text,
      has_sanitary_toilet boolean,
      in_cooperative boolean,
      -- 收入 (integer fen per year)
      wage_income bigint not null default 0,
      business_income bigint not null default 0,
      property_income bigint not null default 0,
      family_planning_income bigint not null default 0,
      dibao_income bigint not null default 0,
      tekun_income bigint not null default 0,
      pension_income bigint not null default 0,
      eco_compensation_income bigint not null default 0,
      other_transfer_income bigint not null default 0,
      business_expense bigint not null default 0,
      transfer_income bigint generated always as (
        family_planning_income + dibao_income + tekun_income + pension_income + eco_compensation_income + other_transfer_income
      ) stored,
      -- 年人均纯收入 = (工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出) ÷ 家庭人口: computed, never typed
      per_capita_income bigint generated always as (
        (wage_income + business_income + property_income + family_planning_income + dibao_income + tekun_income
          + pension_income + eco_compensation_income + other_transfer_income - business_expense) / household_size
      ) stored,
      -- 两不愁三保障 + 饮水, each with its evidence note
      food_secure boolean,
      food_note text,
      clothing_secure boolean,
      clothing_note text,
      education_secure boolean,
      education_note text,
      medical_secure boolean,
      medical_note text,
      housing_secure boolean,
      housing_note text,
      water_secure boolean,
      water_note text,
      ${syncColumns},
      unique (household_id, year)
    )`.execute(db);
  await sql`create index household_years_county_idx on household_years (county_code, year)`.execute(db);

  // County settings per year: poverty line and monitoring line (published by the province).
  await sql`
    create table county_year_settings (
      county_code text not null,
      year integer not null,
      poverty_line bigint not null,
      monitoring_line bigint not null,
      medical_self_pay_threshold bigint,
      updated_at timestamptz not null default now(),
      primary key (county_code, year)
    )`.execute(db);

  await sql`
    create table responsible_cadres (
      id uuid primary key default gen_random_uuid(),
      household_id uuid not null references households (id),
      county_code text not null,
      name text not null,
      work_unit text,
      phone text,
      from_date date,
      to_date date,
      ${syncColumns}
    )`.execute(db);
  await sql`create index responsible_cadres_household_idx on responsible_cadres (household_id)`.execute(db);

  await sql`
    create table work_teams (
      id uuid primary key default gen_random_uuid(),
      county_code text not null,
      village_code text not null references areas (code),
      name text not null,
      dispatching_unit text,
      first_secretary text,
      members text[] not null default '{}',
      from_date date,
      to_date date,
      ${syncColumns}
    )`.execute(db);
  await sql`create index work_teams_village_idx on work_teams (county_code, village_code)`.execute(db);

  await sql`
    create table assistance_measures (
      id uuid primary key default gen_random_uuid(),
      household_id uuid not null references households (id),
      county_code text not null,
      member_id uuid references members (id),
      category text not null,
      subtype text,
      measure_date date not null,
      amount bigint,
      quantity numeric(12, 2),
      unit text,
      project_id uuid,
      outcome text,
      note text,
      ${syncColumns}
    )`.execute(db);
  await sql`create index assistance_measures_household_idx on assistance_measures (household_id)`.execute(db);

  await sql`
    create table visits (
      id uuid primary key default gen_random_uuid(),
      household_id uuid not null references households (id),
      county_code text not null,
      visited_at timestamptz not null,
      visitor_account_id uuid references accounts (id),
      visitor_name text not null,
      location geometry(Point, 4326),
      location_accuracy_m real,
      purpose text,
      seen text,
      asked text,
      heard text,
      problems text,
      follow_up text,
      ${syncColumns}
    )`.execute(db);
  await sql`create index visits_household_idx on visits (household_id, visited_at)`.execute(db);

  await sql`
    create table photos (
      id uuid primary key default gen_random_uuid(),
      household_id uuid not null references households (id),
      county_code text not null,
      visit_id uuid references visits (id),
      member_id uuid references members (id),
      kind text not null,
      caption text,
      taken_at timestamptz,
      location geometry(Point, 4326),
      content_type text not null,
      byte_size integer not null,
      sha256 text not null,
      storage_key text not null,
      ${syncColumns}
    )`.execute(db);
  await sql`create index photos_household_idx on photos (household_id)`.execute(db);
  await sql`
    create table photo_blobs (
      storage_key text primary key,
      county_code text not null,
      bytes bytea not null
    )`.execute(db);
}
