// Excel export of an area's statistics dashboard (贫困统计监测): one sheet per figure group — the
// registry by 户状态 and 在册状态, monitoring households by category, causes of poverty, the
// guarantees' gaps, findings by rule and status, funds by source with 资金支出进度, the children
// areas — and the 导出说明 sheet, written through api/shared/xlsx-table.ts (zh-CN headers, formats,
// formula-neutralised text). Counts only, no personal data; the export is audited all the same.
import { PassThrough } from 'node:stream';
import { type Ctx, inTransaction } from '../../context.ts';
import { chinaLocal, infoSheet, PERCENT_FORMAT, tableSheet, workbookWriter, type XlsxColumn, type XlsxWriter, YUAN_FORMAT } from '../../shared/xlsx-table.ts';
import { recordAudit } from '../audit/audit.ts';
import { areaStats, type StatsReportOutput } from './stats.ts';

type Report = StatsReportOutput;
type StatusRow = Report['registry']['byStatus'][number];
type StateRow = Report['registry']['byRegistryState'][number];
type CategoryRow = Report['registry']['monitoringByCategory'][number];
type CauseRow = Report['causes'][number];
type GuaranteeRow = Report['guarantees']['items'][number];
type RuleRow = Report['findings']['byRule'][number];
type Money = NonNullable<Report['funds']>['totals'];
type SourceRow = NonNullable<Report['funds']>['bySource'][number];
type ChildRow = Report['children'][number];

const yuan = (fen: number) => fen / 100;
const INT = '#,##0';

/** The zh-CN name of each review status, as the findings queue shows them (web crosscheck.statuses). */
export const FINDING_STATUS_LABELS = { open: '待核实', confirmed: '已确认', dismissed: '已排除', needs_visit: '待走访', resolved: '已办结' } as const;

const LEVEL_LABELS: Record<string, string> = { province: '省', prefecture: '市（州）', county: '县', township: '乡镇', village: '村', group: '村民小组' };

const moneyColumns = <T extends Money>(): XlsxColumn<T>[] => [
  { header: '已下达（元）', width: 14, value: (m) => yuan(m.allocatedFen), numFmt: YUAN_FORMAT },
  { header: '已拨付（元）', width: 14, value: (m) => yuan(m.disbursedFen), numFmt: YUAN_FORMAT },
  { header: '已报账（元）', width: 14, value: (m) => yuan(m.reimbursedFen), numFmt: YUAN_FORMAT },
  { header: '到户（元）', width: 14, value: (m) => yuan(m.householdPaidFen), numFmt: YUAN_FORMAT },
  { header: '已支出（元）', width: 14, value: (m) => yuan(m.spentFen), numFmt: YUAN_FORMAT },
  { header: '资金支出进度', width: 12, value: (m) => m.progress, numFmt: PERCENT_FORMAT },
];

/** The sheets in order: name, columns, rows. */
export function statsSheets(r: Report) {
  const sheet = <T>(name: string, columns: XlsxColumn<T>[], rows: readonly T[]) => ({
    name,
    write: (wb: XlsxWriter) => {
      const t = tableSheet(wb, name, columns);
      for (const row of rows) t.add(row);
      t.done();
    },
  });
  return [
    sheet<StatusRow>(
      '户状态',
      [
        { header: '户状态', width: 14, value: (s) => s.status },
        { header: '户数', width: 10, value: (s) => s.households, numFmt: INT },
        { header: '人数', width: 10, value: (s) => s.people, numFmt: INT },
      ],
      [...r.registry.byStatus, { status: '在册合计', ...r.registry.inRegistry }],
    ),
    sheet<StateRow>(
      '在册状态',
      [
        { header: '在册状态', width: 14, value: (s) => s.state },
        { header: '户数', width: 10, value: (s) => s.households, numFmt: INT },
        { header: '人数', width: 10, value: (s) => s.people, numFmt: INT },
      ],
      r.registry.byRegistryState,
    ),
    sheet<CategoryRow>(
      '监测对象类别',
      [
        { header: '监测对象类别', width: 18, value: (s) => s.category },
        { header: '户数', width: 10, value: (s) => s.households, numFmt: INT },
        { header: '人数', width: 10, value: (s) => s.people, numFmt: INT },
      ],
      r.registry.monitoringByCategory,
    ),
    sheet<CauseRow>(
      '致贫原因',
      [
        { header: '主要致贫原因', width: 20, value: (c) => c.cause },
        { header: '户数', width: 10, value: (c) => c.households, numFmt: INT },
      ],
      r.causes,
    ),
    sheet<GuaranteeRow>(
      '两不愁三保障',
      [
        { header: '保障项', width: 18, value: (g) => g.label },
        { header: '未保障户数', width: 12, value: (g) => g.unmet, numFmt: INT },
        { header: '未填户数', width: 12, value: (g) => g.unrecorded, numFmt: INT },
        { header: '在册户数', width: 10, value: () => r.guarantees.households, numFmt: INT },
      ],
      r.guarantees.items,
    ),
    sheet<RuleRow>(
      '比对疑点',
      [
        { header: '规则', width: 26, value: (f) => f.rule },
        { header: '规则说明', width: 40, value: (f) => f.title },
        ...Object.entries(FINDING_STATUS_LABELS).map(([k, label]): XlsxColumn<RuleRow> => ({
          header: label,
          width: 9,
          value: (f) => f[k as keyof typeof FINDING_STATUS_LABELS],
          numFmt: INT,
        })),
        { header: '合计', width: 9, value: (f) => f.total, numFmt: INT },
      ],
      [...r.findings.byRule, { rule: '合计', title: '', total: r.findings.total, ...r.findings.byStatus }],
    ),
    ...(r.funds
      ? [
          sheet<SourceRow>(
            '资金（按来源）',
            [{ header: '资金来源', width: 34, value: (m) => m.source }, ...moneyColumns<SourceRow>()],
            [...r.funds.bySource, { source: '合计', ...r.funds.totals }],
          ),
        ]
      : []),
    sheet<ChildRow>(
      '下级区域',
      [
        { header: '区划代码', width: 14, value: (c) => c.code },
        { header: '名称', width: 18, value: (c) => c.name },
        { header: '级别', width: 8, value: (c) => LEVEL_LABELS[c.level] ?? c.level },
        { header: '在册户数', width: 10, value: (c) => c.households, numFmt: INT },
        { header: '监测户数', width: 10, value: (c) => c.monitoringHouseholds, numFmt: INT },
        { header: '待核实疑点', width: 10, value: (c) => c.openFindings, numFmt: INT },
      ],
      r.children,
    ),
  ];
}

export interface StatsDownload {
  filename: string;
  stream: PassThrough;
}

/** The dashboard of `code` as a workbook (the same figures as GET /api/stats/{code}); audited. */
export async function exportStats(ctx: Ctx, code: string): Promise<StatsDownload> {
  const report = await areaStats(ctx, code);
  await inTransaction(ctx, (trx) =>
    recordAudit(trx, {
      actor: ctx.actor,
      origin: ctx.origin,
      action: 'export.stats_xlsx',
      entity: 'areas',
      entityId: code,
      areaCode: code,
      note: { format: 'xlsx' },
    }),
  );
  const stream = new PassThrough();
  const run = async () => {
    const wb = workbookWriter(stream);
    for (const s of statsSheets(report)) s.write(wb);
    const areaName = [...report.path.map((p) => p.name), report.area.name].join('');
    infoSheet(wb, [
      ['导出时间', chinaLocal(ctx.now)],
      ['导出人', ctx.actor.name],
      ['区域', `${areaName}（${code}）`],
      ['说明', '户数、人数为在册农户及其在世、未迁出的成员；两不愁三保障按各户最新年度记录；疑点为最近一次比对仍存在的；资金按项目申报村归属。'],
      ...(report.guarantees.latestYear ? [['最新年度', String(report.guarantees.latestYear)] as const] : []),
    ]);
    await wb.commit();
  };
  run().catch((e: unknown) => stream.destroy(e instanceof Error ? e : new Error(String(e))));
  return { filename: `stats-${code}-${chinaLocal(ctx.now).slice(0, 10)}.xlsx`, stream };
}
