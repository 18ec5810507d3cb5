// Excel export of a filtered household list: the same filter as GET /api/households (the list
// query is the households module's own listHouseholds, so both always agree), streamed with
// exceljs's streaming writer page by page. Headers in zh-CN, code-list values as the official
// Chinese strings, personal data masked by role, text cells formula-neutralised.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { safeCellValue } from '../../shared/spreadsheet.ts';
import type { Scope } from '../auth/scope.ts';
import { type ListInput, listHouseholds } from '../households/households.ts';
import type { Masker } from './disclosure.ts';
import { GUARANTEES } from './mingbai-card.ts';
import { type HouseholdRow, loadHouseholds } from './queries.ts';

/** The list filter without its paging (the export takes every matching row). */
export type ExportFilter = Omit<ListInput, 'page' | 'pageSize' | 'limit' | 'offset'>;

const PAGE = 1000;

const yesNo = (v: boolean | null | undefined) => (v == null ? null : v ? '是' : '否');
const yuan = (fen: number | null | undefined) => (fen == null ? null : Number(fen) / 100);

interface Column {
  header: string;
  width: number;
  value: (h: HouseholdRow, mask: Masker) => string | number | null;
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
  { header: '收入年度', width: 8, value: (h) => (h.year == null ? null : Number(h.year)) },
  { header: '年人均纯收入（元）', width: 14, value: (h) => (h.year == null ? null : yuan(h.per_capita_income)), numFmt: '#,##0.00' },
  ...GUARANTEES.map(([k, label]) => ({ header: label, width: 10, value: (h: HouseholdRow) => yesNo(h[`${k}_secure`] as boolean | null) })),
];

export interface XlsxExport {
  /** Rows the export holds (counted before the first byte is written; recorded in the audit entry). */
  total: number;
  stream: PassThrough;
}

/** Counts the rows, then streams the workbook while the caller sends it. */
export async function exportHouseholdsXlsx(
  db: Kysely<Database>,
  scope: Scope,
  filter: ExportFilter,
  mask: Masker,
  about: { exportedBy: string; exportedAt: string; filterText: string; masked: boolean },
  beforeWrite: (total: number) => Promise<void>,
): Promise<XlsxExport> {
  const first = await listHouseholds(db, scope, { ...filter, pageSize: PAGE, page: 1 });
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
    for (;;) {
      const rows = await loadHouseholds(db, scope, page.items.map((i) => i.id));
      for (const h of rows) ws.addRow(COLUMNS.map((c) => safeCellValue(c.value(h, mask)))).commit();
      if (stream.writableNeedDrain) await once(stream, 'drain');
      if (page.items.length < PAGE || n * PAGE >= first.total) break;
      page = await listHouseholds(db, scope, { ...filter, pageSize: PAGE, page: ++n });
    }
    ws.commit();
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
