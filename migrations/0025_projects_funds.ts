// Projects and funds (issue 15; docs/domain/projects-funds.md, docs/decisions/0021): the project
// library (projects, the villages a project covers, budget lines by fund source, the approval
// chain's step log, beneficiary households, assets) and the fund ledger.
//
// ledger_entries is append-only like the audit (a correction is a reversing entry): UPDATE, DELETE
// and TRUNCATE are refused by triggers, and `db grant` gives the server's role only SELECT and
// INSERT on it (api/db/roles.ts). Amounts are integer fen; delta_fen is the entry's signed effect
// (negative for a reversal), so every balance is a plain sum. A reversal must match the entry it
// reverses (project, kind, source, amount, household), reverses it at most once (unique), and is
// never itself reversed — said here by the database as well as by the domain.
//
// Child rows carry their project's county code, tied to it by a foreign key on (id, county_code),
// so that county-scoped queries filter on the row itself. The code lists below are copies frozen
// with this migration (api/modules/projects/code-lists.ts and funds/code-lists.ts are the app's;
// a test checks they agree).
import { type Kysely, sql } from 'kysely';

const PROJECT_TYPES = [
  '种植业',
  '养殖业',
  '加工业',
  '休闲农业与乡村旅游',
  '光伏',
  '入股分红',
  '以工代赈',
  '公益岗位',
  '技能培训',
  '就业补助',
  '农村道路',
  '饮水工程',
  '电力',
  '危房改造',
  '人居环境',
  '教育',
  '卫生',
  '文化',
  '易地扶贫搬迁后续扶持',
  '小额信贷贴息',
  '其他',
];
const PROJECT_STATES = ['村申报', '乡镇审核', '县级审定', '公告公示', '实施', '验收', '资产移交', '绩效评价', '已完成', '已驳回', '已撤回'];
const STEP_ACTIONS = ['submit', 'approve', 'return', 'reject', 'withdraw', 'object', 'answer', 'progress'];
const FUND_SOURCES = [
  '中央财政衔接推进乡村振兴补助资金',
  '中央财政专项扶贫资金',
  '省级财政资金',
  '市县财政资金',
  '统筹整合涉农资金',
  '东西部协作资金',
  '定点帮扶资金',
  '社会帮扶资金',
  '银行贷款',
  '群众自筹',
];
const ENTRY_KINDS = ['下达', '拨付', '报账', '到户'];
const MECHANISMS = ['务工', '分红', '产业奖补', '资产收益'];
const ASSET_KINDS = ['经营性', '公益性', '到户类'];

const oneOf = (column: string, values: readonly string[]) => sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projects (
      id uuid primary key default gen_random_uuid(),
      county_code text collate "C" not null check (length(county_code) = 6),
      -- the lead village (申报村): the project's own area (scope, audit chain, area roll-ups)
      village_code text collate "C" not null references areas (code),
      plan_year integer not null check (plan_year between 2000 and 2100),
      name text not null check (btrim(name) <> ''),
      type text not null check (${oneOf('type', PROJECT_TYPES)}),
      geom geometry(Geometry, 4326),
      implementing_unit text,
      person_in_charge text,
      contractor text,
      planned_start date,
      planned_end date,
      performance_targets jsonb not null default '{}'::jsonb,
      -- the step the project is waiting for (docs/domain/projects-funds.md), or an end state
      state text not null default '村申报' check (${oneOf('state', PROJECT_STATES)}),
      approved_at timestamptz,
      notice_started_at timestamptz,
      accepted_at timestamptz,
      closed_at timestamptz,
      created_by uuid references accounts (id),
      created_by_name text not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (id, county_code),
      constraint projects_county_of_village_check check (county_code = left(village_code, 6)),
      constraint projects_geom_check check (
        geom is null or (
          ST_IsValid(geom) and not ST_IsEmpty(geom)
          and GeometryType(geom) in ('POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON')
        )
      ),
      constraint projects_planned_dates_check check (planned_end is null or planned_start is null or planned_end >= planned_start)
    )`.execute(db);
  // The county's library by state (approval queue, annual plan) and a village's projects (scope).
  await sql`create index projects_county_state_idx on projects (county_code, state, plan_year)`.execute(db);
  await sql`create index projects_village_idx on projects (village_code)`.execute(db);
  await sql`create index projects_geom_idx on projects using gist (geom)`.execute(db);

  await sql`
    create table project_villages (
      project_id uuid not null,
      county_code text collate "C" not null,
      village_code text collate "C" not null references areas (code),
      primary key (project_id, village_code),
      foreign key (project_id, county_code) references projects (id, county_code),
      constraint project_villages_county_of_village_check check (county_code = left(village_code, 6))
    )`.execute(db);
  // A village's projects (its public page, the map, the SMS summary).
  await sql`create index project_villages_village_idx on project_villages (village_code, project_id)`.execute(db);

  await sql`
    create table project_budget_lines (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null,
      county_code text collate "C" not null,
      source text not null check (${oneOf('source', FUND_SOURCES)}),
      amount_fen bigint not null check (amount_fen > 0),
      note text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (project_id, source),
      foreign key (project_id, county_code) references projects (id, county_code)
    )`.execute(db);

  await sql`
    create table project_steps (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null,
      county_code text collate "C" not null,
      seq integer not null check (seq > 0),
      action text not null check (${oneOf('action', STEP_ACTIONS)}),
      from_state text not null check (${oneOf('from_state', PROJECT_STATES)}),
      to_state text not null check (${oneOf('to_state', PROJECT_STATES)}),
      note text,
      -- for 'answer': the objection it answers
      objection_id uuid references project_steps (id),
      actor_id uuid references accounts (id),
      actor_name text not null,
      actor_role text not null,
      at timestamptz not null,
      created_at timestamptz not null default now(),
      unique (project_id, seq),
      foreign key (project_id, county_code) references projects (id, county_code)
    )`.execute(db);

  await sql`
    create table project_beneficiaries (
      project_id uuid not null,
      county_code text collate "C" not null,
      household_id uuid not null references households (id),
      mechanism text not null check (${oneOf('mechanism', MECHANISMS)}),
      note text,
      created_at timestamptz not null default now(),
      primary key (project_id, household_id, mechanism),
      foreign key (project_id, county_code) references projects (id, county_code)
    )`.execute(db);
  // The card's "projects that benefit this household".
  await sql`create index project_beneficiaries_household_idx on project_beneficiaries (household_id)`.execute(db);

  await sql`
    create table project_assets (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null,
      county_code text collate "C" not null,
      name text not null check (btrim(name) <> ''),
      kind text not null check (${oneOf('kind', ASSET_KINDS)}),
      value_fen bigint not null check (value_fen >= 0),
      owner text not null,
      manager text,
      -- 到户类 assets belong to one household
      household_id uuid references households (id),
      handed_over_on date,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (project_id, county_code) references projects (id, county_code),
      constraint project_assets_household_check check ((kind = '到户类') = (household_id is not null))
    )`.execute(db);
  await sql`create index project_assets_project_idx on project_assets (project_id)`.execute(db);

  await sql`
    create table ledger_entries (
      id uuid primary key default gen_random_uuid(),
      -- the order entries were recorded in (ids are random; created_at may tie within a transaction)
      seq bigint generated always as identity unique,
      county_code text collate "C" not null,
      project_id uuid not null,
      kind text not null check (${oneOf('kind', ENTRY_KINDS)}),
      source text not null check (${oneOf('source', FUND_SOURCES)}),
      amount_fen bigint not null check (amount_fen > 0),
      delta_fen bigint not null generated always as (case when reversal_of is null then amount_fen else -amount_fen end) stored,
      -- 记账日期: the business date (periods and years go by it); created_at is when it was recorded
      booked_on date not null,
      reversal_of uuid unique references ledger_entries (id),
      reason text,
      voucher_no text,
      document_no text,
      payee text,
      household_id uuid references households (id),
      note text,
      created_by uuid references accounts (id),
      created_by_name text not null,
      created_by_role text not null,
      created_at timestamptz not null default now(),
      foreign key (project_id, county_code) references projects (id, county_code),
      constraint ledger_entries_household_check check ((kind = '到户') = (household_id is not null)),
      constraint ledger_entries_voucher_check check (kind <> '报账' or reversal_of is not null or btrim(coalesce(voucher_no, '')) <> ''),
      constraint ledger_entries_reason_check check (reversal_of is null or btrim(coalesce(reason, '')) <> ''),
      constraint ledger_entries_not_self_check check (reversal_of is distinct from id)
    )`.execute(db);
  // Every balance is an index-only aggregate of this index: a county's (county_code range), a
  // project's (county_code, project_id prefix), by source and kind, within a period of booked_on.
  await sql`create index ledger_entries_balance_idx on ledger_entries (county_code, project_id, source, kind) include (delta_fen, booked_on)`.execute(db);
  // A household's payments (到户) on its card; the anomaly rules' payments to one person or account.
  await sql`create index ledger_entries_household_idx on ledger_entries (household_id) where household_id is not null`.execute(db);

  await sql`
    create function ledger_entries_check_reversal() returns trigger language plpgsql as $$
    declare
      r record;
    begin
      select project_id, kind, source, amount_fen, household_id, reversal_of into r from ledger_entries where id = new.reversal_of;
      if not found then
        return new; -- the foreign key refuses it
      end if;
      if r.reversal_of is not null then
        raise exception 'ledger entry % is a reversal and cannot be reversed', new.reversal_of using errcode = 'check_violation';
      end if;
      if (r.project_id, r.kind, r.source, r.amount_fen, r.household_id) is distinct from
         (new.project_id, new.kind, new.source, new.amount_fen, new.household_id) then
        raise exception 'a reversal must match the entry it reverses (project, kind, source, amount, household)' using errcode = 'check_violation';
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger ledger_entries_reversal before insert on ledger_entries
    for each row when (new.reversal_of is not null) execute function ledger_entries_check_reversal()`.execute(db);

  // Append-only, with the audit's refusal (migration 0022: the message names the table).
  for (const t of ['ledger_entries', 'project_steps']) {
    await sql`
      create trigger ${sql.id(`${t}_no_update_delete`)} before update or delete on ${sql.table(t)}
      for each row execute function audit_refuse_change()`.execute(db);
    await sql`
      create trigger ${sql.id(`${t}_no_truncate`)} before truncate on ${sql.table(t)}
      for each statement execute function audit_refuse_change()`.execute(db);
  }
}
