// Deterministic synthetic registry (贫困人口明细) for demos and benchmarks: one row per member in the
// registry export format (data-contracts README §1, column order of samples/registry.csv) plus
// 村民小组 right after 区划代码.
// Owns the synthetic people only: villages (codes, centres) come from the caller, and every coded
// value is an exact string from the contract's code lists. It must never read the clock or any
// global randomness — the same options always give byte-identical output.

// ---------------------------------------------------------------------------------------------
// Contract: headers and code lists
// ---------------------------------------------------------------------------------------------

export const REGISTRY_HEADERS = [
  '户编号',
  '区划代码',
  '村民小组',
  '户主姓名',
  '姓名',
  '证件号码',
  '与户主关系',
  '性别',
  '民族',
  '文化程度',
  '在校生状况',
  '健康状况',
  '劳动技能',
  '务工状况',
  '务工时间（月）',
  '是否参加基本医疗保险',
  '是否参加基本养老保险',
  '户类型',
  '户状态',
  '监测对象类别',
  '主要致贫原因',
  '脱贫年度',
  '年人均纯收入（元）',
  '联系电话',
  '经度',
  '纬度',
  '是否死亡',
] as const;
export type RegistryHeader = (typeof REGISTRY_HEADERS)[number];
export type RegistryRow = Record<RegistryHeader, string>;

export const RELATIONS = [
  '户主',
  '配偶',
  '之子',
  '之女',
  '之儿媳',
  '之女婿',
  '之孙子',
  '之孙女',
  '之父',
  '之母',
  '之兄弟姐妹',
  '其他',
] as const;
export type Relation = (typeof RELATIONS)[number];
export const SEXES = ['男', '女'] as const;
export type Sex = (typeof SEXES)[number];
export const EDUCATION_LEVELS = ['文盲或半文盲', '小学', '初中', '高中', '中专', '大专及以上', '学龄前儿童'] as const;
export type Education = (typeof EDUCATION_LEVELS)[number];
export const SCHOOLING = ['非在校生', '学前教育', '小学', '初中', '高中', '中职', '高职', '大专', '本科及以上'] as const;
export type Schooling = (typeof SCHOOLING)[number];
export const HEALTH = ['健康', '长期慢性病', '患有大病', '残疾'] as const;
export type Health = (typeof HEALTH)[number];
export const LABOR_SKILLS = ['普通劳动力', '技能劳动力', '弱劳动力或半劳动力', '丧失劳动力', '无劳动力'] as const;
export type LaborSkill = (typeof LABOR_SKILLS)[number];
export const WORK_STATUSES = ['未务工', '乡镇内务工', '乡镇外县内务工', '县外省内务工', '省外务工'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];
export const HOUSEHOLD_TYPES = ['一般户', '低保户', '特困供养户'] as const;
export type HouseholdType = (typeof HOUSEHOLD_TYPES)[number];
export const HOUSEHOLD_STATUSES = ['脱贫户', '监测户', '未脱贫户'] as const;
export type HouseholdStatus = (typeof HOUSEHOLD_STATUSES)[number];
export const MONITORING_CATEGORIES = ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'] as const;
export type MonitoringCategory = (typeof MONITORING_CATEGORIES)[number];
export const MAIN_CAUSES = [
  '因病',
  '因残',
  '因学',
  '因灾',
  '缺土地',
  '缺水',
  '缺技术',
  '缺劳力',
  '缺资金',
  '交通条件落后',
  '自身发展动力不足',
  '因意外事故',
  '因产业失败',
  '因务工就业不稳',
] as const;
export type MainCause = (typeof MAIN_CAUSES)[number];
export const YES_NO = ['是', '否'] as const;
export type YesNo = (typeof YES_NO)[number];

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

export interface VillageInput {
  code: string; // 12-digit 统计用区划代码
  name: string;
  lon: number; // approximate centre, WGS84
  lat: number;
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
// Seeded randomness
// ---------------------------------------------------------------------------------------------

/** mulberry32: tiny, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the parts, for seed-independent or seed-derived stable values. */
function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = `${part}\u0001`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  // final avalanche (murmur3 fmix32) so nearby inputs give unrelated outputs
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

type Weighted<T> = readonly (readonly [T, number])[];
/** Weights by code-list value, e.g. { 健康: 85, 残疾: 5 }; drawn in key order. */
type Table<K extends string> = Readonly<Partial<Record<K, number>>>;

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from empty list');
    return item;
  }
  weighted<T>(entries: Weighted<T>): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [v, w] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('weighted pick from empty list');
    return last[0];
  }
  choose<K extends string>(table: Table<K>): K {
    let total = 0;
    for (const k in table) total += table[k] ?? 0;
    let r = this.next() * total;
    let last: K | undefined;
    for (const k in table) {
      last = k;
      r -= table[k] ?? 0;
      if (r < 0) return k;
    }
    if (last === undefined) throw new Error('weighted pick from empty table');
    return last;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

// ---------------------------------------------------------------------------------------------
// ID numbers (GB 11643-1999)
// ---------------------------------------------------------------------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';

/** Check character for the first 17 digits of an 18-digit ID number. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`not 17 digits: ${first17}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS[sum % 11] ?? '';
}

export function isValidIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idCheckChar(id.slice(0, 17)) === id[17];
}

// ---------------------------------------------------------------------------------------------
// Dates and ages (UTC epoch days; no time zones, no clock)
// ---------------------------------------------------------------------------------------------

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function parseYmd(s: string): Ymd {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`asOf must be YYYY-MM-DD: ${s}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

const DAY_MS = 86_400_000;
const toEpochDay = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / DAY_MS;
function fromEpochDay(day: number): Ymd {
  const dt = new Date(day * DAY_MS);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

/** Whole years from birth to asOf. */
export function ageAt(birth: Ymd, asOf: Ymd): number {
  const beforeBirthday = asOf.m < birth.m || (asOf.m === birth.m && asOf.d < birth.d);
  return asOf.y - birth.y - (beforeBirthday ? 1 : 0);
}

/** Epoch-day range [first, last] of birth dates giving exactly `age` at asOf. */
function birthDayRange(age: number, asOf: Ymd): [number, number] {
  // latest birth: the asOf date `age` years back (Feb 29 → Feb 28 via Date.UTC overflow guard)
  const lastY = asOf.y - age;
  const lastD = asOf.m === 2 && asOf.d === 29 && !isLeap(lastY) ? 28 : asOf.d;
  const last = toEpochDay(lastY, asOf.m, lastD);
  const firstY = asOf.y - age - 1;
  const firstD = asOf.m === 2 && asOf.d === 29 && !isLeap(firstY) ? 28 : asOf.d;
  const first = toEpochDay(firstY, asOf.m, firstD) + 1;
  return [first, last];
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const ymdDigits = (d: Ymd): string => `${d.y}${pad(d.m, 2)}${pad(d.d, 2)}`;

/**
 * Hands out unique ID numbers. The 3-digit sequence walks a per-(date, sex) permutation of the
 * 500 values of the right parity, so IDs look scattered but never repeat; a full bucket moves the
 * birth date to a neighbouring day of the same age. Memory grows with distinct dates, not people.
 */
class IdAllocator {
  private readonly used = new Map<string, number>();
  constructor(
    private readonly areaCode: string,
    private readonly seed: number,
  ) {}

  allocate(rng: Rng, age: number, sex: Sex, asOf: Ymd): { id: string; birth: Ymd } {
    const [first, last] = birthDayRange(age, asOf);
    const start = rng.int(first, last);
    const span = last - first + 1;
    for (let step = 0; step < span; step++) {
      // start, start+1, start-1, start+2, … wrapped into the range
      const delta = step % 2 === 1 ? (step + 1) / 2 : -(step / 2);
      const day = first + ((((start - first + delta) % span) + span) % span);
      const birth = fromEpochDay(day);
      const seq = this.nextSequence(ymdDigits(birth), sex);
      if (seq === undefined) continue;
      const first17 = `${this.areaCode}${ymdDigits(birth)}${seq}`;
      return { id: first17 + idCheckChar(first17), birth };
    }
    throw new Error(`no free ID number for age ${age} ${sex}`);
  }

  private nextSequence(date: string, sex: Sex): string | undefined {
    const key = date + sex;
    const offset = hash32(this.seed, key) % 500;
    for (let k = this.used.get(key) ?? 0; k < 500; k++) {
      const v = (offset + k * 173) % 500; // 173 is coprime with 500: a permutation of 0..499
      const seq = v * 2 + (sex === '男' ? 1 : 0); // 17th digit odd for men, even for women
      if (seq === 0) continue; // 000 is not issued
      this.used.set(key, k + 1);
      return pad(seq, 3);
    }
    this.used.set(key, 500);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

export const ETHNICITIES: Weighted<string> = [
  ['汉族', 45],
  ['布依族', 30],
  ['苗族', 20],
  ['彝族', 2],
  ['回族', 1.5],
  ['仡佬族', 1.5],
];

/** '王8 李8 …' → [['王', 8], ['李', 8], …] (kept as text so the table stays readable). */
function surnameWeights(text: string): Weighted<string> {
  return text.split(' ').map((entry) => [entry.charAt(0), Number(entry.slice(1))] as const);
}

// Surnames common among each group in 黔西南 (布依族: 韦 岑 班 陆 蒙 卢 …; 苗族: 杨 龙 吴 熊 陶 …).
const SURNAMES: Record<string, Weighted<string>> = {
  汉族: surnameWeights(
    '王8 李8 张7 刘5 陈5 杨5 罗5 黄4 周4 吴4 赵3 胡2 何2 邓2 谢2 徐2 朱2 唐2 田2 彭1 蒋1 潘1 郭1 曾1 余1 肖1 付1 高1 卢1 龙1 梁1 石1',
  ),
  布依族: surnameWeights('韦8 王6 岑5 黄5 罗5 班4 陆4 杨4 蒙4 卢3 吴3 梁3 潘3 李3 陈2 覃2 莫2 刘1 姚1 田1'),
  苗族: surnameWeights('杨7 龙6 吴5 王5 李4 张3 熊3 陶3 罗3 石3 田3 潘2 韩1 马1 刘1'),
  彝族: surnameWeights('安4 龙3 陆3 李3 禄2 王2 杨2 何1'),
  回族: surnameWeights('马6 丁3 李2 王2 杨1 沙1'),
  仡佬族: surnameWeights('王3 胡3 邹2 石2 陈2 骆1 韦1'),
};

type Era = 'old' | 'mid' | 'young' | 'kid';
const eraOf = (birthYear: number): Era => (birthYear < 1960 ? 'old' : birthYear < 1985 ? 'mid' : birthYear < 2005 ? 'young' : 'kid');

const GIVEN: Record<Era, Record<Sex, readonly string[]>> = {
  old: {
    男: [...'国德正明光文学开发富贵荣华忠兴家成林海云金永庆昌顺祥有才志绍朝维仕登廷启世应元'],
    女: [...'秀英兰芳珍花菊梅琼美凤翠群会芬仙莲桂银存香巧妹先玉'],
  },
  mid: {
    男: [...'军勇平强刚波斌江峰涛伟洪建明华林兵权飞亮进贵福海春龙文忠'],
    女: [...'丽燕琴艳红霞敏萍娟玲梅芬英会春琼莉美华静秀兰'],
  },
  young: {
    男: [...'浩宇俊杰鑫磊鹏超阳凯帅龙豪旭健康成威松东江涛'],
    女: [...'婷雪丹倩琳静敏佳欣慧娜瑶艳露莎梦月璐双芳'],
  },
  kid: {
    男: [...'子梓浩宇轩博睿俊熙泽航铭宸诚奕皓辰然文杰'],
    女: [...'雨欣诗涵梓思可馨语桐佳怡若萱悦紫琪芮妍依'],
  },
};
const GENERATION_CHARS = [...'正国德光明永世家文朝开兴学登绍应启昌廷仕'];

function givenName(rng: Rng, sex: Sex, birthYear: number, generationChar?: string): string {
  const era = eraOf(birthYear);
  const pool = GIVEN[era][sex];
  if (generationChar) return generationChar + rng.pick(pool);
  const twoChars = rng.chance(era === 'kid' ? 0.8 : era === 'old' ? 0.6 : 0.65);
  if (!twoChars) return rng.pick(pool);
  let second = rng.pick(pool);
  const firstChar = rng.pick(pool);
  for (let i = 0; i < 3 && second === firstChar; i++) second = rng.pick(pool);
  return firstChar + second;
}

// ---------------------------------------------------------------------------------------------
// Household structure
// ---------------------------------------------------------------------------------------------

interface PersonPlan {
  relation: Relation;
  sex: Sex;
  age: number;
  surname: string;
  ethnicity: string;
  generationChar?: string;
}

const HOUSEHOLD_SIZES: Weighted<number> = [
  [1, 10],
  [2, 18],
  [3, 22],
  [4, 22],
  [5, 14],
  [6, 8],
  [7, 4],
  [8, 2],
];

const RELATION_ORDER: Record<Relation, number> = {
  户主: 0,
  配偶: 1,
  之子: 2,
  之女: 2,
  之儿媳: 3,
  之女婿: 3,
  之孙子: 4,
  之孙女: 4,
  之父: 5,
  之母: 6,
  之兄弟姐妹: 7,
  其他: 8,
};

function headAge(rng: Rng, size: number): number {
  if (size === 1) {
    const r = rng.float();
    return r < 0.65 ? rng.int(60, 90) : r < 0.85 ? rng.int(45, 59) : rng.int(25, 44);
  }
  if (size === 2) return rng.chance(0.6) ? rng.int(58, 88) : rng.int(28, 57);
  const mean = size <= 4 ? 52 : 55;
  return Math.round(clamp(mean + rng.normal() * 12, size <= 4 ? 24 : 32, 88));
}

/** Plans who lives in the household: relations, sexes and ages that fit each other. */
function planHousehold(rng: Rng, ethnicity: string): PersonPlan[] {
  const size = rng.weighted(HOUSEHOLD_SIZES);
  const hAge = headAge(rng, size);
  const surnames = SURNAMES[ethnicity] ?? SURNAMES.汉族 ?? [];
  const otherSurname = (not: string): string => {
    for (let i = 0; i < 4; i++) {
      const s = rng.weighted(surnames);
      if (s !== not || i === 3) return s;
    }
    return not;
  };
  // in-laws mostly share the ethnicity; some marry across groups
  const spouseEthnicity = (): string => (rng.chance(0.85) ? ethnicity : rng.weighted(ETHNICITIES));
  // women head a household mostly when widowed or living alone
  const headSex: Sex = rng.chance(size === 1 ? 0.35 : 0.1) ? '女' : '男';
  const surname = rng.weighted(surnames);
  const head: PersonPlan = { relation: '户主', sex: headSex, age: hAge, surname, ethnicity };
  const plans: PersonPlan[] = [head];
  let slots = size - 1;

  let spouse: PersonPlan | undefined;
  if (slots > 0 && rng.chance(headSex === '女' ? 0.35 : hAge >= 75 ? 0.65 : 0.88)) {
    const gap = Math.round(2 + rng.normal() * 2.5); // husbands a little older
    const age = clamp(headSex === '男' ? hAge - gap : hAge + gap, 18, 98);
    const sex: Sex = headSex === '男' ? '女' : '男';
    spouse = { relation: '配偶', sex, age, surname: otherSurname(surname), ethnicity: spouseEthnicity() };
    plans.push(spouse);
    slots--;
  }

  // the head's parents live with younger heads, mostly the widowed mother
  if (slots > 0 && hAge <= 58 && rng.chance(size >= 4 ? 0.4 : 0.2)) {
    const motherAge = hAge + rng.int(20, 34);
    if (motherAge <= 94) {
      const both = slots >= 2 && size >= 5 && rng.chance(0.45);
      const mother: PersonPlan = { relation: '之母', sex: '女', age: motherAge, surname: otherSurname(surname), ethnicity };
      const father: PersonPlan = { relation: '之父', sex: '男', age: Math.min(motherAge + rng.int(0, 5), 96), surname, ethnicity };
      if (both) plans.push(father, mother);
      else plans.push(rng.chance(0.7) ? mother : father);
      slots -= both ? 2 : 1;
    }
  }

  // now and then an unmarried brother or sister, or another relative, lives with the head
  if (slots > 0 && size >= 3 && rng.chance(0.05)) {
    const sibling = rng.chance(0.75);
    const sex: Sex = rng.chance(sibling ? 0.7 : 0.5) ? '男' : '女';
    plans.push({
      relation: sibling ? '之兄弟姐妹' : '其他',
      sex,
      age: sibling ? clamp(hAge + rng.int(-9, 9), 16, 95) : rng.int(8, 80),
      surname: sibling ? surname : rng.chance(0.5) ? surname : otherSurname(surname),
      ethnicity,
    });
    slots--;
  }

  // children: 20–40 years younger than the head, at least 18 younger than the spouse
  const childMax = Math.min(hAge - 20, spouse ? spouse.age - 18 : 200);
  const childMin = Math.max(0, hAge - 40, spouse ? spouse.age - 44 : 0);
  const sonGen = rng.chance(0.45) ? rng.pick(GENERATION_CHARS) : undefined;
  // a woman heading the household may have children named after their (late or absent) father
  const childrenSurname = headSex === '女' && !spouse && rng.chance(0.4) ? otherSurname(surname) : surname;
  const addChild = (age: number, sex: Sex): PersonPlan => {
    const child: PersonPlan = {
      relation: sex === '男' ? '之子' : '之女',
      sex,
      age,
      surname: childrenSurname,
      ethnicity: spouse && spouse.ethnicity !== ethnicity && rng.chance(0.3) ? spouse.ethnicity : ethnicity,
      ...(sex === '男' && sonGen ? { generationChar: sonGen } : {}),
    };
    plans.push(child);
    return child;
  };

  if (slots > 0 && childMax >= childMin) {
    if (slots >= 3 && childMax >= 24 && rng.chance(0.55)) {
      // three generations: a married son (or a daughter with a son-in-law living in, 上门女婿)
      const age = rng.int(Math.max(childMin, 22), childMax);
      const viaSon = rng.chance(0.88);
      const child = addChild(age, viaSon ? '男' : '女');
      const partnerAge = clamp(age + (viaSon ? -1 : 1) * Math.round(1.5 + rng.normal() * 2.5), 18, 99);
      const partner: PersonPlan = {
        relation: viaSon ? '之儿媳' : '之女婿',
        sex: viaSon ? '女' : '男',
        age: partnerAge,
        surname: otherSurname(surname),
        ethnicity: spouseEthnicity(),
      };
      plans.push(partner);
      slots -= 2;
      const youngerParent = Math.min(age, partnerAge);
      const gMax = Math.min(age - 20, partnerAge - 18, youngerParent - 18);
      const gMin = Math.max(0, youngerParent - 42);
      if (slots >= 2 && rng.chance(0.25)) {
        addChild(clamp(age + rng.int(-10, 8), childMin, childMax), rng.chance(0.5) ? '男' : '女');
        slots--;
      }
      const grandGen = rng.chance(0.4) ? rng.pick(GENERATION_CHARS) : undefined;
      const grandSurname = viaSon ? surname : rng.chance(0.6) ? surname : partner.surname;
      while (slots > 0 && gMax >= gMin) {
        const sex: Sex = rng.chance(0.52) ? '男' : '女';
        plans.push({
          relation: sex === '男' ? '之孙子' : '之孙女',
          sex,
          age: rng.int(gMin, gMax),
          surname: grandSurname,
          ethnicity: child.ethnicity,
          ...(sex === '男' && grandGen ? { generationChar: grandGen } : {}),
        });
        slots--;
      }
    }
    // siblings cluster within ~14 years of the first child
    const anchor = rng.int(childMin, childMax);
    while (slots > 0) {
      addChild(clamp(anchor + rng.int(-7, 7), childMin, childMax), rng.chance(0.52) ? '男' : '女');
      slots--;
    }
  }

  // nobody else fits: a brother or sister of the head, or another relative
  while (slots > 0) {
    const sibling = rng.chance(0.75);
    const sex: Sex = rng.chance(0.5) ? '男' : '女';
    plans.push({
      relation: sibling ? '之兄弟姐妹' : '其他',
      sex,
      age: sibling ? clamp(hAge + rng.int(-9, 9), 16, 95) : rng.int(10, 80),
      surname: sibling && sex === '男' ? surname : rng.chance(0.5) ? surname : otherSurname(surname),
      ethnicity,
    });
    slots--;
  }

  return plans
    .map((p, i) => ({ p, i }))
    .sort((a, b) => RELATION_ORDER[a.p.relation] - RELATION_ORDER[b.p.relation] || b.p.age - a.p.age || a.i - b.i)
    .map(({ p }) => p);
}

// ---------------------------------------------------------------------------------------------
// Member attributes that follow from age and health
// ---------------------------------------------------------------------------------------------

interface Schoolwork {
  education: Education;
  schooling: Schooling;
}

// 文化程度 of people out of school, by birth cohort (rural Guizhou: older cohorts rarely went past 小学)
const EDUCATION_BY_BIRTH_YEAR: readonly { before: number; table: Table<Education> }[] = [
  { before: 1950, table: { 文盲或半文盲: 55, 小学: 35, 初中: 8, 高中: 2 } },
  { before: 1965, table: { 文盲或半文盲: 33, 小学: 42, 初中: 18, 高中: 6, 中专: 1 } },
  { before: 1980, table: { 文盲或半文盲: 12, 小学: 40, 初中: 35, 高中: 9, 中专: 3, 大专及以上: 1 } },
  { before: 1995, table: { 文盲或半文盲: 4, 小学: 22, 初中: 50, 高中: 12, 中专: 8, 大专及以上: 4 } },
  { before: Number.POSITIVE_INFINITY, table: { 文盲或半文盲: 1, 小学: 8, 初中: 45, 高中: 18, 中专: 15, 大专及以上: 13 } },
];

function educationFor(rng: Rng, age: number, birthYear: number, sex: Sex): Schoolwork {
  if (age < 3) return { education: '学龄前儿童', schooling: '非在校生' };
  if (age <= 5) return { education: '学龄前儿童', schooling: rng.chance(0.9) ? '学前教育' : '非在校生' };
  if (age <= 11) return { education: '小学', schooling: '小学' };
  if (age <= 14) return { education: '初中', schooling: '初中' };
  if (age <= 17) {
    if (rng.chance(0.8)) {
      return rng.chance(0.6) ? { education: '高中', schooling: '高中' } : { education: '中专', schooling: '中职' };
    }
    return { education: '初中', schooling: '非在校生' };
  }
  if (age <= 22 && rng.chance(0.3)) {
    return {
      education: '大专及以上',
      schooling: rng.choose<Schooling>({ 高职: 3, 大专: 3, 本科及以上: 4 }),
    };
  }
  // finished schooling: attainment by birth cohort, lower for older women
  const cohort = EDUCATION_BY_BIRTH_YEAR.find((c) => birthYear < c.before);
  if (!cohort) throw new Error(`no education table for ${birthYear}`);
  let education = rng.choose(cohort.table);
  if (sex === '女' && birthYear < 1975 && education === '小学' && rng.chance(0.3)) education = '文盲或半文盲';
  return { education, schooling: '非在校生' };
}

function healthFor(rng: Rng, age: number): Health {
  if (age < 18) return rng.choose<Health>({ 健康: 96, 长期慢性病: 1, 患有大病: 1, 残疾: 2 });
  if (age < 60) return rng.choose<Health>({ 健康: 85, 长期慢性病: 7, 患有大病: 3, 残疾: 5 });
  return rng.choose<Health>({ 健康: 55, 长期慢性病: 30, 患有大病: 7, 残疾: 8 });
}

function laborFor(rng: Rng, age: number, health: Health, schooling: Schooling): LaborSkill {
  if (age < 16 || schooling !== '非在校生') return '无劳动力';
  if (age < 18) return health === '健康' ? '普通劳动力' : '弱劳动力或半劳动力'; // no skill certificate yet
  if (age >= 65) {
    if (health === '健康') return rng.chance(0.4) ? '弱劳动力或半劳动力' : '无劳动力';
    return rng.chance(0.5) ? '丧失劳动力' : '无劳动力';
  }
  switch (health) {
    case '健康':
      if (age >= 60) return rng.chance(0.5) ? '普通劳动力' : '弱劳动力或半劳动力';
      return rng.choose<LaborSkill>({ 普通劳动力: 65, 技能劳动力: 30, 弱劳动力或半劳动力: 5 });
    case '长期慢性病':
      return rng.chance(0.6) ? '弱劳动力或半劳动力' : '普通劳动力';
    case '患有大病':
      return rng.chance(0.4) ? '丧失劳动力' : '弱劳动力或半劳动力';
    case '残疾':
      return rng.choose<LaborSkill>({ 丧失劳动力: 40, 弱劳动力或半劳动力: 45, 普通劳动力: 15 });
  }
}

function workFor(rng: Rng, age: number, labor: LaborSkill): { status: WorkStatus; months: number } {
  const able = labor === '普通劳动力' || labor === '技能劳动力';
  const p = labor === '弱劳动力或半劳动力' ? 0.2 : !able ? 0 : age <= 55 ? 0.72 : 0.35;
  if (!rng.chance(p)) return { status: '未务工', months: 0 };
  const status = rng.choose<WorkStatus>({ 乡镇内务工: 20, 乡镇外县内务工: 15, 县外省内务工: 25, 省外务工: 40 });
  const months = status === '省外务工' || status === '县外省内务工' ? rng.int(6, 12) : rng.int(2, 11);
  return { status, months };
}

const MOBILE_PREFIXES = [
  ...'130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159'.split(' '),
  ...'166 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199'.split(' '),
];
const mobile = (rng: Rng): string => rng.pick(MOBILE_PREFIXES) + rng.digits(8);

// ---------------------------------------------------------------------------------------------
// Household classification
// ---------------------------------------------------------------------------------------------

interface Member extends PersonPlan {
  name: string;
  id: string;
  birth: Ymd;
  health: Health;
  education: Education;
  schooling: Schooling;
  labor: LaborSkill;
  work: WorkStatus;
  workMonths: number;
  medical: YesNo;
  pension: YesNo;
  phone: string;
  deceased: boolean;
}

const BASE_CAUSES: Table<MainCause> = {
  缺技术: 20,
  缺资金: 18,
  因病: 15,
  缺劳力: 10,
  因学: 8,
  因残: 8,
  交通条件落后: 6,
  自身发展动力不足: 5,
  缺土地: 4,
  因灾: 3,
  缺水: 3,
};

// 脱贫年度: most of 晴隆's registered households left poverty 2017–2019 (county exit 2019, all by 2020)
const EXIT_YEARS: Weighted<number> = [
  [2014, 6],
  [2015, 9],
  [2016, 14],
  [2017, 18],
  [2018, 21],
  [2019, 22],
  [2020, 10],
];

interface Classification {
  type: HouseholdType;
  status: HouseholdStatus;
  category: MonitoringCategory | '';
  cause: MainCause;
  exitYear: string;
  incomePerCapita: number;
}

function classify(rng: Rng, members: Member[]): Classification {
  const alive = members.filter((m) => !m.deceased);
  const able = alive.filter((m) => m.labor === '普通劳动力' || m.labor === '技能劳动力').length;
  const workers = alive.filter((m) => m.work !== '未务工').length;
  const sick = alive.some((m) => m.health === '长期慢性病' || m.health === '患有大病');
  const seriouslySick = alive.some((m) => m.health === '患有大病');
  const disabled = alive.some((m) => m.health === '残疾');
  const students = alive.some((m) => ['高中', '中职', '高职', '大专', '本科及以上'].includes(m.schooling));
  const allElderly = alive.every((m) => m.age >= 60);

  // 特困供养: people without labour, income or anyone obliged to support them — mostly elderly living alone
  let type: HouseholdType = '一般户';
  const tekunChance = able === 0 ? (alive.length === 1 ? (allElderly || disabled ? 0.55 : 0.2) : allElderly ? 0.12 : 0.03) : 0.008;
  if (rng.chance(tekunChance)) type = '特困供养户';
  else if (rng.chance(0.1 + (seriouslySick || disabled ? 0.13 : 0) + (able === 0 ? 0.12 : 0))) type = '低保户';

  const status = rng.choose<HouseholdStatus>({ 脱贫户: 86, 监测户: 11, 未脱贫户: 3 });
  const category: MonitoringCategory | '' =
    status === '监测户' ? rng.choose<MonitoringCategory>({ 脱贫不稳定户: 45, 边缘易致贫户: 40, 突发严重困难户: 15 }) : '';

  // the main cause follows what the household actually lives with
  const causes: Partial<Record<MainCause, number>> = { ...BASE_CAUSES };
  const bump = (cause: MainCause, w: number): void => {
    causes[cause] = (causes[cause] ?? 0) + w;
  };
  if (sick) bump('因病', seriouslySick ? 60 : 30);
  if (disabled) bump('因残', 40);
  if (students) bump('因学', 20);
  if (able === 0) bump('缺劳力', 30);
  if (status === '监测户') {
    bump('因意外事故', category === '突发严重困难户' ? 25 : 4);
    bump('因产业失败', 5);
    bump('因务工就业不稳', category === '突发严重困难户' ? 4 : 8);
    if (category === '突发严重困难户') {
      bump('因病', 30);
      bump('因灾', 15);
    }
  }
  const cause = rng.choose(causes);

  const exitYear = status === '脱贫户' ? String(rng.weighted(EXIT_YEARS)) : '';

  // per-capita net income: working members lift it; monitored households sit around the line
  const share = alive.length > 0 ? workers / alive.length : 0;
  let income: number;
  if (status === '脱贫户') {
    income = Math.exp(Math.log(11_000) + 0.35 * rng.normal()) * (0.8 + 0.6 * share);
    // out-of-range draws are redrawn inside the range rather than piled up on its edges
    if (income < 7_500) income = 7_500 + 2_500 * rng.float();
    if (income > 25_000) income = 20_000 + 5_000 * rng.float();
  } else if (status === '监测户') {
    const [lo, hi] = category === '边缘易致贫户' ? [5_500, 8_500] : category === '脱贫不稳定户' ? [6_000, 9_500] : [5_000, 12_000];
    income = lo + (hi - lo) * rng.float();
  } else {
    income = 5_000 + 2_000 * rng.float();
  }
  return { type, status, category, cause, exitYear, incomePerCapita: Math.round(income) };
}

// ---------------------------------------------------------------------------------------------
// Villages: weights (some villages bigger) and group centres — geography, so independent of seed
// ---------------------------------------------------------------------------------------------

interface VillagePlan {
  village: VillageInput;
  groups: { name: string; lon: number; lat: number }[];
  dominantEthnicity: string;
}

function planVillages(villages: VillageInput[], seed: number): { plans: VillagePlan[]; cumulative: number[] } {
  const plans: VillagePlan[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const v of villages) {
    if (!/^\d{12}$/.test(v.code)) throw new Error(`village code must be 12 digits: ${v.code}`);
    const r = new Rng(hash32('village', v.code));
    const weight = 0.4 + 3 * r.float() ** 2;
    const groupCount = r.int(4, 12);
    const groups = [];
    for (let g = 1; g <= groupCount; g++) {
      groups.push({ name: `${g}组`, lon: v.lon + (r.float() - 0.5) * 0.024, lat: v.lat + (r.float() - 0.5) * 0.02 });
    }
    total += weight;
    cumulative.push(total);
    plans.push({ village: v, groups, dominantEthnicity: '汉族' });
  }
  assignDominantEthnicities(plans, cumulative, seed);
  return { plans, cumulative };
}

/**
 * Villages lean towards one people. Dominant groups are dealt out in proportion to village size
 * (villages in seeded order, each taking the group whose share band holds its midpoint), so the
 * county-wide mix stays near ETHNICITIES' weights even with only ~100 villages.
 */
function assignDominantEthnicities(plans: VillagePlan[], cumulative: number[], seed: number): void {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const shareTotal = ETHNICITIES.reduce((sum, [, w]) => sum + w, 0);
  const order = plans
    .map((plan, i) => ({
      plan,
      weight: (cumulative[i] ?? 0) - (cumulative[i - 1] ?? 0),
      key: hash32(seed, 'ethnicity', plan.village.code),
    }))
    .sort((a, b) => a.key - b.key || a.plan.village.code.localeCompare(b.plan.village.code));
  let walked = 0;
  for (const { plan, weight } of order) {
    const mid = ((walked + weight / 2) / total) * shareTotal;
    walked += weight;
    let band = 0;
    for (const [ethnicity, w] of ETHNICITIES) {
      band += w;
      plan.dominantEthnicity = ethnicity;
      if (mid < band) break;
    }
  }
}

function pickVillage(rng: Rng, plans: VillagePlan[], cumulative: number[]): VillagePlan {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const r = rng.float() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 0) > r) hi = mid;
    else lo = mid + 1;
  }
  const plan = plans[lo];
  if (!plan) throw new Error('no villages');
  return plan;
}

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
    yield members.map(
      (m): RegistryRow => ({
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
      }),
    );
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

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** Quotes a CSV field only when it has to (comma, quote, line break, or edge spaces). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const CSV_EOL = '\r\n'; // as the national system's exports (and the contract samples) write it
const FLUSH_AT = 256 * 1024; // characters per write

/**
 * Streams the registry as UTF-8 CSV with BOM to `out`, waiting for 'drain' whenever the stream
 * asks to. Does not end `out` (it may be stdout); resolves once the last chunk is flushed, and
 * rejects on the first write error.
 */
export async function writeRegistryCsv(
  opts: GenerateOptions,
  out: NodeJS.WritableStream,
): Promise<{ households: number; members: number }> {
  const sink = new ChunkWriter(out);
  try {
    let households = 0;
    let members = 0;
    let buffer = `\uFEFF${REGISTRY_HEADERS.join(',')}${CSV_EOL}`;
    for (const rows of generateHouseholds(opts)) {
      households++;
      for (const row of rows) {
        members++;
        buffer += REGISTRY_HEADERS.map((h) => csvField(row[h])).join(',') + CSV_EOL;
      }
      if (buffer.length >= FLUSH_AT) {
        await sink.write(buffer, false);
        buffer = '';
      }
    }
    await sink.write(buffer, true);
    return { households, members };
  } finally {
    sink.release();
  }
}

/**
 * Writes with backpressure. Listens for 'error' for as long as it is in use, so a stream that
 * fails between writes (EPIPE on stdout, a full disk) rejects the next write instead of crashing
 * the process or leaving it waiting for a 'drain' that never comes.
 */
class ChunkWriter {
  private failure: Error | undefined;
  private pending: ((err: Error) => void) | undefined;
  private readonly onError = (err: Error): void => {
    this.failure ??= err;
    this.pending?.(err);
  };

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', this.onError);
  }

  release(): void {
    this.out.removeListener('error', this.onError);
  }

  write(chunk: string, waitForFlush: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      const { out } = this;
      let flushed = false;
      let drained = false;
      const done = (err?: Error): void => {
        out.removeListener('drain', onDrain);
        this.pending = undefined;
        if (err) reject(err);
        else resolve();
      };
      const settle = (): void => {
        if (drained && (flushed || !waitForFlush)) done();
      };
      const onDrain = (): void => {
        drained = true;
        settle();
      };
      this.pending = done;
      drained = out.write(chunk, 'utf8', (err) => {
        if (err) this.onError(err);
        else {
          flushed = true;
          settle();
        }
      });
      if (!drained) out.on('drain', onDrain);
      settle();
    });
  }
}
