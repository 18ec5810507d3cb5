// SHARED_BANK_ACCOUNT (high): one bank account (the households' 一折通 account on the card)
// receives 到户 payments for two or more households. The evidence shows the account masked (its
// last 4 digits) and the households by 户编号. One alert per account, kept by the first household
// of the group; its area is the households' common village, township or county.
import { sql } from 'kysely';
import { liveEntries, maskTail, type OversightRule, yuan } from './types.ts';

export const sharedBankAccount: OversightRule = {
  code: 'SHARED_BANK_ACCOUNT',
  severity: 'high',
  title: '多户到户资金发放至同一银行账户',
  candidates: (ctx) => sql`
    with paid as (
      select regexp_replace(h.bank_account, '\\s', '', 'g') as account, h.id as household_id, h.household_no, h.village_code,
        e.id as entry_id, e.amount_fen, e.booked_on, p.name as project_name
      from ${liveEntries(ctx, 'e')}
      join households h on h.id = e.household_id
      join projects p on p.id = e.project_id
      where e.kind = '到户' and btrim(coalesce(h.bank_account, '')) <> ''
    ),
    shared as (
      select account, count(distinct household_id)::int as households, count(*)::int as payments, sum(amount_fen)::bigint as total,
        min(household_id::text) as first_household,
        array_to_string(array_agg(distinct household_no order by household_no), '、') as household_nos,
        array_to_string(array_agg(distinct project_name order by project_name), '、') as projects,
        min(village_code) as v_min, max(village_code) as v_max,
        min(booked_on) as first_on, max(booked_on) as last_on
      from paid group by account having count(distinct household_id) > 1
    )
    select 'account' as subject_kind, 'account:' || s.first_household as subject_key,
      case when s.v_min = s.v_max then s.v_min when left(s.v_min, 9) = left(s.v_max, 9) then left(s.v_min, 9) else left(s.v_min, 6) end as village_code,
      null::uuid as project_id, null::uuid as ledger_entry_id, null::uuid as project_step_id, null::uuid as procedure_id, null::uuid as procedure_step_id,
      jsonb_build_object('account', ${maskTail(sql`s.account`)}, 'households', s.households, 'householdNos', s.household_nos, 'payments', s.payments,
        'total', ${yuan(sql`s.total`)}, 'projects', s.projects, 'firstPaidOn', to_char(s.first_on, 'YYYY-MM-DD'), 'lastPaidOn', to_char(s.last_on, 'YYYY-MM-DD')) as evidence,
      format('银行账户%s接收了%s户（%s）的到户资金%s笔，共%s元（项目：%s）。', ${maskTail(sql`s.account`)}, s.households, s.household_nos, s.payments,
        ${yuan(sql`s.total`)}, s.projects) as evidence_text
    from shared s`,
};
