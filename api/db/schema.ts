// The single truth for table types (Kysely). Geometry columns are never selected raw:
// queries turn them into GeoJSON with ST_AsGeoJSON at the edge.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Geometry = ColumnType<unknown, string | undefined | null, string | null>;
/** numeric comes back as a string on both backends (exact decimal). */
type Numeric = ColumnType<string, string | number | null | undefined, string | number | null>;
type Json<T> = ColumnType<T, string, string>;

export type AreaLevel = 'province' | 'prefecture' | 'county' | 'township' | 'village' | 'group';

export interface AreasTable {
  code: string;
  parent_code: string | null;
  level: AreaLevel;
  name: string;
  county_code: string | null;
  geom: Geometry;
  label_point: Geometry;
  boundary_source: string | null;
  created_at: Generated<Date>;
}

export type Role =
  | 'village_cadre'
  | 'township_officer'
  | 'county_official'
  | 'inspector'
  | 'village_supervisor'
  | 'admin';

export interface AccountsTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  role: Role;
  area_code: string;
  county_code: string | null;
  phone: string | null;
  password_hash: string;
  password_changed_at: Generated<Date>;
  must_change_password: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  disabled: Generated<boolean>;
  last_login_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  csrf_token: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  ip: string;
  username: string;
  at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  chain: string;
  seq: number;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  subject_id: string | null;
  area_code: string | null;
  diff: Json<Record<string, unknown>>;
  origin: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  chain: string;
  seq: number;
  hash: string;
}

export interface HouseholdsTable {
  id: Generated<string>;
  county_code: string;
  village_code: string;
  group_name: string | null;
  household_no: string;
  head_name: string;
  address: string | null;
  location: Geometry;
  location_accuracy_m: number | null;
  location_at: Date | null;
  phone: string | null;
  bank_name: string | null;
  bank_account: string | null;
  household_type: Generated<string>;
  identification_standard: string | null;
  status: Generated<string>;
  monitoring_category: string | null;
  identified_year: number | null;
  exit_year: number | null;
  main_cause: string | null;
  other_causes: Generated<string[]>;
  risk_types: Generated<string[]>;
  reported_income_per_capita: Numeric;
  is_military_family: Generated<boolean>;
  is_relocated: Generated<boolean>;
  relocation_site: string | null;
  relocation_year: number | null;
  current_year: number | null;
  /** Pinyin initials of head_name (api/shared/pinyin.ts), set on every write. */
  head_initials: string | null;
  /** 在册状态 (migration 0012): 在册 / 待识别 / 自然减少 / 清退 — changed only by procedures. */
  registry_state: Generated<string>;
  /** Year of 风险消除 (migration 0012). */
  risk_eliminated_year: number | null;
  /** Date the household left the registry by 自然减少 or 清退 (migration 0012). */
  removed_on: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

export interface MembersTable {
  id: Generated<string>;
  household_id: string;
  county_code: string;
  /** Its household's 户编号 (migration 0019: filled by the database when an insert leaves it out). */
  household_no: Generated<string>;
  name: string;
  id_number: string;
  sex: '男' | '女' | null;
  birth_date: string | null;
  relation: string;
  ethnicity: string | null;
  education: string | null;
  schooling: string | null;
  health: string | null;
  labor_skill: string | null;
  work_status: string | null;
  work_months: number | null;
  has_medical_insurance: boolean | null;
  has_pension_insurance: boolean | null;
  phone: string | null;
  person_status: Generated<'正常' | '死亡' | '迁出' | '失踪'>;
  status_date: string | null;
  political_status: string | null;
  disability_category: string | null;
  disability_grade: string | null;
  disease: string | null;
  work_place: string | null;
  has_serious_illness_insurance: boolean | null;
  enjoys_assistance: boolean | null;
  is_active_military: Generated<boolean>;
  /** Pinyin initials of name (api/shared/pinyin.ts), set on every write. */
  name_initials: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
  /** Imported although the person is a live member elsewhere (migration 0014); Dripline edits write false. */
  registry_duplicate: ColumnType<boolean, boolean | null | undefined, boolean | null>;
}

export interface Database {
  areas: AreasTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  households: HouseholdsTable;
  members: MembersTable;
  household_years: HouseholdYearsTable;
  responsible_cadres: ResponsibleCadresTable;
  work_teams: WorkTeamsTable;
  assistance_measures: AssistanceMeasuresTable;
  visits: VisitsTable;
  photos: PhotosTable;
  photo_blobs: PhotoBlobsTable;
  county_year_settings: CountyYearSettingsTable;
  procedures: ProceduresTable;
  procedure_steps: ProcedureStepsTable;
  registry_imports: RegistryImportsTable;
}

export type Area = Selectable<AreasTable>;
export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type Household = Selectable<HouseholdsTable>;
export type Member = Selectable<MembersTable>;

// ── Household card (migration 0006; H1) ─────────────────────────────────────────────────────
/** Columns every card record shares: client-generatable UUID, version, soft deletion. */
interface SyncColumns {
  id: Generated<string>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

/** Money columns are integer fen (int8, normalised to number). */
export interface HouseholdYearsTable extends SyncColumns {
  household_id: string;
  county_code: string;
  year: number;
  household_size: number;
  cultivated_land_mu: Numeric;
  irrigated_land_mu: Numeric;
  forest_land_mu: Numeric;
  returned_farmland_mu: Numeric;
  orchard_mu: Numeric;
  grassland_mu: Numeric;
  water_surface_mu: Numeric;
  production_power: boolean | null;
  living_power: boolean | null;
  drinking_water_safe: boolean | null;
  drinking_water_difficult: boolean | null;
  housing_area_m2: Numeric;
  is_dangerous_house: boolean | null;
  dangerous_house_grade: string | null;
  distance_to_road_km: Numeric;
  road_type: string | null;
  fuel_type: string | null;
  has_sanitary_toilet: boolean | null;
  in_cooperative: boolean | null;
  wage_income: Generated<number>;
  business_income: Generated<number>;
  property_income: Generated<number>;
  family_planning_income: Generated<number>;
  dibao_income: Generated<number>;
  tekun_income: Generated<number>;
  pension_income: Generated<number>;
  eco_compensation_income: Generated<number>;
  other_transfer_income: Generated<number>;
  business_expense: Generated<number>;
  /** Generated always (sum of the transfer parts). */
  transfer_income: ColumnType<number, never, never>;
  /** Generated always: 年人均纯收入, never typed. */
  per_capita_income: ColumnType<number, never, never>;
  food_secure: boolean | null;
  food_note: string | null;
  clothing_secure: boolean | null;
  clothing_note: string | null;
  education_secure: boolean | null;
  education_note: string | null;
  medical_secure: boolean | null;
  medical_note: string | null;
  housing_secure: boolean | null;
  housing_note: string | null;
  water_secure: boolean | null;
  water_note: string | null;
}

export interface ResponsibleCadresTable extends SyncColumns {
  household_id: string;
  county_code: string;
  name: string;
  work_unit: string | null;
  phone: string | null;
  from_date: string | null;
  to_date: string | null;
}

export interface WorkTeamsTable extends SyncColumns {
  county_code: string;
  village_code: string;
  name: string;
  dispatching_unit: string | null;
  first_secretary: string | null;
  members: Generated<string[]>;
  from_date: string | null;
  to_date: string | null;
}

export interface AssistanceMeasuresTable extends SyncColumns {
  household_id: string;
  county_code: string;
  member_id: string | null;
  category: string;
  subtype: string | null;
  measure_date: string;
  amount: number | null;
  quantity: Numeric;
  unit: string | null;
  project_id: string | null;
  outcome: string | null;
  note: string | null;
}

export interface VisitsTable extends SyncColumns {
  household_id: string;
  county_code: string;
  visited_at: Timestamp;
  visitor_account_id: string | null;
  visitor_name: string;
  location: Geometry;
  location_accuracy_m: number | null;
  purpose: string | null;
  seen: string | null;
  asked: string | null;
  heard: string | null;
  problems: string | null;
  follow_up: string | null;
}

export interface PhotosTable extends SyncColumns {
  household_id: string;
  county_code: string;
  visit_id: string | null;
  member_id: string | null;
  kind: string;
  caption: string | null;
  taken_at: Date | null;
  location: Geometry;
  content_type: string;
  byte_size: number;
  sha256: string;
  storage_key: string;
}

export interface PhotoBlobsTable {
  storage_key: string;
  county_code: string;
  bytes: Uint8Array;
}

/** Registry import jobs (migration 0013, api/modules/registry). */
export interface RegistryImportsTable {
  id: Generated<string>;
  area_code: string;
  status: Generated<'queued' | 'running' | 'succeeded' | 'failed'>;
  file_name: string;
  sha256: string | null;
  byte_size: Generated<number>;
  format: string | null;
  encoding: string | null;
  rows_read: Generated<number>;
  counts: ColumnType<Record<string, number>, string | undefined, string>;
  ignored_columns: Generated<string[]>;
  file_error: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  errors: ColumnType<unknown[], string | undefined, string>;
  error_count: Generated<number>;
  warning_count: Generated<number>;
  created_by: string | null;
  created_by_name: string;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
}

// ── Status procedures and county settings (migration 0012; H2) ─────────────────────────────────
/** Poverty line and monitoring line per county and year, integer fen (per capita per year). */
export interface CountyYearSettingsTable {
  county_code: string;
  year: number;
  poverty_line: number;
  monitoring_line: number;
  medical_self_pay_threshold: number | null;
  /** Months under monitoring before 风险消除 may be marked (migration 0021). */
  risk_elimination_months: Generated<number>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProceduresTable {
  id: Generated<string>;
  county_code: string;
  village_code: string;
  household_id: string;
  type: string;
  status: Generated<'open' | 'completed' | 'rejected' | 'withdrawn'>;
  stage: string | null;
  from_state: string;
  to_state: string;
  reason: string;
  evidence: Json<{ text: string; references: { kind: string; id?: string; title?: string; url?: string }[] }>;
  payload: Json<Record<string, unknown>>;
  started_by: string | null;
  started_by_name: string;
  started_by_role: string;
  publicity_started_at: Timestamp | null;
  closed_at: Timestamp | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

export interface ProcedureStepsTable {
  id: Generated<string>;
  procedure_id: string;
  county_code: string;
  seq: number;
  stage: string;
  action: 'start' | 'approve' | 'reject' | 'withdraw' | 'object' | 'answer';
  note: string | null;
  objection_id: string | null;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  at: Timestamp;
  created_at: Generated<Date>;
}
