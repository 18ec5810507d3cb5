// PUBLIC_PAYROLL (exclude): a registry member is paid from public funds (财政供养人员).
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule } from './types.ts';

export const publicPayroll: Rule = {
  code: 'PUBLIC_PAYROLL',
  severity: 'exclude',
  sources: ['public_payroll'],
  title: '财政供养人员',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'PUBLIC_PAYROLL', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'exclude',
      jsonb_build_object('source', 'public_payroll', 'employer', p.employer, 'category', p.category, 'hiredOn', p.hired_on),
      format('该成员为财政供养人员：%s，%s，入职日期%s（来源：人社编办·财政供养人员）。', p.employer, p.category, coalesce(p.hired_on::text, '不详'))
    from cc_members m
    join (
      select distinct on (p.id_number) p.id_number, p.employer, p.category, p.hired_on
      from ${ds(ctx, 'public_payroll', 'p')}
      order by p.id_number, p.hired_on desc nulls last
    ) p on p.id_number = m.id_number
    where m.alive`,
};
