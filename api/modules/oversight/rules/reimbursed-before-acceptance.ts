// REIMBURSED_BEFORE_ACCEPTANCE (medium): a 报账 booked before the project passed 验收 (or while no
// acceptance is recorded). The ledger lets partial reimbursement by progress through; the
// inspector sees each one. One alert per reimbursement.
import { sql } from 'kysely';
import { cnDate, liveEntries, type OversightRule, projectMoments, yuan } from './types.ts';

export const reimbursedBeforeAcceptance: OversightRule = {
  code: 'REIMBURSED_BEFORE_ACCEPTANCE',
  severity: 'medium',
  title: '项目验收前即报账',
  candidates: (ctx) => sql`
    select 'ledger_entry' as subject_kind, 'entry:' || e.id as subject_key, p.village_code, p.id as project_id, e.id as ledger_entry_id,
      null::uuid as project_step_id, null::uuid as procedure_id, null::uuid as procedure_step_id,
      jsonb_build_object('project', p.name, 'kind', e.kind, 'source', e.source, 'amount', ${yuan(sql`e.amount_fen`)},
        'bookedOn', to_char(e.booked_on, 'YYYY-MM-DD'), 'voucherNo', e.voucher_no, 'payee', e.payee,
        'acceptedOn', to_char(x.accepted_on, 'YYYY-MM-DD'), 'state', p.state) as evidence,
      case
        when x.accepted_on is null then format('项目「%s」（%s）尚未验收，已于%s报账%s元（凭证号%s）。', p.name, p.state, to_char(e.booked_on, 'YYYY-MM-DD'), ${yuan(sql`e.amount_fen`)}, e.voucher_no)
        else format('项目「%s」于%s验收，却在此前的%s报账%s元（凭证号%s）。', p.name, to_char(x.accepted_on, 'YYYY-MM-DD'), to_char(e.booked_on, 'YYYY-MM-DD'), ${yuan(sql`e.amount_fen`)}, e.voucher_no)
      end as evidence_text
    from ${liveEntries(ctx, 'e')}
    join ${projectMoments(ctx, 'p')} on p.id = e.project_id
    cross join lateral (select ${cnDate(sql`p.accepted_at`)} as accepted_on) x
    where e.kind = '报账' and (x.accepted_on is null or e.booked_on < x.accepted_on)`,
};
