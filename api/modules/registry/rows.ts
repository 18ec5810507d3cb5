// Registry rows (docs/data-formats.md §1, one row per person): the columns with their aliases, the
// normalisation of one row into typed values (or the reasons it cannot be), and the checks that
// span rows of the same file (one 户主, consistent household fields, duplicates). Pure: no SQL,
// no I/O — the importer (import.ts) feeds it rows and stages what it returns.
import type { MessageKey } from '../../http/messages.ts';
import { foldIdNumber, parseIdNumber } from '../../shared/id-number.ts';
import { nameInitials } from '../../shared/pinyin.ts';
import {
  EDUCATION_LEVELS,
  ETHNICITIES,
  HEAD_RELATION,
  HEALTH_STATUSES,
  HOUSEHOLD_STATUSES,
  HOUSEHOLD_TYPES,
  LABOR_SKILLS,
  MAIN_CAUSES,
  MONITORING_CATEGORIES,
  PERSON_STATUSES,
  type PersonStatus,
  RELATIONS,
  SCHOOLING_STATUSES,
  WORK_STATUSES,
} from '../households/code-lists.ts';
import type { ColumnSpec, HeaderMap } from '../imports/headers.ts';
import { normalizeName, parseAmountFen, parseDecimal, parseInteger, parseYesNo } from '../imports/normalize.ts';

export const REGISTRY_COLUMNS = [
  { key: 'householdNo', name: '户编号', aliases: ['户码'], required: true },
  { key: 'villageCode', name: '区划代码', aliases: ['村代码', '行政区划代码'], required: true },
  { key: 'groupName', name: '村民小组', aliases: ['组'] },
  { key: 'headName', name: '户主姓名', required: true },
  { key: 'name', name: '姓名', required: true },
  { key: 'idNumber', name: '证件号码', aliases: ['身份证号码', '公民身份号码', '身份证号'], required: true },
  { key: 'relation', name: '与户主关系', required: true },
  { key: 'sex', name: '性别' },
  { key: 'ethnicity', name: '民族' },
  { key: 'education', name: '文化程度' },
  { key: 'schooling', name: '在校生状况' },
  { key: 'health', name: '健康状况' },
  { key: 'laborSkill', name: '劳动技能' },
  { key: 'workStatus', name: '务工状况' },
  { key: 'workMonths', name: '务工时间（月）', aliases: ['务工时间'] },
  { key: 'medical', name: '是否参加基本医疗保险', aliases: ['参加城乡居民基本医疗保险'] },
  { key: 'pension', name: '是否参加基本养老保险', aliases: ['参加城乡居民基本养老保险'] },
  { key: 'householdType', name: '户类型', aliases: ['贫困户属性'], required: true },
  { key: 'status', name: '户状态', aliases: ['标识'], required: true },
  { key: 'monitoringCategory', name: '监测对象类别' },
  { key: 'mainCause', name: '主要致贫原因', aliases: ['主要风险类型'] },
  { key: 'exitYear', name: '脱贫年度' },
  { key: 'income', name: '年人均纯收入（元）', aliases: ['人均纯收入'] },
  { key: 'phone', name: '联系电话' },
  { key: 'lon', name: '经度' },
  { key: 'lat', name: '纬度' },
  { key: 'deceased', name: '是否死亡', aliases: ['人员状态'] },
] as const satisfies readonly ColumnSpec[];

export type ColumnKey = (typeof REGISTRY_COLUMNS)[number]['key'];
export const COLUMN_NAME = Object.fromEntries(REGISTRY_COLUMNS.map((c) => [c.key, c.name])) as Record<ColumnKey, string>;

/** 主要致贫原因 / 主要风险类型: the card's own list (code-lists.ts), so an imported card can be saved as it is. */
export { MAIN_CAUSES };

/** Household fields that every row of a household repeats and that must agree. */
export const HOUSEHOLD_CONSISTENT: readonly ColumnKey[] = [
  'villageCode',
  'groupName',
  'headName',
  'householdType',
  'status',
  'monitoringCategory',
  'income',
  'lon',
  'lat',
];

export interface RowProblem {
  /** The column's name in docs/data-formats.md ('' for the whole row). */
  column: string;
  key: MessageKey;
  params?: Record<string, string | number>;
  severity: 'error' | 'warning';
}

export interface ReportEntry extends RowProblem {
  /** Row number as the user sees it (header = 1); 0 for the file as a whole. */
  rowNo: number;
}

/** One person's row, normalised. Household fields are repeated on every row (as in the file). */
export interface StagedRow {
  rowNo: number;
  householdNo: string;
  countyCode: string;
  villageCode: string;
  groupName: string | null;
  headName: string;
  householdType: string;
  status: string;
  monitoringCategory: string | null;
  mainCause: string | null;
  exitYear: number | null;
  /** 年人均纯收入 in yuan with 2 decimals ('20206.00'), as numeric(12,2) stores it. */
  income: string | null;
  lon: number | null;
  lat: number | null;
  name: string;
  nameInitials: string;
  idNumber: string;
  sex: '男' | '女';
  birthDate: string;
  relation: string;
  ethnicity: string | null;
  education: string | null;
  schooling: string | null;
  health: string | null;
  laborSkill: string | null;
  workStatus: string | null;
  workMonths: number | null;
  medical: boolean | null;
  pension: boolean | null;
  phone: string | null;
  personStatus: PersonStatus;
}

const ETHNICITY_SET = new Set<string>(ETHNICITIES);

/** Problems of one row, collected while its cells are read (module-level helpers: no closures per row). */
class Cells {
  problems: RowProblem[] = [];
  constructor(readonly get: (k: ColumnKey) => string) {}
  err(key: ColumnKey, k: MessageKey, params?: Record<string, string | number>): null {
    this.problems.push(params ? { column: COLUMN_NAME[key], key: k, params, severity: 'error' } : { column: COLUMN_NAME[key], key: k, severity: 'error' });
    return null;
  }
  warn(key: ColumnKey, k: MessageKey, params?: Record<string, string | number>) {
    this.problems.push(params ? { column: COLUMN_NAME[key], key: k, params, severity: 'warning' } : { column: COLUMN_NAME[key], key: k, severity: 'warning' });
  }
  required(key: ColumnKey): string | null {
    return this.get(key) || this.err(key, 'registry.required');
  }
  oneOf(key: ColumnKey, list: readonly string[], isRequired = false): string | null {
    const v = this.get(key);
    if (!v) return isRequired ? this.err(key, 'registry.required') : null;
    return list.includes(v) ? v : this.err(key, 'registry.oneOf', { value: v.slice(0, 30), values: list.join('、') });
  }
  yesNo(key: ColumnKey): boolean | null {
    const v = this.get(key);
    if (!v) return null;
    return parseYesNo(v) ?? this.err(key, 'registry.yesNo');
  }
}

/** Reads, normalises and validates one row; problems are collected, never thrown. */
export function parseRow(get: (k: ColumnKey) => string, rowNo: number): { row: StagedRow | null; problems: RowProblem[] } {
  const c = new Cells(get);
  const problems = c.problems;

  // 户编号: spaces inside are dirt; letters/digits only after that.
  let householdNo = c.required('householdNo');
  if (householdNo) {
    householdNo = householdNo.replace(/[\s\u3000]/g, '');
    if (/^\d(\.\d+)?e\+?\d+$/i.test(householdNo) || !/^[0-9A-Za-z-]{1,40}$/.test(householdNo)) householdNo = c.err('householdNo', 'registry.householdNo');
  }
  let villageCode = c.required('villageCode');
  if (villageCode) {
    villageCode = villageCode.replace(/[\s\u3000]/g, '');
    if (!/^\d{12}$/.test(villageCode)) villageCode = c.err('villageCode', 'registry.villageCode');
  }
  const headNameRaw = c.required('headName');
  const nameRaw = c.required('name');

  // 证件号码: full-width digits, spaces, lowercase x and 15-digit numbers are dirt; a bad checksum is not.
  let idNumber: string | null = null;
  let sex: '男' | '女' | null = null;
  let birthDate: string | null = null;
  const idRaw = c.required('idNumber');
  if (idRaw) {
    if (/^\d(\.\d+)?e\+?\d+$/i.test(idRaw)) c.err('idNumber', 'registry.idScientific');
    else {
      const parsed = parseIdNumber(foldIdNumber(idRaw));
      if (!parsed.ok) c.err('idNumber', `idNumber.${parsed.problem}`);
      else {
        idNumber = parsed.value.id;
        sex = parsed.value.sex;
        birthDate = parsed.value.birthDate;
        if (parsed.value.upgraded) c.warn('idNumber', 'registry.idUpgraded');
      }
    }
  }
  const givenSex = get('sex');
  if (givenSex && givenSex !== '男' && givenSex !== '女') c.err('sex', 'registry.oneOf', { value: givenSex.slice(0, 30), values: '男、女' });
  else if (givenSex && sex && givenSex !== sex) c.warn('sex', 'registry.sexMismatch', { sex });

  const relation = c.oneOf('relation', RELATIONS, true);
  // 民族 written without 族 (汉, 布依) is common dirt.
  let ethnicity = get('ethnicity') || null;
  if (ethnicity && !ETHNICITY_SET.has(ethnicity)) {
    ethnicity = ETHNICITY_SET.has(`${ethnicity}族`)
      ? `${ethnicity}族`
      : c.err('ethnicity', 'registry.oneOf', { value: ethnicity.slice(0, 30), values: '汉族、布依族、苗族…（GB/T 3304）' });
  }
  const education = c.oneOf('education', EDUCATION_LEVELS);
  const schooling = c.oneOf('schooling', SCHOOLING_STATUSES);
  const health = c.oneOf('health', HEALTH_STATUSES);
  const laborSkill = c.oneOf('laborSkill', LABOR_SKILLS);
  const workStatus = c.oneOf('workStatus', WORK_STATUSES);
  let workMonths: number | null = null;
  const wm = get('workMonths').replace(/个?月$/, '');
  if (wm) {
    const n = parseInteger(wm);
    workMonths = n !== undefined && n >= 0 && n <= 12 ? n : c.err('workMonths', 'registry.workMonths');
  }
  const medical = c.yesNo('medical');
  const pension = c.yesNo('pension');
  const householdType = c.oneOf('householdType', HOUSEHOLD_TYPES, true);
  const status = c.oneOf('status', HOUSEHOLD_STATUSES, true);
  const monitoringCategory = c.oneOf('monitoringCategory', MONITORING_CATEGORIES);
  const mainCause = c.oneOf('mainCause', MAIN_CAUSES);
  let exitYear: number | null = null;
  const ey = get('exitYear').replace(/年$/, '');
  if (ey) {
    const n = parseInteger(ey);
    exitYear = n !== undefined && n >= 1980 && n <= 2100 ? n : c.err('exitYear', 'registry.year');
  }
  let income: string | null = null;
  const inc = get('income');
  if (inc) {
    const fen = parseAmountFen(inc);
    income = fen !== undefined && fen >= 0 && fen <= 1_000_000_000 ? (fen / 100).toFixed(2) : c.err('income', 'registry.amount');
  }
  let phone: string | null = null;
  const ph = get('phone');
  if (ph) {
    const digits = ph.replace(/[\s\u3000-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
    phone = /^1[3-9]\d{9}$/.test(digits) ? digits : c.err('phone', 'registry.phone');
  }
  const lonRaw = get('lon');
  const latRaw = get('lat');
  let lon: number | null = null;
  let lat: number | null = null;
  if (lonRaw) {
    const n = parseDecimal(lonRaw);
    lon = n !== undefined && n >= 73 && n <= 136 ? n : c.err('lon', 'registry.longitude');
  }
  if (latRaw) {
    const n = parseDecimal(latRaw);
    lat = n !== undefined && n >= 3 && n <= 54 ? n : c.err('lat', 'registry.latitude');
  }
  if (!!lonRaw !== !!latRaw) c.err(lonRaw ? 'lat' : 'lon', 'registry.coordinatePair');
  // 是否死亡 (是/否) or 人员状态 (the card's code list: 正常, 死亡, 迁出, 失踪).
  let personStatus: PersonStatus = '正常';
  const dead = get('deceased');
  if (dead) {
    if ((PERSON_STATUSES as readonly string[]).includes(dead)) personStatus = dead as PersonStatus;
    else {
      const yn = parseYesNo(dead);
      if (yn === undefined) c.err('deceased', 'registry.deceased', { values: PERSON_STATUSES.join('、') });
      else personStatus = yn ? '死亡' : '正常';
    }
  }

  if (problems.some((p) => p.severity === 'error')) return { row: null, problems };
  const name = normalizeName(nameRaw as string);
  return {
    row: {
      rowNo,
      householdNo: householdNo as string,
      countyCode: (villageCode as string).slice(0, 6),
      villageCode: villageCode as string,
      groupName: get('groupName') || null,
      headName: normalizeName(headNameRaw as string),
      householdType: householdType as string,
      status: status as string,
      monitoringCategory,
      mainCause,
      exitYear,
      income,
      lon,
      lat,
      name,
      nameInitials: nameInitials(name),
      idNumber: idNumber as string,
      sex: sex as '男' | '女',
      birthDate: birthDate as string,
      relation: relation as string,
      ethnicity,
      education,
      schooling,
      health,
      laborSkill,
      workStatus,
      workMonths,
      medical,
      pension,
      phone,
      personStatus,
    },
    problems,
  };
}

interface HouseholdState {
  firstRow: number;
  first: Partial<Record<ColumnKey, unknown>>;
  headRow: number | null;
  headName: string;
  /** ID number → row, for duplicate rows within the household. */
  ids: Map<string, number>;
  hadBadRow: boolean;
}

/**
 * The checks that need more than one row: exactly one 户主 per household, household fields equal
 * on all its rows, no duplicate person within a household; a person in two households of the file
 * is accepted (docs/data-formats.md §1: the national system holds such rows) with a warning.
 */
export class FileChecker {
  private readonly households = new Map<string, HouseholdState>();
  private readonly people = new Map<string, { householdNo: string; rowNo: number }>();
  private readonly consistent: ColumnKey[];

  constructor(map: HeaderMap<ColumnKey>) {
    this.consistent = HOUSEHOLD_CONSISTENT.filter((k) => map.index[k] !== undefined);
  }

  /** A row that failed its own validation: its household is not judged for a missing 户主. */
  noteBadRow(householdNo: string) {
    const h = this.households.get(householdNo);
    if (h) h.hadBadRow = true;
    else this.households.set(householdNo, { firstRow: 0, first: {}, headRow: null, headName: '', ids: new Map(), hadBadRow: true });
  }

  /** Returns the problems of this row in the context of the rows before it. */
  check(r: StagedRow): RowProblem[] {
    const out: RowProblem[] = [];
    let h = this.households.get(r.householdNo);
    if (!h || h.firstRow === 0) {
      const first: Partial<Record<ColumnKey, unknown>> = {};
      for (const k of this.consistent) first[k] = r[k as keyof StagedRow];
      h = { firstRow: r.rowNo, first, headRow: null, headName: r.headName, ids: new Map(), hadBadRow: h?.hadBadRow ?? false };
      this.households.set(r.householdNo, h);
    } else {
      for (const k of this.consistent) {
        if (h.first[k] !== r[k as keyof StagedRow]) {
          out.push({ column: COLUMN_NAME[k], key: 'registry.inconsistent', params: { column: COLUMN_NAME[k], row: h.firstRow }, severity: 'error' });
        }
      }
    }
    const dup = h.ids.get(r.idNumber);
    if (dup !== undefined) {
      out.push({ column: COLUMN_NAME.idNumber, key: 'registry.duplicateRow', params: { row: dup }, severity: 'error' });
      return out;
    }
    h.ids.set(r.idNumber, r.rowNo);
    if (r.relation === HEAD_RELATION) {
      if (h.headRow !== null) {
        out.push({ column: COLUMN_NAME.relation, key: 'registry.twoHeads', params: { household: r.householdNo, row: h.headRow }, severity: 'error' });
      } else {
        h.headRow = r.rowNo;
        if (r.name !== h.headName) out.push({ column: COLUMN_NAME.headName, key: 'registry.headNameMismatch', severity: 'warning' });
      }
    }
    const other = this.people.get(r.idNumber);
    if (other && other.householdNo !== r.householdNo) {
      out.push({
        column: COLUMN_NAME.idNumber,
        key: 'registry.personTwiceInFile',
        params: { household: other.householdNo, row: other.rowNo },
        severity: 'warning',
      });
    } else if (!other) this.people.set(r.idNumber, { householdNo: r.householdNo, rowNo: r.rowNo });
    return out;
  }

  /** After the last row: households without a 户主. */
  finish(): ReportEntry[] {
    const out: ReportEntry[] = [];
    for (const [no, h] of this.households) {
      if (h.headRow === null && !h.hadBadRow && h.firstRow > 0) {
        out.push({ rowNo: h.firstRow, column: COLUMN_NAME.relation, key: 'registry.noHead', params: { household: no }, severity: 'error' });
      }
    }
    return out;
  }

  get householdCount() {
    return this.households.size;
  }
}
