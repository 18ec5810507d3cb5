// ASSISTANCE_MISMATCH (update, household-level): registry 户类型 disagrees with the civil-affairs
// rolls — a 低保户 (特困供养户) where nobody listed (deceased included) has an 在保 低保 (特困) record,
// or a 一般户 where a member has an 在保 农村低保 or 特困供养 record.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule } from './types.ts';

export const assistanceMismatch: Rule = {
  code: 'ASSISTANCE_MISMATCH',
  severity: 'update',
  sources: ['civil_assistance'],
  title: '户类型与民政救助不一致',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    with active as (
      select c.id_number, string_agg(distinct c.assistance_type, '、') as types,
        bool_or(c.assistance_type in ('农村低保', '城市低保')) as dibao,
        bool_or(c.assistance_type = '特困供养') as tekun,
        bool_or(c.assistance_type in ('农村低保', '特困供养')) as rural
      from ${ds(ctx, 'civil_assistance', 'c')}
      where c.status = '在保'
      group by c.id_number
    ),
    per_household as (
      select m.household_id, m.household_no, m.village_code, m.household_type,
        bool_or(coalesce(a.dibao, false)) as any_dibao,
        bool_or(coalesce(a.tekun, false)) as any_tekun,
        bool_or(coalesce(a.rural, false)) as any_rural,
        string_agg(distinct a.types, '、') as types
      from cc_members m
      left join active a on a.id_number = m.id_number
      group by m.household_id, m.household_no, m.village_code, m.household_type
    )
    select 'ASSISTANCE_MISMATCH', h.household_no, '', h.household_id, null::uuid, h.village_code, 'update',
      jsonb_build_object('source', 'civil_assistance', 'registryType', h.household_type, 'civilAffairs', coalesce(h.types, '无在保记录')),
      case h.household_type
        when '一般户' then format('档案户类型为一般户，但民政数据显示家庭成员在保%s（来源：民政·低保特困）。', h.types)
        else format('档案户类型为%s，但民政数据中该户成员%s（来源：民政·低保特困）。', h.household_type,
          case when h.types is null then '无任何在保救助记录' else '仅有在保' || h.types || '记录' end)
      end
    from per_household h
    where (h.household_type = '低保户' and not h.any_dibao)
       or (h.household_type = '特困供养户' and not h.any_tekun)
       or (h.household_type = '一般户' and h.any_rural)`,
};
