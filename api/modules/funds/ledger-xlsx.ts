// Excel export of the fund ledger (资金台账): the entries of GET /api/funds/entries's filter, every
// one in scope, newest business date first — streamed page by page with exceljs's streaming
// writer. Headers in zh-CN, amounts in yuan (a reversal's signed effect negative), free text with
// typed-in numbers masked and names masked by area as the list shows them, text cells formula-
// neutralised (api/shared/spreadsheet.ts). Refused above a row cap (narrow the filter); audited.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { type Ctx, inTransaction } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { chinaLocal as local, infoSheet, tableSheet, workbookWriter, type XlsxColumn, YUAN_FORMAT } from '../../shared/xlsx-table.ts';
import { recordAudit } from '../audit/audit.ts';
import { checkLedgerFilter, type LedgerFilter, type LedgerItem, ledgerItem } from './funds.ts';
import * as q from './queries.ts';

/** An export larger than this is refused: narrow the filter (a county's ledger holds hundreds of thousands of entries). */
export const MAX_LEDGER_EXPORT_ROWS = 100_000;
const PAGE = 2000;

const yuan = (fen: number) => fen / 100;

export const LEDGER_COLUMNS: XlsxColumn<LedgerItem>[] = [
  { header: '记账日期', width: 12, value: (e) => e.bookedOn },
  { header: '项目名称', width: 28, value: (e) => e.projectName },
  { header: '申报村代码', width: 14, value: (e) => e.villageCode },
  { header: '类型', width: 8, value: (e) => e.kind },
  { header: '资金来源', width: 30, value: (e) => e.source },
  { header: '金额（元）', width: 14, value: (e) => yuan(e.deltaFen), numFmt: YUAN_FORMAT },
  { header: '冲销', width: 6, value: (e) => (e.reversalOf ? '是' : '否') },
  { header: '冲销原因', width: 20, value: (e) => e.reason },
  { header: '凭证号', width: 16, value: (e) => e.voucherNo },
  { header: '文号', width: 20, value: (e) => e.documentNo },
  { header: '收款方', width: 20, value: (e) => e.payee },
  { header: '到户农户', width: 10, value: (e) => e.householdName },
  { header: '备注', width: 24, value: (e) => e.note },
  { header: '登记人', width: 12, value: (e) => e.createdBy.name },
  { header: '登记时间', width: 17, value: (e) => local(new Date(e.createdAt)) },
  { header: '记录编号', width: 38, value: (e) => e.id },
];

export interface LedgerDownload {
  filename: string;
  total: number;
  stream: PassThrough;
}

/** Counts the entries (refusing above `maxRows`), audits the export, then streams the workbook while the caller sends it. */
export async function exportLedger(ctx: Ctx, filter: LedgerFilter, opts: { maxRows?: number } = {}): Promise<LedgerDownload> {
  checkLedgerFilter(ctx, filter);
  const max = opts.maxRows ?? MAX_LEDGER_EXPORT_ROWS;
  const total = await q.countEntries(ctx.db, ctx.scope, filter);
  if (total > max) throw new AppError('INVALID', 'funds.exportTooMany', { count: total, max }, [], { rows: total, max });
  await inTransaction(ctx, (trx) =>
    recordAudit(trx, {
      actor: ctx.actor,
      origin: ctx.origin,
      action: 'export.ledger_xlsx',
      entity: 'ledger_entries',
      areaCode: filter.villageCode ?? ctx.scope.areaCode,
      note: { format: 'xlsx', filter: { ...filter }, rows: total },
    }),
  );
  const stream = new PassThrough();
  const write = async () => {
    const wb = workbookWriter(stream);
    const sheet = tableSheet(wb, '资金台账', LEDGER_COLUMNS);
    // Offsets over a fixed order (booked_on, seq): entries are only ever appended, and one
    // recorded during the export lands at most on a later page than it would have.
    for (let offset = 0; offset < total; offset += PAGE) {
      const rows = await q.listEntries(ctx.db, ctx.scope, filter, { limit: Math.min(PAGE, total - offset), offset });
      for (const r of rows) sheet.add(ledgerItem(ctx, r));
      if (stream.writableNeedDrain) await once(stream, 'drain');
      if (rows.length < PAGE) break;
    }
    sheet.done();
    const described = Object.entries(filter)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join('，');
    infoSheet(wb, [
      ['导出时间', local(ctx.now)],
      ['导出人', ctx.actor.name],
      ['范围', ctx.scope.areaCode],
      ['筛选条件', described || '（全部）'],
      ['行数', String(total)],
      ['说明', '金额为记账影响：冲销记录为负数。'],
    ]);
    await wb.commit();
  };
  write().catch((e: unknown) => stream.destroy(e instanceof Error ? e : new Error(String(e))));
  const day = local(ctx.now).slice(0, 10);
  return { filename: `ledger-${day}.xlsx`, total, stream };
}
