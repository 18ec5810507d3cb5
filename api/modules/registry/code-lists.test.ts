// The registry import and the card speak the same code lists: for every coded column of the
// registry file, the values the import accepts are exactly the values the card's forms (API
// schemas) accept — so an imported card can always be saved as it is. One test over every list.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as lists from '../households/code-lists.ts';
import { HouseholdListQuery, HouseholdPatch, MemberCreate, MemberPatch } from '../households/schema/index.ts';
import { makeIdNumber } from '../../test/factories.ts';
import { type ColumnKey, COLUMN_NAME, parseRow } from './rows.ts';

/** Every value of every code list, and values of none. */
const CANDIDATES: string[] = [
  ...new Set([
    ...(Object.values(lists) as unknown[]).filter((v): v is string[] => Array.isArray(v)).flat(),
    ...['火星族', '因穷', '迁入', '富裕户', '已脱贫', '健康良好', '外出', '户主妻'],
  ]),
];

const BASE: Partial<Record<ColumnKey, string>> = {
  householdNo: '5223240000001',
  villageCode: '522324101209',
  headName: '张三',
  name: '张三',
  idNumber: makeIdNumber('19700101', '男'),
  relation: '户主',
  householdType: '一般户',
  status: '脱贫户',
};

function importAccepts(column: ColumnKey, value: string): boolean {
  const row: Partial<Record<ColumnKey, string>> = { ...BASE, [column]: value };
  const { problems } = parseRow((k) => row[k] ?? '', 2);
  return !problems.some((p) => p.severity === 'error' && p.column === COLUMN_NAME[column]);
}

const accepts = (schema: z.ZodType) => (value: string) => schema.safeParse(value).success;

/** Registry column → the card field that holds it (the schema the card's form is checked with), and its code list. */
const PAIRS: { column: ColumnKey; card: string; schema: z.ZodType; list: readonly string[] }[] = [
  { column: 'relation', card: 'member.relation', schema: MemberCreate.shape.relation, list: lists.RELATIONS },
  { column: 'sex', card: 'member.sex', schema: MemberCreate.shape.sex.unwrap(), list: lists.SEXES },
  { column: 'ethnicity', card: 'member.ethnicity', schema: MemberCreate.shape.ethnicity.unwrap().unwrap(), list: lists.ETHNICITIES },
  { column: 'education', card: 'member.education', schema: MemberCreate.shape.education.unwrap().unwrap(), list: lists.EDUCATION_LEVELS },
  { column: 'schooling', card: 'member.schooling', schema: MemberCreate.shape.schooling.unwrap().unwrap(), list: lists.SCHOOLING_STATUSES },
  { column: 'health', card: 'member.health', schema: MemberCreate.shape.health.unwrap().unwrap(), list: lists.HEALTH_STATUSES },
  { column: 'laborSkill', card: 'member.laborSkill', schema: MemberCreate.shape.laborSkill.unwrap().unwrap(), list: lists.LABOR_SKILLS },
  { column: 'workStatus', card: 'member.workStatus', schema: MemberCreate.shape.workStatus.unwrap().unwrap(), list: lists.WORK_STATUSES },
  { column: 'deceased', card: 'member.personStatus', schema: MemberPatch.shape.personStatus.unwrap(), list: lists.PERSON_STATUSES },
  { column: 'householdType', card: 'household.householdType', schema: HouseholdPatch.shape.householdType.unwrap(), list: lists.HOUSEHOLD_TYPES },
  { column: 'mainCause', card: 'household.mainCause', schema: HouseholdPatch.shape.mainCause.unwrap().unwrap(), list: lists.MAIN_CAUSES },
  // Status-graded: the card changes them by procedures only; its list filter takes the same values.
  { column: 'status', card: 'households?status', schema: HouseholdListQuery.shape.status.unwrap(), list: lists.HOUSEHOLD_STATUSES },
  {
    column: 'monitoringCategory',
    card: 'households?monitoringCategory',
    schema: HouseholdListQuery.shape.monitoringCategory.unwrap(),
    list: lists.MONITORING_CATEGORIES,
  },
];

describe('registry import and card code lists', () => {
  it.each(PAIRS)('$column ↔ $card: the same values, exactly the code list', ({ column, schema, list }) => {
    const byImport = CANDIDATES.filter((v) => importAccepts(column, v)).sort();
    const byCard = CANDIDATES.filter(accepts(schema)).sort();
    expect(byImport).toEqual(byCard);
    expect(byCard).toEqual([...list].sort());
  });

  it('人员状态 takes every value of the code list (迁出, 失踪 too) as well as 是否死亡’s 是/否', () => {
    for (const [cell, status] of [
      ['迁出', '迁出'],
      ['失踪', '失踪'],
      ['死亡', '死亡'],
      ['正常', '正常'],
      ['是', '死亡'],
      ['否', '正常'],
    ] as const) {
      const row: Partial<Record<ColumnKey, string>> = { ...BASE, deceased: cell };
      expect(parseRow((k) => row[k] ?? '', 2).row?.personStatus).toBe(status);
    }
  });

  it('主要致贫原因 is one list: the poverty causes and the risk types of monitoring households', () => {
    expect([...lists.MAIN_CAUSES].sort()).toEqual([...new Set([...lists.POVERTY_CAUSES, ...lists.RISK_TYPES])].sort());
  });
});
