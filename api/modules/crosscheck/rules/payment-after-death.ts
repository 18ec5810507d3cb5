// PAYMENT_AFTER_DEATH (review): a subsidy paid to a person after that person's date of death
// (death from 公安 events, or the registry's own record of the death).
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, maskTail, type Rule, yuan } from './types.ts';

export const paymentAfterDeath: Rule = {
  code: 'PAYMENT_AFTER_DEATH',
  severity: 'review',
  sources: ['subsidy_payments'],
  title: '死亡后仍发放补贴',
  insert: (ctx) => {
    const deaths = ctx.versions.household_events
      ? sql`select e.id_number, min(e.event_date) as death_date from ${ds(ctx, 'household_events', 'e')}
            where e.event_type = '死亡' and e.event_date <= ${ctx.asOf}::date group by e.id_number
            union all
            select id_number, status_date from cc_members where person_status = '死亡' and status_date is not null`
      : sql`select id_number, status_date as death_date from cc_members where person_status = '死亡' and status_date is not null`;
    return sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'PAYMENT_AFTER_DEATH', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'review',
      jsonb_build_object('source', 'subsidy_payments', 'deathDate', d.death_date, 'payments', p.n, 'total', p.total,
        'firstPaidOn', p.first_paid, 'items', p.items, 'account', ${maskTail(sql`p.account`)}),
      format('该成员于%s死亡，此后一折通仍发放补贴%s笔共%s元（首笔%s，项目：%s，账号%s；来源：财政·一折通补贴发放）。',
        d.death_date, p.n, ${yuan(sql`p.total`)}, p.first_paid, p.items, ${maskTail(sql`p.account`)})
    from cc_members m
    join (select id_number, min(death_date) as death_date from (${deaths}) x group by id_number) d on d.id_number = m.id_number
    join lateral (
      select count(*) as n, sum(s.amount) as total, min(s.paid_on) as first_paid,
        string_agg(distinct s.item, '、') as items, min(s.bank_account) as account
      from ${ds(ctx, 'subsidy_payments', 's')}
      where s.id_number = m.id_number and s.paid_on > d.death_date and s.paid_on <= ${ctx.asOf}::date
    ) p on p.n > 0`;
  },
};
