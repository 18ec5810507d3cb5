// The ten department sources of docs/data-formats.md §2: columns with aliases, value lists, and how each row
// becomes a typed row of its ds_<source> table. Source codes are stable interfaces (--source CODE).
import type { ColumnSpec } from '../imports/headers.ts';
import { cleanCell, normalizeName, parseAmountFen, parseDate, parseDecimal, parseInteger, parseYearMonth } from '../imports/normalize.ts';

export const SOURCE_CODES = [
  'civil_assistance',
  'disability',
  'medical_claims',
  'subsidy_payments',
  'household_events',
  'vehicles',
  'businesses',
  'property',
  'public_payroll',
  'students',
] as const;
export type SourceCode = (typeof SOURCE_CODES)[number];
export const isSourceCode = (s: string): s is SourceCode => (SOURCE_CODES as readonly string[]).includes(s);

export const ID_ALIASES = ['身份证号', '身份证号码', '公民身份号码', '证件号码', '身份证'] as const;

export type CellProblem = { column: string; reason: 'required' | 'date' | 'month' | 'amount' | 'number' | 'oneOf'; allowed?: readonly string[] };
type Value = string | number | null;

/** Reads one typed column of a row, recording a problem instead of throwing. */
export class RowReader {
  problems: CellProblem[] = [];
  constructor(
    private readonly get: (key: string) => string,
    private readonly names: Record<string, string>,
  ) {}
  private fail(key: string, reason: CellProblem['reason'], allowed?: readonly string[]) {
    this.problems.push({ column: this.names[key] ?? key, reason, ...(allowed ? { allowed } : {}) });
    return null;
  }
  text(key: string, required = false): string | null {
    const v = this.get(key);
    if (!v) return required ? this.fail(key, 'required') : null;
    return v;
  }
  name(key: string): string | null {
    const v = this.get(key);
    return v ? normalizeName(v) : null;
  }
  oneOf(key: string, allowed: readonly string[], required = true): string | null {
    const v = this.get(key);
    if (!v) return required ? this.fail(key, 'required') : null;
    return allowed.includes(v) ? v : this.fail(key, 'oneOf', allowed);
  }
  date(key: string, required = false): string | null {
    const raw = this.get(key);
    if (!raw) return required ? this.fail(key, 'required') : null;
    return parseDate(raw) ?? this.fail(key, 'date');
  }
  month(key: string, required = false): string | null {
    const raw = this.get(key);
    if (!raw) return required ? this.fail(key, 'required') : null;
    return parseYearMonth(raw) ?? this.fail(key, 'month');
  }
  fen(key: string, required = false): number | null {
    const raw = this.get(key);
    if (!raw) return required ? this.fail(key, 'required') : null;
    return parseAmountFen(raw) ?? this.fail(key, 'amount');
  }
  decimal(key: string): number | null {
    const raw = this.get(key);
    if (!raw) return null;
    return parseDecimal(raw) ?? this.fail(key, 'number');
  }
  integer(key: string): number | null {
    const raw = this.get(key);
    if (!raw) return null;
    return parseInteger(raw) ?? this.fail(key, 'number');
  }
}

export interface SourceSpec {
  code: SourceCode;
  label: string;
  /** Columns besides 姓名 and 身份证号 (those are common). */
  columns: ColumnSpec[];
  /** The name column's name and aliases (docs/data-formats.md §2). */
  nameColumn: ColumnSpec;
  /** ds_<code> columns after the common ones, in order. */
  tableColumns: string[];
  toRow(r: RowReader): Value[];
}

const col = (key: string, name: string, aliases: string[] = [], required = true): ColumnSpec => ({ key, name, aliases, required });

export const SOURCES: Record<SourceCode, SourceSpec> = {
  civil_assistance: {
    code: 'civil_assistance',
    label: '民政·低保特困',
    nameColumn: col('name', '姓名'),
    columns: [
      col('area', '区划代码', ['所属区划']),
      col('type', '救助类型'),
      col('people', '保障人数', [], false),
      col('monthly', '月保障金额', [], false),
      col('start', '起始年月', [], false),
      col('status', '状态'),
      col('stop', '停保日期', [], false),
    ],
    tableColumns: ['area_code', 'assistance_type', 'covered_people', 'monthly_amount', 'start_month', 'status', 'stop_date'],
    toRow: (r) => [
      r.text('area', true),
      r.oneOf('type', ['农村低保', '城市低保', '特困供养']),
      r.integer('people'),
      r.fen('monthly'),
      r.month('start'),
      r.oneOf('status', ['在保', '停保']),
      r.date('stop'),
    ],
  },
  disability: {
    code: 'disability',
    label: '残联·残疾人证',
    nameColumn: col('name', '姓名'),
    columns: [col('category', '残疾类别'), col('grade', '残疾等级'), col('issued', '发证日期', [], false)],
    tableColumns: ['category', 'grade', 'issued_on'],
    toRow: (r) => [
      r.oneOf('category', ['视力', '听力', '言语', '肢体', '智力', '精神', '多重']),
      r.oneOf('grade', ['一级', '二级', '三级', '四级']),
      r.date('issued'),
    ],
  },
  medical_claims: {
    code: 'medical_claims',
    label: '医保·就医结算',
    nameColumn: col('name', '姓名'),
    columns: [
      col('institution', '就诊机构', [], false),
      col('admitted', '入院日期', [], false),
      col('discharged', '出院日期'),
      col('total', '总费用', [], false),
      col('reimbursed', '医保报销', [], false),
      col('selfPaid', '个人自付', ['自付金额']),
    ],
    tableColumns: ['institution', 'admitted_on', 'discharged_on', 'total_cost', 'reimbursed', 'self_paid'],
    toRow: (r) => [r.text('institution'), r.date('admitted'), r.date('discharged', true), r.fen('total'), r.fen('reimbursed'), r.fen('selfPaid', true)],
  },
  subsidy_payments: {
    code: 'subsidy_payments',
    label: '财政·一折通补贴发放',
    nameColumn: col('name', '姓名'),
    columns: [col('account', '银行账号', ['账号', '一折通账号']), col('item', '补贴项目', [], false), col('amount', '金额'), col('paid', '发放日期')],
    tableColumns: ['bank_account', 'item', 'amount', 'paid_on'],
    toRow: (r) => [r.text('account', true)?.replace(/[\s-]/g, '') ?? null, r.text('item'), r.fen('amount', true), r.date('paid', true)],
  },
  household_events: {
    code: 'household_events',
    label: '公安·户籍变动',
    nameColumn: col('name', '姓名'),
    columns: [col('type', '事件类型'), col('date', '事件日期'), col('destination', '迁往地区', [], false)],
    tableColumns: ['event_type', 'event_date', 'destination'],
    toRow: (r) => [r.oneOf('type', ['死亡', '迁出', '迁入', '出生']), r.date('date', true), r.text('destination')],
  },
  vehicles: {
    code: 'vehicles',
    label: '公安交管·机动车登记',
    nameColumn: col('name', '所有人', ['姓名']),
    columns: [col('plate', '号牌号码'), col('type', '车辆类型'), col('registered', '初次登记日期', [], false), col('status', '状态')],
    tableColumns: ['plate', 'vehicle_type', 'registered_on', 'status'],
    toRow: (r) => [
      r.text('plate', true),
      r.oneOf('type', ['小型轿车', '小型普通客车', '中型客车', '轻型货车', '重型货车', '三轮汽车', '低速货车', '摩托车', '拖拉机']),
      r.date('registered'),
      r.oneOf('status', ['正常', '注销']),
    ],
  },
  businesses: {
    code: 'businesses',
    label: '市场监管·企业登记',
    nameColumn: col('name', '法定代表人', ['姓名']),
    columns: [
      col('enterprise', '企业名称'),
      col('type', '企业类型'),
      col('capital', '注册资本（万元）', ['注册资本(万元)', '注册资本'], false),
      col('founded', '成立日期', [], false),
      col('status', '登记状态'),
    ],
    tableColumns: ['enterprise', 'enterprise_type', 'capital_wan', 'founded_on', 'reg_status'],
    toRow: (r) => [
      r.text('enterprise', true),
      r.oneOf('type', ['有限责任公司', '个人独资企业', '个体工商户', '农民专业合作社']),
      r.decimal('capital'),
      r.date('founded'),
      r.oneOf('status', ['存续', '在业', '注销', '吊销']),
    ],
  },
  property: {
    code: 'property',
    label: '不动产登记',
    nameColumn: col('name', '权利人', ['姓名']),
    columns: [col('location', '坐落', [], false), col('area', '建筑面积', [], false), col('type', '房屋性质'), col('registered', '登记日期', [], false)],
    tableColumns: ['location', 'floor_area', 'property_type', 'registered_on'],
    toRow: (r) => [r.text('location'), r.decimal('area'), r.oneOf('type', ['商品房', '自建房', '安置房', '经济适用房']), r.date('registered')],
  },
  public_payroll: {
    code: 'public_payroll',
    label: '人社编办·财政供养人员',
    nameColumn: col('name', '姓名'),
    columns: [col('employer', '工作单位'), col('category', '人员类别'), col('hired', '入职日期', [], false)],
    tableColumns: ['employer', 'category', 'hired_on'],
    toRow: (r) => [r.text('employer', true), r.oneOf('category', ['公务员', '参公', '事业编制']), r.date('hired')],
  },
  students: {
    code: 'students',
    label: '教育·学籍',
    nameColumn: col('name', '姓名'),
    columns: [col('school', '学校名称'), col('stage', '学段'), col('grade', '年级', [], false), col('status', '学籍状态')],
    tableColumns: ['school', 'stage', 'grade', 'enrol_status'],
    toRow: (r) => [
      r.text('school', true),
      r.oneOf('stage', ['学前', '小学', '初中', '高中', '中职', '高职', '大专', '本科']),
      r.text('grade'),
      r.oneOf('status', ['在读', '休学', '毕业']),
    ],
  },
};

export const ID_COLUMN: ColumnSpec = { key: 'id', name: '身份证号', aliases: [...ID_ALIASES], required: true };

export { cleanCell };
