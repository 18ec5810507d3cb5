// The registry export's format (docs/data-formats.md §1): the CSV headers in the order of
// samples/registry.csv plus 村民小组; the code lists' exact strings come from api/shared.

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

// The coded values are the card's code lists (api/shared/code-lists.ts); the generator draws from subsets of them.
export type {
  EducationLevel as Education,
  HealthStatus as Health,
  HouseholdStatus,
  HouseholdType,
  LaborSkill,
  MainCause,
  MonitoringCategory,
  SchoolingStatus as Schooling,
  Sex,
  WorkStatus,
} from '../../api/shared/code-lists.ts';
export const YES_NO = ['是', '否'] as const;
export type YesNo = (typeof YES_NO)[number];
