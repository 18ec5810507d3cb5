// Excel export of the findings queue (数据比对 → 导出 Excel): the findings of GET /api/crosscheck/findings's
// filter, in the queue's order, every one in the caller's area — streamed page by page. Headers in
// zh-CN; the rule, severity and status in Chinese; each finding names its person (the member on the
// card, or the name on the department roll for 疑似漏评). Shown as the queue shows them
// (finding-view.ts: ID numbers masked unless a role that needs them asked, health evidence withheld).
// Refused above a row cap (narrow the filter); audited before the first byte.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { Lang } from '../../http/messages.ts';
import { chinaLocal as local, infoSheet, tableSheet, workbookWriter, type XlsxColumn } from '../../shared/xlsx-table.ts';
import type { Masker } from '../auth/personal-data.ts';
import { auditFindingsExport } from './export.ts';
import { toFinding } from './finding-view.ts';
import * as q from './queries.ts';

/** An export larger than this is refused: narrow the filter. */
export const MAX_FINDINGS_EXPORT_ROWS = 100_000;
const PAGE = 2000;

export const SEVERITY_ZH: Record<string, string> = { exclude: '应清退', update: '需更新', risk: '风险预警', review: '需核实' };
export const STATUS_ZH: Record<string, string> = { open: '待核实', needs_visit: '待走访', confirmed: '已确认', dismissed: '已排除', resolved: '已办结' };

type Item = ReturnType<typeof toFinding>;
const day = (iso: string | null) => (iso ? local(new Date(iso)).slice(0, 10) : null);

export const FINDING_COLUMNS: XlsxColumn<Item>[] = [
  { header: '比对规则', width: 30, value: (f) => f.ruleTitle },
  { header: '规则代码', width: 22, value: (f) => f.rule },
  { header: '性质', width: 10, value: (f) => SEVERITY_ZH[f.severity] ?? f.severity },
  { header: '状态', width: 8, value: (f) => STATUS_ZH[f.status] ?? f.status },
  { header: '所在村', width: 14, value: (f) => f.villageName },
  { header: '区划代码', width: 14, value: (f) => f.villageCode },
  { header: '户编号', width: 20, value: (f) => f.householdNo || null },
  { header: '户主', width: 10, value: (f) => f.headName },
  { header: '人员', width: 10, value: (f) => f.personName ?? f.headName },
  { header: '身份证号', width: 21, value: (f) => f.idNumber },
  { header: '比对依据', width: 70, value: (f) => f.evidenceText },
  { header: '首次发现', width: 12, value: (f) => day(f.firstSeenAt) },
  { header: '最近出现', width: 12, value: (f) => day(f.lastSeenAt) },
  { header: '审核人', width: 10, value: (f) => f.reviewedByName },
  { header: '审核时间', width: 17, value: (f) => (f.reviewedAt ? local(new Date(f.reviewedAt)) : null) },
  { header: '审核意见', width: 30, value: (f) => f.statusReason },
];

export interface FindingsDownload {
  filename: string;
  total: number;
  stream: PassThrough;
}

export type FindingsExportFilter = Omit<q.FindingFilter, 'limit' | 'offset'>;

/** Counts the findings (refusing above `maxRows`), audits the export, then streams the workbook while the caller sends it. */
export async function exportFindingsXlsx(
  ctx: Ctx,
  countyCode: string,
  filter: FindingsExportFilter,
  view: { mask: Masker; lang: Lang; unmasked: boolean },
  opts: { maxRows?: number } = {},
): Promise<FindingsDownload> {
  const max = opts.maxRows ?? MAX_FINDINGS_EXPORT_ROWS;
  const { total } = await q.listFindings(ctx.db, ctx.scope, { ...filter, limit: 0, offset: 0 });
  if (total > max) throw new AppError('INVALID', 'findings.exportTooMany', { count: total, max }, [], { rows: total, max });
  await auditFindingsExport(ctx, countyCode, {
    format: 'xlsx',
    rule: filter.rule ?? null,
    severity: filter.severity ?? null,
    status: filter.status ?? null,
    area: filter.area ?? null,
    unmasked: view.unmasked,
    rows: total,
  });
  const stream = new PassThrough();
  const write = async () => {
    const wb = workbookWriter(stream);
    const sheet = tableSheet(wb, '比对疑点', FINDING_COLUMNS);
    for (let offset = 0; offset < total; offset += PAGE) {
      const { rows } = await q.listFindings(ctx.db, ctx.scope, { ...filter, limit: Math.min(PAGE, total - offset), offset });
      for (const r of rows) sheet.add(toFinding(r, view.mask, view.lang));
      if (stream.writableNeedDrain) await once(stream, 'drain');
      if (rows.length < PAGE) break;
    }
    sheet.done();
    const described = [
      filter.rule?.length ? `规则=${filter.rule.join('、')}` : '',
      filter.severity?.length ? `性质=${filter.severity.map((s) => SEVERITY_ZH[s] ?? s).join('、')}` : '',
      filter.status?.length ? `状态=${filter.status.map((s) => STATUS_ZH[s] ?? s).join('、')}` : '',
      filter.area ? `区域=${filter.area}` : '',
      filter.presentOnly ? '' : '含已不再出现的疑点',
    ].filter(Boolean);
    infoSheet(wb, [
      ['导出时间', local(ctx.now)],
      ['导出人', ctx.actor.name],
      ['县', countyCode],
      ['范围', ctx.scope.areaCode],
      ['筛选条件', described.join('，') || '（全部）'],
      ['行数', String(total)],
      ['身份证号', view.unmasked ? '完整（已记入审计日志）' : '已遮蔽'],
    ]);
    await wb.commit();
  };
  write().catch((e: unknown) => stream.destroy(e instanceof Error ? e : new Error(String(e))));
  return { filename: `findings-${countyCode}-${local(ctx.now).slice(0, 10)}.xlsx`, total, stream };
}
