// DECEASED (update): 公安 reports the death of a registry member on or before the as-of date.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule } from './types.ts';

export const deceased: Rule = {
  code: 'DECEASED',
  severity: 'update',
  sources: ['household_events'],
  title: '公安户籍显示已死亡，档案仍为正常人员',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'DECEASED', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'update',
      jsonb_build_object('source', 'household_events', 'deathDate', e.event_date, 'sourceName', e.name),
      format('公安户籍变动数据显示该成员已于%s死亡（来源：公安·户籍变动，记录姓名：%s），档案中仍为正常人员。', e.event_date, e.name)
    from cc_members m
    join (
      select distinct on (e.id_number) e.id_number, e.event_date, e.name
      from ${ds(ctx, 'household_events', 'e')}
      where e.event_type = '死亡' and e.event_date <= ${ctx.asOf}::date
      order by e.id_number, e.event_date
    ) e on e.id_number = m.id_number
    where m.alive`,
};
