// Code lists of the household card (一户一卡), exactly as the national collection forms write
// them (docs/domain/household-card.md). Stored verbatim; the web translates them for the
// English locale. Pure data, no imports: the server, the web (its selects and types) and the seeds
// import this file (api/shared: decision 0020).
// Never reorder or respell a value — imports and exports match on these strings.

// ── Household (户) ───────────────────────────────────────────────────────────────────────────
/** 户类型 */
export const HOUSEHOLD_TYPES = ['一般户', '低保户', '特困供养户'] as const;
export type HouseholdType = (typeof HOUSEHOLD_TYPES)[number];

/** 识别标准 */
export const IDENTIFICATION_STANDARDS = ['国家标准', '省定标准'] as const;
export type IdentificationStandard = (typeof IDENTIFICATION_STANDARDS)[number];

/** 户状态 (changed only through procedures) */
export const HOUSEHOLD_STATUSES = ['未脱贫户', '脱贫户', '监测户', '已消除风险'] as const;
export type HouseholdStatus = (typeof HOUSEHOLD_STATUSES)[number];

/** 监测对象类别 (changed only through procedures) */
export const MONITORING_CATEGORIES = ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'] as const;
export type MonitoringCategory = (typeof MONITORING_CATEGORIES)[number];

/** 主要致贫原因 (one) / 其他致贫原因 (several) */
export const POVERTY_CAUSES = ['因病', '因残', '因学', '因灾', '缺土地', '缺水', '缺技术', '缺劳力', '缺资金', '交通条件落后', '自身发展动力不足'] as const;
export type PovertyCause = (typeof POVERTY_CAUSES)[number];

/** 风险类型 of monitoring households (several) */
export const RISK_TYPES = [
  '因病',
  '因残',
  '因学',
  '因灾',
  '因意外事故',
  '因产业失败',
  '因务工就业不稳',
  '缺劳动力',
  '住房安全',
  '饮水安全',
  '义务教育保障',
  '基本医疗保障',
  '其他',
] as const;
export type RiskType = (typeof RISK_TYPES)[number];

/**
 * 主要致贫原因 (the registry column's alias: 主要风险类型): one value, a poverty cause or — for a
 * monitoring household — its main risk type. The registry import and the card's form accept
 * exactly this list (the import used to accept risk types the card then refused).
 */
export type MainCause = PovertyCause | RiskType;
/** The poverty causes, then the risk types that are not also causes (因意外事故 … 其他), in that order. */
export const MAIN_CAUSES: readonly MainCause[] = [...POVERTY_CAUSES, ...RISK_TYPES.filter((r) => !isIn(POVERTY_CAUSES, r))];

/**
 * Fields the code list grades as status (户状态, 监测对象类别, 风险类型): changed only by a
 * procedure on the card, or by a registry import (recorded as the national system's decision),
 * never by a plain edit.
 */
export const STATUS_GRADED_FIELDS = ['status', 'monitoringCategory', 'riskTypes'] as const;

/** Where a procedure (or a candidate registration) came from. 部门预警 names the finding that raised it. */
export const PROCEDURE_ORIGINS = ['农户申请', '干部走访', '部门预警'] as const;
export type ProcedureOrigin = (typeof PROCEDURE_ORIGINS)[number];

// ── Production and living conditions (生产生活条件), per year ───────────────────────────────────
/** 危房等级 */
export const DANGEROUS_HOUSE_GRADES = ['A', 'B', 'C', 'D'] as const;
export type DangerousHouseGrade = (typeof DANGEROUS_HOUSE_GRADES)[number];

/** 入户路类型 */
export const ROAD_TYPES = ['泥土路', '砂石路', '水泥路', '柏油路'] as const;
export type RoadType = (typeof ROAD_TYPES)[number];

/** 主要燃料类型 */
export const FUEL_TYPES = ['柴草', '煤炭', '电', '液化气', '沼气', '其他'] as const;
export type FuelType = (typeof FUEL_TYPES)[number];

// ── Member (家庭成员) ─────────────────────────────────────────────────────────────────────────
export const SEXES = ['男', '女'] as const;
export type Sex = (typeof SEXES)[number];

/** 与户主关系 (20 values) */
export const RELATIONS = [
  '户主',
  '配偶',
  '之子',
  '之女',
  '之儿媳',
  '之女婿',
  '之孙子',
  '之孙女',
  '之外孙子',
  '之外孙女',
  '之父',
  '之母',
  '之岳父',
  '之岳母',
  '之公公',
  '之婆婆',
  '之祖父',
  '之祖母',
  '之兄弟姐妹',
  '其他',
] as const;
export type Relation = (typeof RELATIONS)[number];
export const HEAD_RELATION = '户主' satisfies Relation;

/** 民族: the 56 recognised ethnic groups in GB/T 3304 order, plus 其他 (GB/T 3304 code 97, 未识别民族). */
export const ETHNICITIES = [
  '汉族',
  '蒙古族',
  '回族',
  '藏族',
  '维吾尔族',
  '苗族',
  '彝族',
  '壮族',
  '布依族',
  '朝鲜族',
  '满族',
  '侗族',
  '瑶族',
  '白族',
  '土家族',
  '哈尼族',
  '哈萨克族',
  '傣族',
  '黎族',
  '傈僳族',
  '佤族',
  '畲族',
  '高山族',
  '拉祜族',
  '水族',
  '东乡族',
  '纳西族',
  '景颇族',
  '柯尔克孜族',
  '土族',
  '达斡尔族',
  '仫佬族',
  '羌族',
  '布朗族',
  '撒拉族',
  '毛南族',
  '仡佬族',
  '锡伯族',
  '阿昌族',
  '普米族',
  '塔吉克族',
  '怒族',
  '乌孜别克族',
  '俄罗斯族',
  '鄂温克族',
  '德昂族',
  '保安族',
  '裕固族',
  '京族',
  '塔塔尔族',
  '独龙族',
  '鄂伦春族',
  '赫哲族',
  '门巴族',
  '珞巴族',
  '基诺族',
  '其他',
] as const;
export type Ethnicity = (typeof ETHNICITIES)[number];

/** 政治面貌 (GB/T 4762) */
export const POLITICAL_STATUSES = [
  '中共党员',
  '中共预备党员',
  '共青团员',
  '民革党员',
  '民盟盟员',
  '民建会员',
  '民进会员',
  '农工党党员',
  '致公党党员',
  '九三学社社员',
  '台盟盟员',
  '无党派人士',
  '群众',
] as const;
export type PoliticalStatus = (typeof POLITICAL_STATUSES)[number];

/** 文化程度 */
export const EDUCATION_LEVELS = ['文盲或半文盲', '小学', '初中', '高中', '中专', '大专及以上', '学龄前儿童'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

/** 在校生状况 */
export const SCHOOLING_STATUSES = ['非在校生', '学前教育', '小学', '初中', '高中', '中职', '高职', '大专', '本科及以上'] as const;
export type SchoolingStatus = (typeof SCHOOLING_STATUSES)[number];

/** 健康状况 */
export const HEALTH_STATUSES = ['健康', '长期慢性病', '患有大病', '残疾'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];
/** 健康状况 values that need 病种. */
export const HEALTH_WITH_DISEASE = ['长期慢性病', '患有大病'] as const satisfies readonly HealthStatus[];

/** 残疾类别 (第二次全国残疾人抽样调查 / 残疾人证) */
export const DISABILITY_CATEGORIES = ['视力残疾', '听力残疾', '言语残疾', '肢体残疾', '智力残疾', '精神残疾', '多重残疾'] as const;
export type DisabilityCategory = (typeof DISABILITY_CATEGORIES)[number];

/** 残疾等级 */
export const DISABILITY_GRADES = ['一级', '二级', '三级', '四级'] as const;
export type DisabilityGrade = (typeof DISABILITY_GRADES)[number];

/** 劳动技能 */
export const LABOR_SKILLS = ['普通劳动力', '技能劳动力', '弱劳动力或半劳动力', '丧失劳动力', '无劳动力'] as const;
export type LaborSkill = (typeof LABOR_SKILLS)[number];

/** 务工状况 */
export const WORK_STATUSES = ['未务工', '乡镇内务工', '乡镇外县内务工', '县外省内务工', '省外务工'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];

/** 人员状态 (the registry's 是否死亡 column also takes 是/否) */
export const PERSON_STATUSES = ['正常', '死亡', '迁出', '失踪'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];
/** A person in one of these states no longer belongs to the household (may join another one). */
export const PERSON_STATUSES_LEFT = ['死亡', '迁出'] as const satisfies readonly PersonStatus[];

// ── Assistance (帮扶) ─────────────────────────────────────────────────────────────────────────
/** 帮扶措施 types */
export const MEASURE_CATEGORIES = [
  '产业帮扶',
  '就业帮扶',
  '教育帮扶',
  '健康帮扶',
  '住房帮扶',
  '易地扶贫搬迁',
  '饮水安全',
  '金融帮扶',
  '兜底保障',
  '生态帮扶',
  '消费帮扶',
  '其他',
] as const;
export type MeasureCategory = (typeof MEASURE_CATEGORIES)[number];
/** Subtypes where the national form has them; a category with none takes no subtype. */
export const MEASURE_SUBTYPES = {
  产业帮扶: ['种植', '养殖', '入股分红'],
  就业帮扶: ['外出务工', '公益性岗位', '技能培训'],
  教育帮扶: ['雨露计划', '学生资助'],
  健康帮扶: ['家庭医生签约', '大病救治', '医疗救助'],
  住房帮扶: ['危房改造'],
  易地扶贫搬迁: [],
  饮水安全: [],
  金融帮扶: ['扶贫小额信贷'],
  兜底保障: ['低保', '特困供养', '临时救助'],
  生态帮扶: ['生态护林员'],
  消费帮扶: [],
  其他: [],
} as const satisfies Record<MeasureCategory, readonly string[]>;
export type MeasureSubtype = (typeof MEASURE_SUBTYPES)[MeasureCategory][number];

// ── Photos ──────────────────────────────────────────────────────────────────────────────────
/** What a photo shows. 人员/证件/走访/其他 may show people (红: personal data); 住房/产业 do not. */
export const PHOTO_KINDS = ['人员', '证件', '走访', '住房', '产业', '其他'] as const;
export type PhotoKind = (typeof PHOTO_KINDS)[number];
export const NON_PERSONAL_PHOTO_KINDS = ['住房', '产业'] as const satisfies readonly PhotoKind[];
export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoContentType = (typeof PHOTO_CONTENT_TYPES)[number];

/** Whether a code-list array holds a value (narrows to the list's union). */
export function isIn<const T extends readonly string[]>(list: T, v: unknown): v is T[number] {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}
