// A household's classification in the synthetic registry: 户类型, 户状态, 监测对象类别, the main
// cause, 脱贫年度 and the per-capita income, following what its members live with.
import type { HouseholdStatus, HouseholdType, MainCause, MonitoringCategory } from './contract.ts';
import type { Member } from './people.ts';
import type { Rng, Table, Weighted } from './random.ts';

// ---------------------------------------------------------------------------------------------
// Household classification
// ---------------------------------------------------------------------------------------------

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

export function classify(rng: Rng, members: Member[]): Classification {
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
