// STUDENT_MISMATCH (update): 教育 shows an enrolled (在读) student whom the registry lists as 非在校生.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule } from './types.ts';

export const studentMismatch: Rule = {
  code: 'STUDENT_MISMATCH',
  severity: 'update',
  sources: ['students'],
  title: '在校生状况与学籍不一致',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'STUDENT_MISMATCH', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'update',
      jsonb_build_object('source', 'students', 'school', s.school, 'stage', s.stage, 'grade', s.grade),
      format('学籍数据显示该成员在%s就读%s%s，档案在校生状况为非在校生（来源：教育·学籍）。', s.school, s.stage, coalesce(s.grade, ''))
    from cc_members m
    join (
      select distinct on (s.id_number) s.id_number, s.school, s.stage, s.grade
      from ${ds(ctx, 'students', 's')}
      where s.enrol_status = '在读'
      order by s.id_number, s.row_no desc
    ) s on s.id_number = m.id_number
    where m.alive and m.schooling = '非在校生'`,
};
