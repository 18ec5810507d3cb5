// SQL of the statistics dashboards (贫困统计监测, 挂图作战 §5): one set-based statement per figure
// group — the registry counts, the causes of poverty, the guarantees (两不愁三保障 + 饮水), the
// cross-check findings and the children areas' table. Read-only. Every statement is filtered by the
// scope it is given (scope.sql), which the domain narrows to the dashboard's area: an area's figures
// are its subtree's, rolled up by area-code prefix. The money comes from the fund ledger's own
// balances (funds/queries.ts), not from here.
import { sql } from 'kysely';
import type { AreaLevel, DbOrTrx as Db } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';
import { SEVERITIES } from '../crosscheck/schema.ts';

/** The dashboard's area by code (whatever the scope: the domain decides whether the caller may ask for it). */
export const findArea = (db: Db, code: string) =>
  db.selectFrom('areas').select(['code', 'name', 'level']).where('code', '=', code).executeTakeFirst() as Promise<
    { code: string; name: string; level: AreaLevel } | undefined
  >;

/** Members counted as the household's people: not removed, not deceased or moved out (the card's member count). */
const LIVING = sql`m.deleted_at is null and m.person_status not in ('死亡', '迁出')`;

export interface RegistryRow {
  registry_state: string;
  status: string;
  monitoring_category: string | null;
  households: number;
  people: number;
}

/**
 * Households (not deleted) and their people per 在册状态, 户状态 and 监测对象类别: the domain sums
 * them into the registry's figures (by status, in the registry, monitoring by category).
 */
export const registryCounts = (db: Db, scope: Scope) =>
  sql<RegistryRow>`
    with p as (
      select m.household_id, count(*) as n
      from members m
      where ${scope.countySql('m.county_code')} and ${LIVING}
      group by m.household_id
    )
    select h.registry_state, h.status, h.monitoring_category,
      count(*)::int as households, coalesce(sum(p.n), 0)::int as people
    from households h
    left join p on p.household_id = h.id
    where ${scope.sql('h.village_code', 'h.county_code')} and h.deleted_at is null
    group by h.registry_state, h.status, h.monitoring_category
    order by h.registry_state, h.status, h.monitoring_category`
    .execute(db)
    .then((r) => r.rows);

export interface CauseRow {
  /** 主要致贫原因 (null: 未填). */
  cause: string | null;
  households: number;
}

/** Households in the registry (在册) by their main cause of poverty (主要致贫原因), most first. */
export const causeCounts = (db: Db, scope: Scope) =>
  sql<CauseRow>`
    select h.main_cause as cause, count(*)::int as households
    from households h
    where ${scope.sql('h.village_code', 'h.county_code')} and h.deleted_at is null and h.registry_state = '在册'
    group by h.main_cause
    order by households desc, cause`
    .execute(db)
    .then((r) => r.rows);

/** The guarantees of the yearly record (household_years), as the guards of 标注脱贫 and 风险消除 read them. */
export const GUARANTEE_COLUMNS = ['food_secure', 'clothing_secure', 'education_secure', 'medical_secure', 'housing_secure', 'water_secure'] as const;
export type GuaranteeColumn = (typeof GUARANTEE_COLUMNS)[number];

export type GuaranteeRow = {
  /** Households in the registry (在册). */
  households: number;
  /** Of them, those with a yearly record. */
  with_year: number;
  /** The latest year among their latest records. */
  latest_year: number | null;
} & Record<`${GuaranteeColumn}_unmet` | `${GuaranteeColumn}_unrecorded`, number>;

/**
 * 两不愁三保障 + 饮水 of the households in the registry, each by its latest yearly record: per
 * guarantee, how many say no (未保障) and how many leave it open or have no record at all (未填).
 */
export const guaranteeGaps = (db: Db, scope: Scope) =>
  sql<GuaranteeRow>`
    select count(*)::int as households, count(y.year)::int as with_year, max(y.year) as latest_year,
      ${sql.join(
        GUARANTEE_COLUMNS.map(
          (c) =>
            sql`count(*) filter (where ${sql.ref(`y.${c}`)} = false)::int as ${sql.id(`${c}_unmet`)},
      count(*) filter (where ${sql.ref(`y.${c}`)} is null)::int as ${sql.id(`${c}_unrecorded`)}`,
        ),
        sql`,\n      `,
      )}
    from households h
    left join lateral (
      select ${sql.join(['year', ...GUARANTEE_COLUMNS].map((c) => sql.ref(`hy.${c}`)))}
      from household_years hy
      where hy.household_id = h.id and hy.deleted_at is null
      order by hy.year desc
      limit 1
    ) y on true
    where ${scope.sql('h.village_code', 'h.county_code')} and h.deleted_at is null and h.registry_state = '在册'`
    .execute(db)
    .then((r) => r.rows[0]);

export interface FindingRow {
  rule: string;
  status: 'open' | 'confirmed' | 'dismissed' | 'needs_visit' | 'resolved';
  n: number;
}

/** The area's findings (as the queue scopes them: a finding without a village at county level only). */
const findingsIn = (scope: Scope) => sql`(${scope.sql('f.village_code', 'f.county_code')} or (f.village_code is null and ${scope.sql('f.county_code')}))`;

/** Cross-check findings still present (the latest run found them again) per rule and review status. */
export const findingCounts = (db: Db, scope: Scope) =>
  sql<FindingRow>`
    select f.rule, f.status, count(*)::int as n
    from findings f
    where ${findingsIn(scope)} and f.present
    group by f.rule, f.status
    order by f.rule, f.status`
    .execute(db)
    .then((r) => r.rows);

export interface ChildRow {
  code: string;
  name: string;
  level: AreaLevel;
  /** Households in the registry (在册). */
  households: number;
  /** Their living members (the card's member count). */
  people: number;
  /** Of them, 监测户. */
  monitoring: number;
  /** 在册 households with no visit since the cutoff (never visited included). */
  visits_overdue: number;
  /** Findings present and not yet reviewed (open), in all and by severity. */
  open_findings: number;
  open_exclude: number;
  open_update: number;
  open_risk: number;
  open_review: number;
}

export interface ChildFilter {
  /** The parent whose children are summed, or the area itself with `self` (a village: it has no children). */
  code: string;
  self?: boolean;
  /** The children's code length: households and findings are summed by that many digits of their village code. */
  childLength: number;
  /** A visit on or after this instant counts (the county's visit interval before now). */
  visitedSince: Date;
}

/**
 * The children of `parent` (townships of a county, villages of a township) in scope — or the area
 * itself with `self` — each with its 在册 households and people, 监测户, households overdue for a visit
 * and open findings by severity: households and findings are summed by the first `childLength`
 * digits of their village code, then joined to the children (the map's choropleths and panels, the
 * dashboard's children table). Counts only. The visits are one set (the households seen since the
 * cutoff) anti-joined, not a probe per household: the per-row subplan's cost estimate set off JIT
 * compilation (half a second at 100k households, api/bench/map-figures.ts).
 */
export const childFigures = (db: Db, scope: Scope, f: ChildFilter) =>
  sql<ChildRow>`
    with h as (
      select left(h.village_code, ${f.childLength}) as code, count(*)::int as households,
        count(*) filter (where h.status = '监测户')::int as monitoring,
        count(*) filter (where v.household_id is null)::int as visits_overdue
      from households h
      left join (
        select distinct v.household_id from visits v
        where ${scope.countySql('v.county_code')} and v.deleted_at is null and v.visited_at >= ${f.visitedSince}
      ) v on v.household_id = h.id
      where ${scope.sql('h.village_code', 'h.county_code')} and h.deleted_at is null and h.registry_state = '在册'
      group by 1
    ),
    p as (
      select left(h.village_code, ${f.childLength}) as code, count(*)::int as people
      from members m
      join households h on h.id = m.household_id
      where ${scope.countySql('m.county_code')} and ${LIVING}
        and ${scope.sql('h.village_code', 'h.county_code')} and h.deleted_at is null and h.registry_state = '在册'
      group by 1
    ),
    f as (
      select left(f.village_code, ${f.childLength}) as code, count(*)::int as open_findings,
        ${sql.join(
          SEVERITIES.map((s) => sql`count(*) filter (where f.severity = ${s})::int as ${sql.id(`open_${s}`)}`),
          sql`, `,
        )}
      from findings f
      where ${scope.sql('f.village_code', 'f.county_code')} and f.present and f.status = 'open'
      group by 1
    )
    select a.code, a.name, a.level,
      coalesce(h.households, 0)::int as households, coalesce(p.people, 0)::int as people, coalesce(h.monitoring, 0)::int as monitoring,
      coalesce(h.visits_overdue, 0)::int as visits_overdue, coalesce(f.open_findings, 0)::int as open_findings,
      ${sql.join(
        SEVERITIES.map((s) => sql`coalesce(${sql.ref(`f.open_${s}`)}, 0)::int as ${sql.id(`open_${s}`)}`),
        sql`, `,
      )}
    from areas a
    left join h on h.code = a.code
    left join p on p.code = a.code
    left join f on f.code = a.code
    where ${f.self ? sql`a.code = ${f.code}` : sql`a.parent_code = ${f.code}`} and ${scope.sql('a.code')}
    order by a.code`
    .execute(db)
    .then((r) => r.rows);
