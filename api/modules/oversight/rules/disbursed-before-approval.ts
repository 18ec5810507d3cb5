// DISBURSED_BEFORE_APPROVAL (high): a 拨付 booked before the project was approved into the library
// (入库, the county's approval out of 县级审定) — or with no approval recorded at all — or before
// its 公告公示 of `noticeDays` days had ended. One alert per disbursement.
import { sql } from 'kysely';
import { cnDate, liveEntries, type OversightRule, projectMoments, yuan } from './types.ts';

export const disbursedBeforeApproval: OversightRule = {
  code: 'DISBURSED_BEFORE_APPROVAL',
  severity: 'high',
  title: '项目入库或公告公示期满前即拨付资金',
  candidates: (ctx) => sql`
    select 'ledger_entry' as subject_kind, 'entry:' || e.id as subject_key, p.village_code, p.id as project_id, e.id as ledger_entry_id,
      null::uuid as project_step_id, null::uuid as procedure_id, null::uuid as procedure_step_id,
      jsonb_build_object('project', p.name, 'kind', e.kind, 'source', e.source, 'amount', ${yuan(sql`e.amount_fen`)},
        'bookedOn', to_char(e.booked_on, 'YYYY-MM-DD'), 'payee', e.payee,
        'approvedOn', to_char(x.approved_on, 'YYYY-MM-DD'), 'noticeEndsOn', to_char(x.notice_ends_on, 'YYYY-MM-DD'),
        'noticeDays', ${ctx.thresholds.noticeDays}::int) as evidence,
      case
        when x.approved_on is null then format('项目「%s」无入库（县级审定通过）记录，却于%s拨付%s元（%s）。', p.name, to_char(e.booked_on, 'YYYY-MM-DD'), ${yuan(sql`e.amount_fen`)}, e.source)
        when e.booked_on < x.approved_on then format('项目「%s」于%s入库，却在此前的%s拨付%s元（%s）。', p.name, to_char(x.approved_on, 'YYYY-MM-DD'), to_char(e.booked_on, 'YYYY-MM-DD'), ${yuan(sql`e.amount_fen`)}, e.source)
        else format('项目「%s」公告公示%s天，至%s期满，却于%s拨付%s元（%s）。', p.name, ${ctx.thresholds.noticeDays}::int, to_char(x.notice_ends_on, 'YYYY-MM-DD'), to_char(e.booked_on, 'YYYY-MM-DD'), ${yuan(sql`e.amount_fen`)}, e.source)
      end as evidence_text
    from ${liveEntries(ctx, 'e')}
    join ${projectMoments(ctx, 'p')} on p.id = e.project_id
    cross join lateral (
      select ${cnDate(sql`p.approved_at`)} as approved_on, ${cnDate(sql`p.notice_started_at`)} + ${ctx.thresholds.noticeDays}::int as notice_ends_on
    ) x
    where e.kind = '拨付' and (x.approved_on is null or e.booked_on < x.approved_on or e.booked_on < x.notice_ends_on)`,
};
