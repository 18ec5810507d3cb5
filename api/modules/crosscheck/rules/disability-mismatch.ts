// DISABILITY_MISMATCH (update): 残联 has a disability certificate for a registry member whose
// 健康状况 is not 残疾.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule } from './types.ts';

export const disabilityMismatch: Rule = {
  code: 'DISABILITY_MISMATCH',
  severity: 'update',
  sources: ['disability'],
  title: '健康状况与残疾人证不一致',
  healthEvidence: true,
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'DISABILITY_MISMATCH', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'update',
      jsonb_build_object('source', 'disability', 'category', d.category, 'grade', d.grade, 'issuedOn', d.issued_on, 'registryHealth', m.health),
      format('残联数据显示该成员持有%s残疾%s证（发证%s），档案健康状况为%s（来源：残联·残疾人证）。', d.category, d.grade,
        coalesce(d.issued_on::text, '日期不详'), coalesce(m.health, '未填'))
    from cc_members m
    join (
      select distinct on (d.id_number) d.id_number, d.category, d.grade, d.issued_on
      from ${ds(ctx, 'disability', 'd')}
      order by d.id_number, d.issued_on desc nulls last
    ) d on d.id_number = m.id_number
    where m.alive and coalesce(m.health, '') <> '残疾'`,
};
