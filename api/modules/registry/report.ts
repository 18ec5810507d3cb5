// The downloadable error report of an import: one line per problem — row, column, reason — with
// zh-CN headers (the people who fix the file read Chinese), or English ones on request.
import ExcelJS from 'exceljs';
import { type Lang, type MessageKey, t } from '../../http/messages.ts';

export interface ReportLine {
  rowNo: number;
  column: string;
  key: MessageKey;
  params?: Record<string, string | number>;
  severity: 'error' | 'warning';
}

const HEADERS: Record<Lang, [string, string, string, string]> = {
  'zh-CN': ['行号', '列', '原因', '级别'],
  en: ['Row', 'Column', 'Reason', 'Level'],
};
const LEVEL: Record<Lang, Record<ReportLine['severity'], string>> = {
  'zh-CN': { error: '错误', warning: '警告' },
  en: { error: 'error', warning: 'warning' },
};

/** The report as an .xlsx buffer: errors first, then warnings, each by row. */
export async function errorReportXlsx(
  lines: ReportLine[],
  opts: { lang?: Lang; fileName?: string; errorCount?: number; warningCount?: number } = {},
): Promise<Buffer> {
  const lang = opts.lang ?? 'zh-CN';
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Dripline';
  const ws = wb.addWorksheet(lang === 'zh-CN' ? '错误报告' : 'Errors');
  ws.columns = [
    { header: HEADERS[lang][0], key: 'row', width: 8 },
    { header: HEADERS[lang][1], key: 'column', width: 20 },
    { header: HEADERS[lang][2], key: 'reason', width: 80 },
    { header: HEADERS[lang][3], key: 'level', width: 8 },
  ];
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const sorted = [...lines].sort((a, b) => (a.severity === b.severity ? a.rowNo - b.rowNo : a.severity === 'error' ? -1 : 1));
  for (const l of sorted) {
    ws.addRow({
      row: l.rowNo > 0 ? l.rowNo : '',
      column: l.column,
      reason: t(lang, l.key, l.params ?? {}),
      level: LEVEL[lang][l.severity],
    });
  }
  const shown = lines.length;
  const total = (opts.errorCount ?? 0) + (opts.warningCount ?? 0);
  if (total > shown) {
    ws.addRow({ reason: lang === 'zh-CN' ? `（共 ${total} 条，仅列出前 ${shown} 条）` : `(${total} in all; the first ${shown} are listed)` });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
