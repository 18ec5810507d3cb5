// Generating the synthetic registry: the options, and the rows household by household.
import { classify } from './classification.ts';
import type { RegistryRow } from './contract.ts';
import { IdAllocator, pad, parseYmd, type Ymd } from './id-numbers.ts';
import { educationFor, ETHNICITIES, givenName, healthFor, laborFor, type Member, mobile, type PersonPlan, planHousehold, workFor } from './people.ts';
import { hash32, Rng } from './random.ts';
import { pickVillage, planVillages } from './villages.ts';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

export interface VillageInput {
  code: string; // 12-digit 统计用区划代码
  name: string;
  lon: number; // approximate centre, WGS84
  lat: number;
  /** How many households the village draws, relative to others (default: drawn from its code, 0.4–3.4). */
  weight?: number;
}

export interface GenerateOptions {
  households: number;
  seed?: number;
  countyCode?: string; // default '522324'
  villages: VillageInput[];
  startHouseholdNo?: number; // first 7-digit sequence number of 户编号, default 1
  /** Date the ages, schooling and work refer to (YYYY-MM-DD); default DEFAULT_AS_OF. */
  asOf?: string;
}

export const DEFAULT_COUNTY_CODE = '522324';
export const DEFAULT_SEED = 20201123;
/** Fixed reference date, so output never depends on when it is generated. */
export const DEFAULT_AS_OF = '2025-12-31';

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/** Yields one registry row per member, household by household, without holding them all. */
export function* generateRegistryRows(opts: GenerateOptions): Generator<RegistryRow> {
  for (const household of generateHouseholds(opts)) yield* household;
}

/** Same as generateRegistryRows, grouped: one array of member rows per household. */
export function* generateHouseholds(opts: GenerateOptions): Generator<RegistryRow[]> {
  const seed = (opts.seed ?? DEFAULT_SEED) >>> 0;
  const countyCode = opts.countyCode ?? DEFAULT_COUNTY_CODE;
  const start = opts.startHouseholdNo ?? 1;
  const asOf = parseYmd(opts.asOf ?? DEFAULT_AS_OF);
  if (!/^\d{6}$/.test(countyCode)) throw new Error(`countyCode must be 6 digits: ${countyCode}`);
  if (!Number.isInteger(opts.households) || opts.households < 0) throw new Error('households must be a whole number ≥ 0');
  if (!Number.isInteger(start) || start < 1 || start + opts.households - 1 > 9_999_999) {
    throw new Error('household numbers must stay within 7 digits');
  }
  if (opts.households > 0 && opts.villages.length === 0) throw new Error('no villages given');
  for (const v of opts.villages) {
    if (!v.code.startsWith(countyCode)) throw new Error(`village ${v.code} is not in county ${countyCode}`);
  }

  const rng = new Rng(hash32('registry', seed));
  const ids = new IdAllocator(countyCode, seed);
  const { plans: villages, cumulative } = planVillages(opts.villages, seed);

  for (let h = 0; h < opts.households; h++) {
    const householdNo = countyCode + pad(start + h, 7);
    const village = pickVillage(rng, villages, cumulative);
    const group = rng.pick(village.groups);
    const ethnicity = rng.chance(0.6) ? village.dominantEthnicity : rng.weighted(ETHNICITIES);
    const members = buildMembers(rng, planHousehold(rng, ethnicity), ids, asOf);
    const c = classify(rng, members);
    const head = members[0];
    if (!head) throw new Error('household without members');
    const lon = (group.lon + rng.normal() * 0.0015).toFixed(6);
    const lat = (group.lat + rng.normal() * 0.0012).toFixed(6);
    const income = String(c.incomePerCapita);
    yield members.map((m): RegistryRow => ({
      户编号: householdNo,
      区划代码: village.village.code,
      村民小组: group.name,
      户主姓名: head.name,
      姓名: m.name,
      证件号码: m.id,
      与户主关系: m.relation,
      性别: m.sex,
      民族: m.ethnicity,
      文化程度: m.education,
      在校生状况: m.schooling,
      健康状况: m.health,
      劳动技能: m.labor,
      务工状况: m.work,
      '务工时间（月）': String(m.workMonths),
      是否参加基本医疗保险: m.medical,
      是否参加基本养老保险: m.pension,
      户类型: c.type,
      户状态: c.status,
      监测对象类别: c.category,
      主要致贫原因: c.cause,
      脱贫年度: c.exitYear,
      '年人均纯收入（元）': income,
      联系电话: m.phone,
      经度: lon,
      纬度: lat,
      是否死亡: m.deceased ? '是' : '否',
    }));
  }
}

function buildMembers(rng: Rng, plans: PersonPlan[], ids: IdAllocator, asOf: Ymd): Member[] {
  const names = new Set<string>();
  return plans.map((p, index): Member => {
    const { id, birth } = ids.allocate(rng, p.age, p.sex, asOf);
    let name = '';
    for (let i = 0; i < 5 && (name === '' || names.has(name)); i++) {
      name = p.surname + givenName(rng, p.sex, birth.y, i < 2 ? p.generationChar : undefined);
    }
    names.add(name);
    const isHead = index === 0;
    const deceased = !isHead && rng.chance(p.age >= 75 ? 0.02 : 0.001);
    const health = healthFor(rng, p.age);
    const { education, schooling } = educationFor(rng, p.age, birth.y, p.sex);
    const labor = laborFor(rng, p.age, health, schooling);
    const work = deceased ? { status: '未务工' as const, months: 0 } : workFor(rng, p.age, labor);
    const adultOutOfSchool = p.age >= 16 && schooling === '非在校生';
    const phone = !deceased && (isHead || (p.age >= 18 && p.age <= 65 && rng.chance(0.45))) ? mobile(rng) : '';
    // fields listed one by one: an object spread here made generation several times slower
    return {
      relation: p.relation,
      sex: p.sex,
      age: p.age,
      surname: p.surname,
      ethnicity: p.ethnicity,
      name,
      id,
      birth,
      health,
      education,
      schooling,
      labor,
      work: work.status,
      workMonths: work.months,
      medical: rng.chance(0.99) ? '是' : '否',
      pension: adultOutOfSchool && rng.chance(0.95) ? '是' : '否',
      phone,
      deceased,
    };
  });
}
