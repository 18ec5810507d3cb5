// SPLIT_CONTRACTS (medium): money split to stay just under the approval threshold. Two forms:
//   - payments: two or more 拨付/报账 entries to one payee, each at most `splitMarginPercent` % under
//     `approvalThresholdFen`, booked within `splitWindowDays` days of another such entry;
//   - projects: two or more projects of one implementing unit whose budgets (all lines) are each
//     just under the threshold, approved (or, unapproved, entered) within the window of each other.
// One alert per payee and one per implementing unit, listing what was split.
import { sql } from 'kysely';
import { cnDate, liveEntries, type OversightRule, projectMoments, type RuleContext, yuan } from './types.ts';

/** Amounts "just under" the threshold: [threshold × (100 − margin) %, threshold). */
const nearThreshold = (ctx: RuleContext, expr: string) => {
  const t = ctx.thresholds.approvalThresholdFen;
  const low = Math.ceil((t * (100 - ctx.thresholds.splitMarginPercent)) / 100);
  return sql`(${sql.ref(expr)} >= ${low}::bigint and ${sql.ref(expr)} < ${t}::bigint)`;
};

export const splitContracts: OversightRule = {
  code: 'SPLIT_CONTRACTS',
  severity: 'medium',
  title: '同一收款人或实施单位的合同金额疑似拆分至审批限额以下',
  candidates: (ctx) => sql`
    with near as (
      select e.id, e.project_id, e.kind, e.amount_fen, e.booked_on, btrim(e.payee) as payee
      from ${liveEntries(ctx, 'e')}
      where e.kind in ('拨付', '报账') and btrim(coalesce(e.payee, '')) <> '' and ${nearThreshold(ctx, 'e.amount_fen')}
    ),
    split_entries as (
      select n.* from near n
      where exists (
        select 1 from near o where o.payee = n.payee and o.id <> n.id and abs(o.booked_on - n.booked_on) <= ${ctx.thresholds.splitWindowDays}::int
      )
    ),
    by_payee as (
      select s.payee, count(*)::int as n, sum(s.amount_fen)::bigint as total,
        (array_agg(s.id order by s.booked_on, s.id))[1] as first_id,
        jsonb_agg(jsonb_build_object('entryId', s.id, 'projectName', p.name, 'kind', s.kind, 'amount', ${yuan(sql`s.amount_fen`)},
          'bookedOn', to_char(s.booked_on, 'YYYY-MM-DD')) order by s.booked_on, s.id) as items,
        string_agg(to_char(s.booked_on, 'YYYY-MM-DD') || ' ' || ${yuan(sql`s.amount_fen`)} || '元', '、' order by s.booked_on, s.id) as list
      from split_entries s join projects p on p.id = s.project_id
      group by s.payee
    ),
    near_projects as (
      select p.id, p.name, p.village_code, btrim(p.implementing_unit) as unit, b.total as amount_fen,
        coalesce(${cnDate(sql`p.approved_at`)}, ${cnDate(sql`p.created_at`)}) as on_date
      from ${projectMoments(ctx, 'p')}
      join (select project_id, sum(amount_fen)::bigint as total from project_budget_lines where county_code = ${ctx.countyCode} group by project_id) b
        on b.project_id = p.id
      where btrim(coalesce(p.implementing_unit, '')) <> '' and p.state not in ('已驳回', '已撤回')
        and coalesce(${cnDate(sql`p.approved_at`)}, ${cnDate(sql`p.created_at`)}) <= ${ctx.asOf}::date
    ),
    split_projects as (
      select n.* from near_projects n
      where ${nearThreshold(ctx, 'n.amount_fen')} and exists (
        select 1 from near_projects o
        where o.unit = n.unit and o.id <> n.id and ${nearThreshold(ctx, 'o.amount_fen')}
          and abs(o.on_date - n.on_date) <= ${ctx.thresholds.splitWindowDays}::int
      )
    ),
    by_unit as (
      select s.unit, count(*)::int as n, sum(s.amount_fen)::bigint as total,
        (array_agg(s.id order by s.on_date, s.id))[1] as first_id,
        jsonb_agg(jsonb_build_object('projectId', s.id, 'projectName', s.name, 'budget', ${yuan(sql`s.amount_fen`)},
          'date', to_char(s.on_date, 'YYYY-MM-DD')) order by s.on_date, s.id) as items,
        string_agg('「' || s.name || '」' || ${yuan(sql`s.amount_fen`)} || '元', '、' order by s.on_date, s.id) as list
      from split_projects s
      group by s.unit
    )
    select 'ledger_entry' as subject_kind, 'payee:' || bp.payee as subject_key, p.village_code, p.id as project_id, bp.first_id as ledger_entry_id,
      null::uuid as project_step_id, null::uuid as procedure_id, null::uuid as procedure_step_id,
      jsonb_build_object('form', 'payments', 'payee', bp.payee, 'threshold', ${yuan(sql`${ctx.thresholds.approvalThresholdFen}::bigint`)},
        'marginPercent', ${ctx.thresholds.splitMarginPercent}::int, 'windowDays', ${ctx.thresholds.splitWindowDays}::int,
        'count', bp.n, 'total', ${yuan(sql`bp.total`)}, 'items', bp.items) as evidence,
      format('收款人「%s」在%s天内收到%s笔略低于审批限额%s元的款项（%s），合计%s元，疑似拆分。', bp.payee, ${ctx.thresholds.splitWindowDays}::int, bp.n,
        ${yuan(sql`${ctx.thresholds.approvalThresholdFen}::bigint`)}, bp.list, ${yuan(sql`bp.total`)}) as evidence_text
    from by_payee bp
    join ledger_entries fe on fe.id = bp.first_id
    join projects p on p.id = fe.project_id
    union all
    select 'project', 'unit:' || bu.unit, p.village_code, p.id, null::uuid, null::uuid, null::uuid, null::uuid,
      jsonb_build_object('form', 'projects', 'implementingUnit', bu.unit, 'threshold', ${yuan(sql`${ctx.thresholds.approvalThresholdFen}::bigint`)},
        'marginPercent', ${ctx.thresholds.splitMarginPercent}::int, 'windowDays', ${ctx.thresholds.splitWindowDays}::int,
        'count', bu.n, 'total', ${yuan(sql`bu.total`)}, 'items', bu.items),
      format('实施单位「%s」在%s天内有%s个预算略低于审批限额%s元的项目（%s），合计%s元，疑似拆分。', bu.unit, ${ctx.thresholds.splitWindowDays}::int, bu.n,
        ${yuan(sql`${ctx.thresholds.approvalThresholdFen}::bigint`)}, bu.list, ${yuan(sql`bu.total`)})
    from by_unit bu
    join projects p on p.id = bu.first_id`,
};
