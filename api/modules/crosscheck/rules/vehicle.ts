// VEHICLE (exclude): a registry member owns a passenger car in use. Production vehicles
// (货车, 三轮汽车, 低速货车, 摩托车, 拖拉机) and 注销 vehicles never fire.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, ds, maskPlate, type Rule } from './types.ts';

export const PASSENGER_TYPES = ['小型轿车', '小型普通客车', '中型客车'];

export const vehicle: Rule = {
  code: 'VEHICLE',
  severity: 'exclude',
  sources: ['vehicles'],
  title: '名下有小汽车',
  insert: (ctx) => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    select 'VEHICLE', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'exclude',
      jsonb_build_object('source', 'vehicles', 'plate', ${maskPlate(sql`v.plate`)}, 'type', v.vehicle_type, 'registeredOn', v.registered_on, 'count', v.n),
      format('该成员名下有在用%s（号牌%s，初次登记%s%s；来源：公安交管·机动车登记）。', v.vehicle_type, ${maskPlate(sql`v.plate`)},
        coalesce(v.registered_on::text, '不详'), case when v.n > 1 then '，共' || v.n || '辆' else '' end)
    from cc_members m
    join (
      select distinct on (v.id_number) v.id_number, v.plate, v.vehicle_type, v.registered_on,
        count(*) over (partition by v.id_number) as n
      from ${ds(ctx, 'vehicles', 'v')}
      where v.status = '正常' and v.vehicle_type in (${sql.join(PASSENGER_TYPES)})
      order by v.id_number, v.registered_on desc nulls last
    ) v on v.id_number = m.id_number
    where m.alive`,
};
