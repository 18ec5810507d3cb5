// MEDICAL_RISK (risk): a registry member's self-paid medical costs over the window (default the
// 12 months up to as-of, by discharge date) reach the threshold (default 10,000 元) — 防返贫 因病 early warning.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule, yuan } from './types.ts';

export const medicalRisk: Rule = {
  code: 'MEDICAL_RISK',
  severity: 'risk',
  sources: ['medical_claims'],
  title: '大额医疗自付（因病返贫预警）',
  healthEvidence: true,
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'MEDICAL_RISK', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'risk',
      jsonb_build_object('source', 'medical_claims', 'selfPaid', c.total, 'claims', c.n, 'from', c.period_from, 'to', ${ctx.asOf}::date),
      format('该成员%s至%s出院结算%s次，个人自付合计%s元，达到%s元预警线（来源：医保·就医结算）。', c.period_from, ${ctx.asOf}::date, c.n,
        ${yuan(sql`c.total`)}, ${yuan(sql`${ctx.settings.medicalSelfPayThreshold}::bigint`)})
    from cc_members m
    join (
      select c.id_number, sum(c.self_paid) as total, count(*) as n,
        (${ctx.asOf}::date - make_interval(months => ${ctx.settings.medicalWindowMonths}) + interval '1 day')::date as period_from
      from ${ds(ctx, 'medical_claims', 'c')}
      where c.discharged_on <= ${ctx.asOf}::date
        and c.discharged_on > (${ctx.asOf}::date - make_interval(months => ${ctx.settings.medicalWindowMonths}))::date
      group by c.id_number
      having sum(c.self_paid) >= ${ctx.settings.medicalSelfPayThreshold}
    ) c on c.id_number = m.id_number
    where m.alive`,
};
