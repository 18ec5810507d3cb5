// OVER_BUDGET_LINE (high): a project spent (报账 + 到户, net) more from a fund source than its
// budget line for that source — or spent from a source it has no line for. One alert per project
// and source.
import { sql } from 'kysely';
import { liveEntries, type OversightRule, yuan } from './types.ts';

export const overBudgetLine: OversightRule = {
  code: 'OVER_BUDGET_LINE',
  severity: 'high',
  title: '某资金来源支出超过其预算',
  candidates: (ctx) => sql`
    select 'project' as subject_kind, 'project:' || p.id || ':source:' || s.source as subject_key, p.village_code, p.id as project_id,
      null::uuid as ledger_entry_id, null::uuid as project_step_id, null::uuid as procedure_id, null::uuid as procedure_step_id,
      jsonb_build_object('project', p.name, 'source', s.source, 'budget', ${yuan(sql`coalesce(b.amount_fen, 0)`)}, 'spent', ${yuan(sql`s.spent`)},
        'over', ${yuan(sql`s.spent - coalesce(b.amount_fen, 0)`)}, 'entries', s.n) as evidence,
      case when b.amount_fen is null
        then format('项目「%s」没有“%s”的预算，却从该来源支出%s元（%s笔）。', p.name, s.source, ${yuan(sql`s.spent`)}, s.n)
        else format('项目「%s」“%s”预算%s元，已支出%s元，超出%s元。', p.name, s.source, ${yuan(sql`b.amount_fen`)}, ${yuan(sql`s.spent`)}, ${yuan(sql`s.spent - b.amount_fen`)})
      end as evidence_text
    from (
      select e.project_id, e.source, sum(e.amount_fen)::bigint as spent, count(*)::int as n
      from ${liveEntries(ctx, 'e')}
      where e.kind in ('报账', '到户')
      group by e.project_id, e.source
    ) s
    join projects p on p.id = s.project_id
    left join project_budget_lines b on b.project_id = s.project_id and b.source = s.source
    where s.spent > coalesce(b.amount_fen, 0)`,
};
