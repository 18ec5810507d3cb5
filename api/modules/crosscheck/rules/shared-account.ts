// SHARED_ACCOUNT (review): one bank account receives subsidy payments for members of two or more
// different registry households — one finding per (household, person) paid into that account.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, maskTail, type Rule } from './types.ts';

export const sharedAccount: Rule = {
  code: 'SHARED_ACCOUNT',
  severity: 'review',
  sources: ['subsidy_payments'],
  title: '多户共用一个补贴账户',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    with paid as (
      select distinct s.bank_account, m.household_id, m.household_no, m.id_number, m.member_id, m.village_code
      from ${ds(ctx, 'subsidy_payments', 's')}
      join cc_members m on m.id_number = s.id_number
      where s.bank_account is not null and s.paid_on <= ${ctx.asOf}::date
    ),
    shared as (
      -- the households paid into each shared account, once, in order
      select bank_account, array_agg(distinct household_no order by household_no) as households
      from paid group by bank_account having count(distinct household_id) > 1
    )
    select distinct on (p.household_id, p.id_number) 'SHARED_ACCOUNT', p.household_no, p.id_number, p.household_id, p.member_id, p.village_code, 'review',
      jsonb_build_object('source', 'subsidy_payments', 'account', ${maskTail(sql`p.bank_account`)}, 'otherHouseholds', array_to_string(array_remove(sa.households, p.household_no), '、')),
      format('一折通账号%s同时接收户%s成员的补贴，本户该成员的补贴也发放至此账号（来源：财政·一折通补贴发放）。', ${maskTail(sql`p.bank_account`)},
        array_to_string(array_remove(sa.households, p.household_no), '、'))
    from paid p
    join shared sa on sa.bank_account = p.bank_account
    order by p.household_id, p.id_number, p.bank_account`,
};
