// PROPERTY (exclude): a registry member owns commercial housing (商品房). 安置房 from relocation,
// 自建房 and 经济适用房 never fire.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, type Rule } from './types.ts';

export const property: Rule = {
  code: 'PROPERTY',
  severity: 'exclude',
  sources: ['property'],
  title: '名下有商品房',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'PROPERTY', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'exclude',
      jsonb_build_object('source', 'property', 'location', p.location, 'area', p.floor_area, 'registeredOn', p.registered_on),
      format('该成员名下有商品房：%s，建筑面积%s㎡，登记日期%s（来源：不动产登记）。', p.location, coalesce(trim_scale(p.floor_area)::text, '不详'),
        coalesce(p.registered_on::text, '不详'))
    from cc_members m
    join (
      select distinct on (p.id_number) p.id_number, p.location, p.floor_area, p.registered_on
      from ${ds(ctx, 'property', 'p')}
      where p.property_type = '商品房'
      order by p.id_number, p.registered_on desc nulls last
    ) p on p.id_number = m.id_number
    where m.alive`,
};
