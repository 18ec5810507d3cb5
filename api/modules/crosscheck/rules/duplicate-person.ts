// DUPLICATE_PERSON (review): the same ID number in two or more registry households — one
// finding per household it appears in, naming the others. Needs no department data.
import { sql } from 'kysely';
import { CANDIDATE_COLUMNS, type Rule } from './types.ts';

export const duplicatePerson: Rule = {
  code: 'DUPLICATE_PERSON',
  severity: 'review',
  sources: [],
  title: '同一人在多个户中',
  insert: () => sql`
    insert into cc_candidates ${CANDIDATE_COLUMNS}
    with dup as (
      select id_number from cc_members group by id_number having count(distinct household_id) > 1
    )
    select distinct on (m.household_id, m.id_number) 'DUPLICATE_PERSON', m.household_no, m.id_number, m.household_id, m.member_id, m.village_code, 'review',
      jsonb_build_object('otherHouseholds', o.others),
      format('同一证件号码同时出现在户%s中（本户%s），一人只能属于一户。', o.others, m.household_no)
    from cc_members m
    join dup d on d.id_number = m.id_number
    join lateral (
      select string_agg(distinct x.household_no, '、' order by x.household_no) as others
      from cc_members x where x.id_number = m.id_number and x.household_id <> m.household_id
    ) o on true
    order by m.household_id, m.id_number`,
};
