// MOVED_OUT (update): 公安 reports 迁出 for a registry member with no later 迁入 (up to as-of).
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule } from './types.ts';

export const movedOut: Rule = {
  code: 'MOVED_OUT',
  severity: 'update',
  sources: ['household_events'],
  title: '公安户籍显示已迁出',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'MOVED_OUT', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'update',
      jsonb_build_object('source', 'household_events', 'date', o.event_date, 'destination', o.destination),
      format('公安户籍变动数据显示该成员已于%s迁出%s，此后无迁入记录（来源：公安·户籍变动）。', o.event_date,
        case when coalesce(o.destination, '') = '' then '' else '至' || o.destination end)
    from cc_members m
    join (
      select distinct on (e.id_number) e.id_number, e.event_date, e.destination
      from ${ds(ctx, 'household_events', 'e')}
      where e.event_type = '迁出' and e.event_date <= ${ctx.asOf}::date
      order by e.id_number, e.event_date desc
    ) o on o.id_number = m.id_number
    where m.alive
      and not exists (
        select 1 from ${ds(ctx, 'household_events', 'i')}
        where i.id_number = o.id_number and i.event_type = '迁入' and i.event_date > o.event_date and i.event_date <= ${ctx.asOf}::date
      )`,
};
