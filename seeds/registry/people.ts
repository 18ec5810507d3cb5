// The synthetic people of a household: names by people and birth year, who lives together
// (relations, sexes and ages that fit), and what follows from age and health (schooling, health,
// labour, work, phone).
import type { Relation as CodeRelation } from '../../api/shared/code-lists.ts';
import type { Education, Health, LaborSkill, Schooling, Sex, WorkStatus, YesNo } from './contract.ts';
import type { Ymd } from './id-numbers.ts';
import { clamp, type Rng, type Table, type Weighted } from './random.ts';

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
  汉族: surnameWeights('王8 李8 张7 刘5 陈5 杨5 罗5 黄4 周4 吴4 赵3 胡2 何2 邓2 谢2 徐2 朱2 唐2 田2 彭1 蒋1 潘1 郭1 曾1 余1 肖1 付1 高1 卢1 龙1 梁1 石1'),
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

export function givenName(rng: Rng, sex: Sex, birthYear: number, generationChar?: string): string {
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

export interface PersonPlan {
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

const RELATION_ORDER = {
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
} as const satisfies Partial<Record<CodeRelation, number>>;
/** The relations the generator makes (a subset of the code list's 与户主关系). */
export type Relation = keyof typeof RELATION_ORDER;

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
export function planHousehold(rng: Rng, ethnicity: string): PersonPlan[] {
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

export function educationFor(rng: Rng, age: number, birthYear: number, sex: Sex): Schoolwork {
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

export function healthFor(rng: Rng, age: number): Health {
  if (age < 18) return rng.choose<Health>({ 健康: 96, 长期慢性病: 1, 患有大病: 1, 残疾: 2 });
  if (age < 60) return rng.choose<Health>({ 健康: 85, 长期慢性病: 7, 患有大病: 3, 残疾: 5 });
  return rng.choose<Health>({ 健康: 55, 长期慢性病: 30, 患有大病: 7, 残疾: 8 });
}

export function laborFor(rng: Rng, age: number, health: Health, schooling: Schooling): LaborSkill {
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

export function workFor(rng: Rng, age: number, labor: LaborSkill): { status: WorkStatus; months: number } {
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
export const mobile = (rng: Rng): string => rng.pick(MOBILE_PREFIXES) + rng.digits(8);

/** A planned person with every registry attribute drawn (the generator's member before it becomes a row). */
export interface Member extends PersonPlan {
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
