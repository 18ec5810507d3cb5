// The single truth for table types (Kysely). Geometry columns are never selected raw:
// queries turn them into GeoJSON with ST_AsGeoJSON at the edge. api/db/schema.test.ts checks it
// against the migrated database on both backends: every table and column, types, nullability.
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Role } from '../shared/roles.ts';

/** A timestamptz without a default: an insert must give it. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Geometry = ColumnType<unknown, string | undefined | null, string | null>;
/** A nullable numeric: comes back as a string on both backends (exact decimal). */
type Numeric = ColumnType<string | null, string | number | null | undefined, string | number | null>;
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

/** accounts.role: the codes are shared with the web (api/shared/roles.ts). */
export type { Role };

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

/** What a login back-off row throttles (migration 0024). */
export type BackoffKind = 'account' | 'address' | 'device' | 'password';

/** Households counted per village and cluster-grid cell (migration 0037, kept by triggers; read by the households tiles). */
export interface HouseholdTileCellsTable {
  level: number;
  village_code: string;
  county_code: string;
  cx: number;
  cy: number;
  households: number;
  monitoring: number;
  poor: number;
  sum_x: number;
  sum_y: number;
}

export interface LoginBackoffTable {
  kind: BackoffKind;
  /** The account name as typed, the client address, the device token's hash, or the account id. */
  subject: string;
  failures: number;
  last_failure_at: Date;
  blocked_until: Date | null;
}

/** Browsers where an account has logged in (hash of the dl_device cookie): exempt from others' guesses. */
export interface LoginDevicesTable {
  token_hash: string;
  account_id: string;
  created_at: Generated<Date>;
  last_used_at: Generated<Date>;
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

/** A signed head (migrations/0022): one per chain per transaction that appended to it. */
export interface AuditCheckpointsTable {
  id: Generated<number>;
  chain: string;
  from_seq: number;
  from_hash: string;
  seq: number;
  hash: string;
  at: Timestamp;
  key_id: string;
  signature: string;
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
  /** 是否军烈属 / 是否易地扶贫搬迁户: null is 未填 (migration 0023). */
  is_military_family: boolean | null;
  is_relocated: boolean | null;
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
  /** Legacy 是否享受低保/特困 as one answer (split by migration 0023); read and written by nothing. */
  enjoys_assistance: boolean | null;
  /** 享受低保 / 享受特困供养: two answers (migration 0023); null is 未填. */
  enjoys_dibao: boolean | null;
  enjoys_tekun: boolean | null;
  /** 是否现役军人: null is 未填 (migration 0023). */
  is_active_military: boolean | null;
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
  login_backoff: LoginBackoffTable;
  login_devices: LoginDevicesTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  audit_checkpoints: AuditCheckpointsTable;
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
  dataset_versions: DatasetVersionsTable;
  ds_civil_assistance: DsCivilAssistanceTable;
  ds_disability: DsDisabilityTable;
  ds_medical_claims: DsMedicalClaimsTable;
  ds_subsidy_payments: DsSubsidyPaymentsTable;
  ds_household_events: DsHouseholdEventsTable;
  ds_vehicles: DsVehiclesTable;
  ds_businesses: DsBusinessesTable;
  ds_property: DsPropertyTable;
  ds_public_payroll: DsPublicPayrollTable;
  ds_students: DsStudentsTable;
  crosscheck_runs: CrosscheckRunsTable;
  findings: FindingsTable;
  projects: ProjectsTable;
  project_villages: ProjectVillagesTable;
  project_budget_lines: ProjectBudgetLinesTable;
  project_steps: ProjectStepsTable;
  project_beneficiaries: ProjectBeneficiariesTable;
  project_assets: ProjectAssetsTable;
  ledger_entries: LedgerEntriesTable;
  project_comments: ProjectCommentsTable;
  oversight_runs: OversightRunsTable;
  oversight_alerts: OversightAlertsTable;
  project_media: ProjectMediaTable;
  household_tile_cells: HouseholdTileCellsTable;
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
  /** Months of discharges summed for the medical self-pay alert (migration 0023; default 12). */
  medical_window_months: Generated<number>;
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
  /** Where the procedure came from (migration 0023): 农户申请, 干部走访, 部门预警; null before it was recorded. */
  origin: string | null;
  /** For 部门预警: the cross-check finding that raised it. */
  finding_id: string | null;
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

// ── Cross-check (migrations 0010, 0015): department datasets, runs, findings ───────────────────
/** One import of one department's file (a dataset version); the newest succeeded one per source is current. */
export interface DatasetVersionsTable {
  id: Generated<string>;
  county_code: string;
  source: string;
  status: Generated<'running' | 'succeeded' | 'failed'>;
  file_name: string;
  sha256: string;
  byte_size: number;
  encoding: string | null;
  format: string | null;
  rows_read: Generated<number>;
  rows_loaded: Generated<number>;
  rows_unusable: Generated<number>;
  unusable_reasons: ColumnType<Record<string, number>, string | undefined, string>;
  ignored_columns: Generated<string[]>;
  error: string | null;
  imported_by: string | null;
  imported_by_name: string | null;
  started_at: Generated<Date>;
  finished_at: Date | null;
}

/** Columns every department row has (ds_*): its version, county, file row, and the person as given. */
interface DatasetRowColumns {
  dataset_version_id: string;
  county_code: string;
  row_no: number;
  name: string | null;
  id_number: string | null;
  /** Why the ID number cannot be matched (kept, never matched). */
  id_problem: string | null;
}

export interface DsCivilAssistanceTable extends DatasetRowColumns {
  area_code: string | null;
  assistance_type: string | null;
  covered_people: number | null;
  monthly_amount: number | null;
  start_month: string | null;
  status: string | null;
  stop_date: string | null;
}

export interface DsDisabilityTable extends DatasetRowColumns {
  category: string | null;
  grade: string | null;
  issued_on: string | null;
}

export interface DsMedicalClaimsTable extends DatasetRowColumns {
  institution: string | null;
  admitted_on: string | null;
  discharged_on: string | null;
  total_cost: number | null;
  reimbursed: number | null;
  self_paid: number | null;
}

export interface DsSubsidyPaymentsTable extends DatasetRowColumns {
  bank_account: string | null;
  item: string | null;
  amount: number | null;
  paid_on: string | null;
}

export interface DsHouseholdEventsTable extends DatasetRowColumns {
  event_type: string | null;
  event_date: string | null;
  destination: string | null;
}

export interface DsVehiclesTable extends DatasetRowColumns {
  plate: string | null;
  vehicle_type: string | null;
  registered_on: string | null;
  status: string | null;
}

export interface DsBusinessesTable extends DatasetRowColumns {
  enterprise: string | null;
  enterprise_type: string | null;
  capital_wan: Numeric;
  founded_on: string | null;
  reg_status: string | null;
}

export interface DsPropertyTable extends DatasetRowColumns {
  location: string | null;
  floor_area: Numeric;
  property_type: string | null;
  registered_on: string | null;
}

export interface DsPublicPayrollTable extends DatasetRowColumns {
  employer: string | null;
  category: string | null;
  hired_on: string | null;
}

export interface DsStudentsTable extends DatasetRowColumns {
  school: string | null;
  stage: string | null;
  grade: string | null;
  enrol_status: string | null;
}

export interface CrosscheckRunsTable {
  id: Generated<string>;
  county_code: string;
  as_of: string;
  settings: Json<Record<string, unknown>>;
  dataset_versions: Json<Record<string, string>>;
  counts: ColumnType<Record<string, unknown>, string | undefined, string>;
  status: Generated<'running' | 'succeeded' | 'failed'>;
  started_by: string | null;
  started_by_name: string | null;
  started_at: Generated<Date>;
  finished_at: Date | null;
}

/** A finding keeps its identity (county, rule, 户编号, 证件号码) across runs. */
export interface FindingsTable {
  id: Generated<string>;
  county_code: string;
  rule: string;
  household_no: Generated<string>;
  id_number: Generated<string>;
  household_id: string | null;
  member_id: string | null;
  village_code: string | null;
  severity: 'exclude' | 'update' | 'risk' | 'review';
  evidence: Json<Record<string, unknown>>;
  evidence_text: string;
  evidence_hash: string;
  status: Generated<'open' | 'confirmed' | 'dismissed' | 'needs_visit' | 'resolved'>;
  status_reason: string | null;
  present: Generated<boolean>;
  first_run_id: string | null;
  last_run_id: string | null;
  first_seen_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  version: Generated<number>;
  /** What confirming the finding changed on the card (migration 0015). */
  consequence: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  procedure_id: string | null;
  reviewed_by_name: string | null;
}

// ── Projects and funds (migration 0025; issue 15, docs/domain/projects-funds.md) ────────────────
/** A project of the library. Money is never stored here: balances come from ledger_entries. */
export interface ProjectsTable {
  id: Generated<string>;
  county_code: string;
  /** The lead village (申报村): the project's own area. All covered villages are in project_villages. */
  village_code: string;
  plan_year: number;
  name: string;
  /** A type of the national list (projects/code-lists.ts PROJECT_TYPES). */
  type: string;
  geom: Geometry;
  implementing_unit: string | null;
  person_in_charge: string | null;
  contractor: string | null;
  planned_start: string | null;
  planned_end: string | null;
  /** 绩效目标 (output and benefit targets). */
  performance_targets: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** The step the project waits for (PROJECT_STATES), or an end state. */
  state: Generated<string>;
  /** When the project entered its state (the approval queue's order). */
  state_since: Generated<Date>;
  approved_at: Date | null;
  notice_started_at: Date | null;
  accepted_at: Date | null;
  closed_at: Date | null;
  created_by: string | null;
  created_by_name: string;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProjectVillagesTable {
  project_id: string;
  county_code: string;
  village_code: string;
}

/** One planned amount per fund source (integer fen). */
export interface ProjectBudgetLinesTable {
  id: Generated<string>;
  project_id: string;
  county_code: string;
  source: string;
  amount_fen: number;
  note: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The approval chain's step log: append-only (the database refuses UPDATE/DELETE/TRUNCATE). */
export interface ProjectStepsTable {
  id: Generated<string>;
  project_id: string;
  county_code: string;
  seq: number;
  action: 'submit' | 'approve' | 'return' | 'reject' | 'withdraw' | 'object' | 'answer' | 'progress';
  from_state: string;
  to_state: string;
  note: string | null;
  objection_id: string | null;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  at: Timestamp;
  created_at: Generated<Date>;
}

/** 带贫益贫: a registry household the project benefits, by one mechanism (务工, 分红, 产业奖补, 资产收益). */
export interface ProjectBeneficiariesTable {
  project_id: string;
  county_code: string;
  household_id: string;
  mechanism: string;
  note: string | null;
  created_at: Generated<Date>;
}

/** 扶贫项目资产 (经营性, 公益性, 到户类 — the last with its household). */
export interface ProjectAssetsTable {
  id: Generated<string>;
  project_id: string;
  county_code: string;
  name: string;
  kind: string;
  value_fen: number;
  owner: string;
  manager: string | null;
  household_id: string | null;
  handed_over_on: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The fund ledger: append-only entries in integer fen (docs/decisions/0021). */
export interface LedgerEntriesTable {
  id: Generated<string>;
  /** The order entries were recorded in (identity). */
  seq: Generated<number>;
  county_code: string;
  project_id: string;
  kind: '下达' | '拨付' | '报账' | '到户';
  source: string;
  /** Always positive; a reversal's effect is negative (delta_fen). */
  amount_fen: number;
  /** Generated always: amount_fen, negated for a reversal. */
  delta_fen: ColumnType<number, never, never>;
  /** 记账日期 (business date). */
  booked_on: string;
  reversal_of: string | null;
  reason: string | null;
  voucher_no: string | null;
  document_no: string | null;
  payee: string | null;
  household_id: string | null;
  note: string | null;
  created_by: string | null;
  created_by_name: string;
  created_by_role: string;
  created_at: Generated<Date>;
}

// ── Oversight (migration 0027; issue 15 items 4–5, docs/domain/oversight-rules.md) ────────────
/** An inspector's or official's comment on a project or one of its ledger entries: append-only. */
export interface ProjectCommentsTable {
  id: Generated<string>;
  project_id: string;
  county_code: string;
  /** The project's lead village (scope). */
  village_code: string;
  ledger_entry_id: string | null;
  author_id: string | null;
  author_name: string;
  author_role: string;
  text: string;
  at: Timestamp;
  created_at: Generated<Date>;
}

/** One run of the anomaly rules for a county: the thresholds it used and what it found. */
export interface OversightRunsTable {
  id: Generated<string>;
  county_code: string;
  as_of: string;
  thresholds: Json<Record<string, unknown>>;
  counts: ColumnType<Record<string, unknown>, string | undefined, string>;
  started_by: string | null;
  started_by_name: string;
  started_at: Generated<Date>;
}

export type AlertStatus = 'open' | 'answered' | 'closed';
export type AlertSeverity = 'high' | 'medium' | 'low';
export type AlertSubjectKind = 'project' | 'ledger_entry' | 'project_step' | 'procedure_step' | 'account';

/** An alert raised by a rule run (one active per rule and subject_key) or by an inspector ('manual'). */
export interface OversightAlertsTable {
  id: Generated<string>;
  county_code: string;
  village_code: string;
  rule: string;
  severity: AlertSeverity;
  subject_kind: AlertSubjectKind;
  subject_key: string | null;
  project_id: string | null;
  ledger_entry_id: string | null;
  project_step_id: string | null;
  procedure_id: string | null;
  procedure_step_id: string | null;
  evidence: ColumnType<Record<string, unknown>, string | undefined, string>;
  evidence_text: string;
  evidence_hash: string;
  status: Generated<AlertStatus>;
  raised_by: string | null;
  raised_by_name: string | null;
  raised_by_run: string | null;
  raised_at: Timestamp;
  last_seen_run: string | null;
  answer: string | null;
  answered_by: string | null;
  answered_by_name: string | null;
  answered_by_role: string | null;
  answered_at: Date | null;
  close_note: string | null;
  closed_by: string | null;
  closed_by_name: string | null;
  closed_at: Date | null;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

/** The one database handle type: the pool, or a transaction opened from it. */
export type Db = Kysely<Database>;
/** A transaction: what domain writes use inside `db.transaction().execute(...)`. */
export type Trx = Transaction<Database>;
/** Either: read helpers and queries that run inside or outside a transaction. */
export type DbOrTrx = Db | Trx;

// ── Project attachments and photos (migration 0028; issue 15 item 1) ──────────────────────────
/** A project's attachment or photo: metadata; the bytes are in photo_blobs. Removed, never deleted. */
export interface ProjectMediaTable {
  id: Generated<string>;
  project_id: string;
  county_code: string;
  media: 'attachment' | 'photo';
  /** Attachments: the document's kind (ATTACHMENT_KINDS) and title. */
  kind: string | null;
  title: string | null;
  /** Photos: 实施前 / 实施中 / 实施后, when and where taken. */
  stage: string | null;
  taken_at: Timestamp | null;
  location: Geometry;
  caption: string | null;
  file_name: string;
  content_type: string;
  byte_size: number;
  sha256: string;
  storage_key: string;
  added_by: string | null;
  added_by_name: string;
  added_by_role: string;
  added_at: Timestamp;
  removed_at: Timestamp | null;
  removed_by: string | null;
  removed_by_name: string | null;
  removal_reason: string | null;
}
