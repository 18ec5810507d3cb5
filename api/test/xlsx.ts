// Reads the household Excel export (/api/print/households.xlsx) in tests: its 户信息 sheet as a
// header and rows keyed by column name.
import ExcelJS from 'exceljs';
import { expect } from 'vitest';

export async function householdsXlsx(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  const ws = wb.getWorksheet('户信息');
  if (!ws) throw new Error('no 户信息 sheet');
  const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
  const rows: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const v = (row.values as unknown[]).slice(1);
    rows.push(Object.fromEntries(header.map((h, i) => [h, v[i] ?? null])));
  });
  return { header, rows, wb };
}
