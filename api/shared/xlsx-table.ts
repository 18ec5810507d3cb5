// One way to write an export workbook (server only, beside spreadsheet.ts): a table sheet with
// zh-CN headers in bold, a frozen header row, column widths and number formats, every text cell
// formula-neutralised; and the 导出说明 sheet of key/value lines. Streamed with exceljs's
// WorkbookWriter, so a large export never sits whole in memory. The ledger (funds/ledger-xlsx.ts)
// and the project library and annual plan (projects/projects-xlsx.ts) write through it.
import type { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { safeCellValue } from './spreadsheet.ts';

export interface XlsxColumn<T> {
  header: string;
  width: number;
  value: (row: T) => string | number | null;
  numFmt?: string;
}

export type XlsxWriter = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookWriter>;

export const YUAN_FORMAT = '#,##0.00';
export const PERCENT_FORMAT = '0.0%';

/** Dates on paper are China's local time, whatever the server's zone. */
export const chinaLocal = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(d);

export function workbookWriter(stream: PassThrough): XlsxWriter {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  wb.creator = 'Dripline (滴灌)';
  return wb;
}

/** A table sheet: `add` writes (and commits) one row, `done` commits the sheet. */
export function tableSheet<T>(wb: XlsxWriter, name: string, columns: readonly XlsxColumn<T>[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c, i) => ({ key: String(i), width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  const header = ws.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  return {
    add: (row: T) => ws.addRow(columns.map((c) => safeCellValue(c.value(row)))).commit(),
    done: () => ws.commit(),
  };
}

/** The 导出说明 sheet: who exported what, when, with which filter. */
export function infoSheet(wb: XlsxWriter, lines: readonly (readonly [string, string])[]) {
  const info = wb.addWorksheet('导出说明');
  info.columns = [{ width: 14 }, { width: 60 }];
  for (const [k, v] of lines) info.addRow([k, safeCellValue(v)]).commit();
  info.commit();
}
