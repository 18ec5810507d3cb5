// Excel export of a filtered household list: the same filter as GET /api/households (the list
// query is the households module's own listHouseholds, so both always agree), streamed with
// exceljs's streaming writer page by page — one sheet of households, one of their members.
// Headers in zh-CN, code-list values as the official Chinese strings, yes/no answers as 是 / 否 /
// 未填 (never an unanswered question written as 否), personal data masked by role, text cells
// formula-neutralised. 家庭人口 is the household's current members; the 收入年度's own 家庭人口
// (the divisor of 年人均纯收入) stands beside that year's income.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Ctx } from '../../context.ts';
import { safeCellValue } from '../../shared/spreadsheet.ts';
import { type ListInput, listHouseholds } from '../households/households.ts';
import type { Masker } from '../auth/personal-data.ts';
import { GUARANTEES } from './mingbai-card.ts';
import { type HouseholdRow, loadHouseholds, loadMemberDetails, type MemberDetailRow } from './queries.ts';

/** The list filter without its paging (the export takes every matching row). */
export type ExportFilter = Omit<ListInput, 'page' | 'pageSize' | 'limit' | 'offset'>;

const PAGE = 1000;

/** 是 / 否 / 未填: three answers, as the card has them. */
export const yesNo = (v: boolean | null | undefined) => (v == null ? '未填' : v ? '是' : '否');
const yuan = (fen: number | null | undefined) => (fen == null ? null : Number(fen) / 100);

interface Column<R = HouseholdRow> {
  header: string;
  width: number;
  value: (h: R, mask: Masker) => string | number | null;
  numFmt?: string;
}

export const COLUMNS: Column[] = [
  { header: '户编号', width: 20, value: (h) => h.household_no },
  { header: '县（市、区）', width: 10, value: (h) => h.county_name },
  { header: '乡（镇）', width: 10, value: (h) => h.township_name },
  { header: '行政村', width: 12, value: (h) => h.village_name },
  { header: '区划代码', width: 14, value: (h) => h.village_code },
  { header: '村民小组', width: 10, value: (h) => h.group_name },
  { header: '户主姓名', width: 10, value: (h) => h.head_name },
  { header: '户主证件号码', width: 21, value: (h, m) => m.idNumber(h.head_id_number) },
  { header: '联系电话', width: 14, value: (h, m) => m.phone(h.phone) },
  { header: '家庭住址', width: 24, value: (h) => h.address },
  { header: '家庭人口', width: 8, value: (h) => Number(h.member_count ?? 0) },
  { header: '户类型', width: 10, value: (h) => h.household_type },
  { header: '识别标准', width: 10, value: (h) => h.identification_standard },
  { header: '户状态', width: 10, value: (h) => h.status },
  { header: '在册状态', width: 10, value: (h) => h.registry_state },
  { header: '监测对象类别', width: 14, value: (h) => h.monitoring_category },
  { header: '识别年度', width: 8, value: (h) => h.identified_year },
  { header: '脱贫年度', width: 8, value: (h) => h.exit_year },
  { header: '主要致贫原因', width: 12, value: (h) => h.main_cause },
  { header: '其他致贫原因', width: 16, value: (h) => (h.other_causes ?? []).join('、') || null },
  { header: '风险类型', width: 16, value: (h) => (h.risk_types ?? []).join('、') || null },
  { header: '是否军烈属', width: 10, value: (h) => yesNo(h.is_military_family) },
  { header: '是否易地扶贫搬迁户', width: 12, value: (h) => yesNo(h.is_relocated) },
  { header: '收入年度', width: 8, value: (h) => (h.year == null ? null : Number(h.year)) },
  { header: '收入年度家庭人口', width: 10, value: (h) => (h.year == null ? null : Number(h.household_size)) },
  { header: '年人均纯收入（元）', width: 14, value: (h) => (h.year == null ? null : yuan(h.per_capita_income)), numFmt: '#,##0.00' },
  // Guarantees belong to a 收入年度: empty when the household has no yearly record at all.
  ...GUARANTEES.map(([k, label]) => ({
    header: label,
    width: 10,
    value: (h: HouseholdRow) => (h.year == null ? null : yesNo(h[`${k}_secure`])),
  })),
];

/** The member sheet (家庭成员): every member of the exported households, one row each. */
export const MEMBER_COLUMNS: Column<MemberDetailRow>[] = [
  { header: '户编号', width: 20, value: (m) => m.household_no },
  { header: '姓名', width: 10, value: (m) => m.name },
  { header: '证件号码', width: 21, value: (m, k) => k.idNumber(m.id_number) },
  { header: '与户主关系', width: 10, value: (m) => m.relation },
  { header: '性别', width: 6, value: (m) => m.sex },
  { header: '出生日期', width: 12, value: (m) => m.birth_date },
  { header: '民族', width: 8, value: (m) => m.ethnicity },
  { header: '政治面貌', width: 10, value: (m) => m.political_status },
  { header: '文化程度', width: 12, value: (m) => m.education },
  { header: '在校生状况', width: 10, value: (m) => m.schooling },
  { header: '健康状况', width: 10, value: (m, k) => k.health(m.health) },
  { header: '残疾类别', width: 10, value: (m, k) => k.health(m.disability_category) },
  { header: '残疾等级', width: 8, value: (m, k) => k.health(m.disability_grade) },
  { header: '病种', width: 12, value: (m, k) => k.health(m.disease) },
  { header: '劳动技能', width: 14, value: (m) => m.labor_skill },
  { header: '务工状况', width: 14, value: (m) => m.work_status },
  { header: '务工时间（月）', width: 8, value: (m) => m.work_months },
  { header: '务工地点', width: 14, value: (m) => m.work_place },
  { header: '参加城乡居民基本医疗保险', width: 10, value: (m) => yesNo(m.has_medical_insurance) },
  { header: '参加大病保险', width: 10, value: (m) => yesNo(m.has_serious_illness_insurance) },
  { header: '参加城乡居民基本养老保险', width: 10, value: (m) => yesNo(m.has_pension_insurance) },
  { header: '享受低保', width: 8, value: (m) => yesNo(m.enjoys_dibao) },
  { header: '享受特困供养', width: 8, value: (m) => yesNo(m.enjoys_tekun) },
  { header: '是否现役军人', width: 8, value: (m) => yesNo(m.is_active_military) },
  { header: '联系电话', width: 14, value: (m, k) => k.phone(m.phone) },
  { header: '人员状态', width: 8, value: (m) => m.person_status },
  { header: '状态变更日期', width: 12, value: (m) => m.status_date },
];

export interface XlsxExport {
  /** Rows the export holds (counted before the first byte is written; recorded in the audit entry). */
  total: number;
  stream: PassThrough;
}

/** Counts the rows, then streams the workbook while the caller sends it. */
export async function exportHouseholdsXlsx(
  ctx: Ctx,
  filter: ExportFilter,
  mask: Masker,
  about: { exportedBy: string; exportedAt: string; filterText: string; masked: boolean },
  beforeWrite: (total: number) => Promise<void>,
): Promise<XlsxExport> {
  const { db, scope } = ctx;
  const first = await listHouseholds(ctx, { ...filter, pageSize: PAGE, page: 1 });
  await beforeWrite(first.total);
  const stream = new PassThrough();
  const write = async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
    wb.creator = 'Dripline (滴灌)';
    const ws = wb.addWorksheet('户信息', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = COLUMNS.map((c, i) => ({ key: String(i), width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
    const header = ws.addRow(COLUMNS.map((c) => c.header));
    header.font = { bold: true };
    header.commit();
    let page = first;
    let n = 1;
    const pages: string[][] = [];
    for (;;) {
      const ids = page.items.map((i) => i.id);
      pages.push(ids);
      const rows = await loadHouseholds(db, scope, ids);
      for (const h of rows) ws.addRow(COLUMNS.map((c) => safeCellValue(c.value(h, mask)))).commit();
      if (stream.writableNeedDrain) await once(stream, 'drain');
      if (page.items.length < PAGE || n * PAGE >= first.total) break;
      page = await listHouseholds(ctx, { ...filter, pageSize: PAGE, page: ++n });
    }
    ws.commit();
    // A second sheet after the first is committed: the streaming writer keeps one sheet open at a time.
    const ms = wb.addWorksheet('家庭成员', { views: [{ state: 'frozen', ySplit: 1 }] });
    ms.columns = MEMBER_COLUMNS.map((c, i) => ({ key: String(i), width: c.width }));
    const mHeader = ms.addRow(MEMBER_COLUMNS.map((c) => c.header));
    mHeader.font = { bold: true };
    mHeader.commit();
    for (const ids of pages) {
      const order = new Map(ids.map((id, i) => [id, i]));
      const members = (await loadMemberDetails(db, ids)).sort((a, b) => (order.get(a.household_id) ?? 0) - (order.get(b.household_id) ?? 0));
      for (const m of members) ms.addRow(MEMBER_COLUMNS.map((c) => safeCellValue(c.value(m, mask)))).commit();
      if (stream.writableNeedDrain) await once(stream, 'drain');
    }
    ms.commit();
    // What was exported, by whom, under which masking: the sheet travels without its audit entry.
    const info = wb.addWorksheet('导出说明');
    info.columns = [{ width: 14 }, { width: 60 }];
    for (const [k, v] of [
      ['导出时间', about.exportedAt],
      ['导出人', about.exportedBy],
      ['筛选条件', about.filterText],
      ['行数', String(first.total)],
      ['个人信息', about.masked ? '证件号码、电话已隐藏' : '含未隐藏的证件号码、电话（已记入审计日志）'],
    ])
      info.addRow([k, safeCellValue(v)]).commit();
    info.commit();
    await wb.commit();
  };
  write().catch((e: unknown) => stream.destroy(e instanceof Error ? e : new Error(String(e))));
  return { total: first.total, stream };
}
