// MISSED_ASSISTANCE (review): someone on this county's 在保 农村低保/特困供养 rolls who is in no
// registry household (疑似漏评/漏纳). household_no is empty; the person's name comes from the roll
// (evidence.name), since there is no card to take it from.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule } from './types.ts';

export const missedAssistance: Rule = {
  code: 'MISSED_ASSISTANCE',
  severity: 'review',
  sources: ['civil_assistance'],
  title: '民政在保但未纳入（疑似漏评）',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'MISSED_ASSISTANCE', '', c.id_number, null::uuid, null::uuid, c.area_code, 'review',
      jsonb_build_object('source', 'civil_assistance', 'name', c.name, 'areaCode', c.area_code, 'type', c.assistance_type, 'people', c.covered_people, 'since', c.start_month),
      format('民政数据显示此人自%s起享受%s（保障%s人，区划%s），但不在任何建档立卡/监测户中，疑似漏评漏纳（来源：民政·低保特困）。',
        coalesce(c.start_month, '不详'), c.assistance_type, coalesce(c.covered_people::text, '不详'), coalesce(c.area_code, '不详'))
    from (
      select distinct on (c.id_number) c.*
      from ${ds(ctx, 'civil_assistance', 'c')}
      where c.status = '在保' and c.assistance_type in ('农村低保', '特困供养') and c.area_code like ${`${ctx.countyCode}%`}
      order by c.id_number, c.start_month desc nulls last
    ) c
    where not exists (select 1 from cc_members m where m.id_number = c.id_number)`,
};
