// IDLE_WITH_MONEY (medium): money was disbursed to a project that has not reached 验收, and for
// `idleDays` days up to as-of nothing happened — no step or progress in its log, no ledger entry.
// Rejected and withdrawn projects holding disbursed money count too. One alert per project.
import { sql } from 'kysely';
import { cnDate, type OversightRule, yuan } from './types.ts';

export const idleWithMoney: OversightRule = {
  code: 'IDLE_WITH_MONEY',
  severity: 'medium',
  title: '资金已拨付但项目长期无进展',
  candidates: (ctx) => sql`
    select 'project' as subject_kind, 'project:' || p.id as subject_key, p.village_code, p.id as project_id,
      null::uuid as ledger_entry_id, null::uuid as project_step_id, null::uuid as procedure_id, null::uuid as procedure_step_id,
      jsonb_build_object('project', p.name, 'state', p.state, 'disbursed', ${yuan(sql`m.disbursed`)}, 'unspent', ${yuan(sql`m.disbursed - m.spent`)},
        -- no day count here: it grows every day, and a closed alert comes back only when the evidence changes
        'lastActivityOn', to_char(x.last_on, 'YYYY-MM-DD'), 'thresholdDays', ${ctx.thresholds.idleDays}::int) as evidence,
      format('项目「%s」（%s）已拨付%s元（未支出%s元），自%s起%s天无任何环节、进度或资金记录。', p.name, p.state, ${yuan(sql`m.disbursed`)},
        ${yuan(sql`m.disbursed - m.spent`)}, to_char(x.last_on, 'YYYY-MM-DD'), ${ctx.asOf}::date - x.last_on) as evidence_text
    from projects p
    join (
      select le.project_id,
        sum(le.delta_fen) filter (where le.kind = '拨付')::bigint as disbursed,
        coalesce(sum(le.delta_fen) filter (where le.kind in ('报账', '到户')), 0)::bigint as spent,
        max(le.booked_on) as last_entry_on
      from ledger_entries le
      where le.county_code = ${ctx.countyCode} and le.booked_on <= ${ctx.asOf}::date
      group by le.project_id
    ) m on m.project_id = p.id
    left join lateral (
      select max(${cnDate(sql`s.at`)}) as last_step_on from project_steps s where s.project_id = p.id and ${cnDate(sql`s.at`)} <= ${ctx.asOf}::date
    ) st on true
    cross join lateral (select greatest(m.last_entry_on, st.last_step_on, ${cnDate(sql`p.created_at`)}) as last_on) x
    where p.county_code = ${ctx.countyCode} and p.state not in ('资产移交', '绩效评价', '已完成')
      and m.disbursed > 0 and x.last_on < ${ctx.asOf}::date - ${ctx.thresholds.idleDays}::int`,
};
