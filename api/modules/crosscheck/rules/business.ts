// BUSINESS (exclude): a registry member is the legal representative of a company (有限责任公司,
// 个人独资企业) that is 存续/在业. 个体工商户 and 农民专业合作社 never fire (cooperatives are assistance).
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule } from './types.ts';

export const business: Rule = {
  code: 'BUSINESS',
  severity: 'exclude',
  sources: ['businesses'],
  title: '担任企业法定代表人',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'BUSINESS', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'exclude',
      jsonb_build_object('source', 'businesses', 'enterprise', b.enterprise, 'type', b.enterprise_type, 'capitalWan', b.capital_wan, 'status', b.reg_status),
      format('该成员为%s（%s，注册资本%s万元，登记状态%s）的法定代表人（来源：市场监管·企业登记）。', b.enterprise, b.enterprise_type,
        coalesce(trim_scale(b.capital_wan)::text, '不详'), b.reg_status)
    from cc_members m
    join (
      select distinct on (b.id_number) b.id_number, b.enterprise, b.enterprise_type, b.capital_wan, b.reg_status
      from ${ds(ctx, 'businesses', 'b')}
      where b.enterprise_type in ('有限责任公司', '个人独资企业') and b.reg_status in ('存续', '在业')
      order by b.id_number, b.capital_wan desc nulls last
    ) b on b.id_number = m.id_number
    where m.alive`,
};
