// PAYMENT_TO_DECEASED_OR_MOVED (high): a 到户 payment booked on a day when nobody of the household
// was left — every member dead or moved out by then — or after the household left the registry
// (自然减少). Deaths and moves come from the registry (members' 死亡/迁出 with their date) and, where
// the county imported it, from the cross-check's 公安·户籍变动 data (死亡; 迁出 without a later 迁入),
// matched by ID number as the cross-check matches them. One alert per payment.
import { type RawBuilder, sql } from 'kysely';
import { type OversightRule, type RuleContext, yuan } from './types.ts';

/** A member's departures known by the day `day`: [(kind, date, source)]. */
function departures(ctx: RuleContext): RawBuilder<unknown> {
  const registry = sql`
    select m.id as member_id, m.person_status as kind, coalesce(m.status_date, h.removed_on) as on_date, 'registry' as source
    from members m join households h on h.id = m.household_id
    where m.county_code = ${ctx.countyCode} and m.deleted_at is null and m.person_status in ('死亡', '迁出') and coalesce(m.status_date, h.removed_on) is not null`;
  if (!ctx.householdEventsVersion) return registry;
  // 公安: deaths; a 迁出 counts from its date until a later 迁入 (checked against the payment day below).
  return sql`${registry}
    union all
    select m.id, e.event_type, e.event_date, 'household_events'
    from ds_household_events e join members m on m.id_number = e.id_number and m.county_code = ${ctx.countyCode} and m.deleted_at is null
    where e.dataset_version_id = ${ctx.householdEventsVersion} and e.event_type in ('死亡', '迁出') and e.event_date is not null`;
}

function returned(ctx: RuleContext): RawBuilder<unknown> {
  if (!ctx.householdEventsVersion) return sql`false`;
  return sql`d.source = 'household_events' and d.kind = '迁出' and exists (
    select 1 from ds_household_events i join members mi on mi.id_number = i.id_number
    where i.dataset_version_id = ${ctx.householdEventsVersion} and mi.id = d.member_id and i.event_type = '迁入'
      and i.event_date > d.on_date and i.event_date <= e.booked_on)`;
}

export const paymentToDeceasedOrMoved: OversightRule = {
  code: 'PAYMENT_TO_DECEASED_OR_MOVED',
  severity: 'high',
  title: '到户资金发放给已死亡或已迁出的农户',
  candidates: (ctx) => sql`
    with dep as (${departures(ctx)}),
    gone as (
      -- per payment, each member and the first departure that stands on the payment day
      select e.id as entry_id, m.id as member_id,
        (select jsonb_build_object('kind', d.kind, 'date', to_char(d.on_date, 'YYYY-MM-DD'), 'source', d.source)
         from dep d where d.member_id = m.id and d.on_date <= e.booked_on and not (${returned(ctx)})
         order by d.on_date, d.source limit 1) as departure
      from ledger_entries e
      join members m on m.household_id = e.household_id and m.deleted_at is null
      where e.county_code = ${ctx.countyCode} and e.kind = '到户'
    ),
    households_gone as (
      select g.entry_id, count(*)::int as members, jsonb_agg(g.departure order by g.departure ->> 'date') as departures
      from gone g group by g.entry_id
      having bool_and(g.departure is not null)
    )
    select 'ledger_entry' as subject_kind, 'entry:' || e.id as subject_key, p.village_code, p.id as project_id, e.id as ledger_entry_id,
      null::uuid as project_step_id, null::uuid as procedure_id, null::uuid as procedure_step_id,
      jsonb_build_object('project', p.name, 'householdNo', h.household_no, 'headName', h.head_name, 'amount', ${yuan(sql`e.amount_fen`)},
        'bookedOn', to_char(e.booked_on, 'YYYY-MM-DD'), 'registryState', h.registry_state, 'removedOn', to_char(h.removed_on, 'YYYY-MM-DD'),
        'members', coalesce(hg.members, 0), 'departures', coalesce(hg.departures, '[]'::jsonb)) as evidence,
      case when hg.entry_id is not null
        then format('项目「%s」于%s向户%s发放到户资金%s元，而该户%s名成员此前均已死亡或迁出（%s）。', p.name, to_char(e.booked_on, 'YYYY-MM-DD'), h.household_no,
          ${yuan(sql`e.amount_fen`)}, hg.members,
          (select string_agg((d ->> 'date') || (d ->> 'kind') || case when d ->> 'source' = 'registry' then '（档案）' else '（公安·户籍变动）' end, '、')
           from jsonb_array_elements(hg.departures) d))
        else format('项目「%s」于%s向户%s发放到户资金%s元，而该户已于%s因%s退出档案。', p.name, to_char(e.booked_on, 'YYYY-MM-DD'), h.household_no,
          ${yuan(sql`e.amount_fen`)}, to_char(h.removed_on, 'YYYY-MM-DD'), h.registry_state)
      end as evidence_text
    from ${sql`(
      select le.* from ledger_entries le
      where le.county_code = ${ctx.countyCode} and le.kind = '到户' and le.booked_on <= ${ctx.asOf}::date and le.reversal_of is null
        and not exists (select 1 from ledger_entries r where r.reversal_of = le.id and r.booked_on <= ${ctx.asOf}::date)
    ) as e`}
    join projects p on p.id = e.project_id
    join households h on h.id = e.household_id
    left join households_gone hg on hg.entry_id = e.id
    where hg.entry_id is not null or (h.registry_state = '自然减少' and h.removed_on <= e.booked_on)`,
};
