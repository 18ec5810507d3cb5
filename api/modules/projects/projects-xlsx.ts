// Excel export of the project library (项目库, the list's filters) and of the county's annual plan
// (年度项目计划: the approved projects of a plan year) — one workbook shape for both: a row per
// project with its type, villages, state, year, implementing unit, budget by fund source (a column
// per source present), and the ledger's figures (allocated, disbursed, spent, 资金支出进度) from
// funds.balances, the ledger's own computation. Headers in zh-CN, amounts in yuan, text cells
// formula-neutralised (api/shared/xlsx-table.ts, shared with the ledger's export). Scoped to the
// caller's area, refused above a row cap, audited.
import { PassThrough } from 'node:stream';
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import { AppError, Invalid } from '../../errors.ts';
import { APPROVED_STATES } from '../../shared/project-chain.ts';
import { chinaLocal, infoSheet, PERCENT_FORMAT, tableSheet, workbookWriter, type XlsxColumn, YUAN_FORMAT } from '../../shared/xlsx-table.ts';
import { zodToInvalid } from '../../http/validation.ts';
import { recordAudit } from '../audit/audit.ts';
import { FUND_SOURCES } from '../funds/code-lists.ts';
import { balances, type Figures } from '../funds/funds.ts';
import { categoryOf } from './code-lists.ts';
import * as q from './queries.ts';
import { ProjectExportQuery } from './schema.ts';

/** More projects than this in one export is refused (narrow the filter). */
export const MAX_PROJECT_EXPORT_ROWS = 20_000;

type ExportRow = Awaited<ReturnType<typeof q.exportProjects>>[number] & { budget: Map<string, number>; money: Figures | undefined };

const yuan = (fen: number | undefined) => (fen === undefined ? null : fen / 100);

const COLUMNS_BEFORE: XlsxColumn<ExportRow>[] = [
  { header: '项目名称', width: 30, value: (p) => p.name },
  { header: '项目类别', width: 12, value: (p) => categoryOf(p.type) ?? '' },
  { header: '项目类型', width: 14, value: (p) => p.type },
  { header: '计划年度', width: 9, value: (p) => p.plan_year },
  { header: '项目状态', width: 10, value: (p) => p.state },
  { header: '涉及村', width: 24, value: (p) => p.village_names.join('、') },
  { header: '涉及村代码', width: 28, value: (p) => p.villages.join('、') },
  { header: '实施单位', width: 22, value: (p) => p.implementing_unit },
  { header: '预算合计（元）', width: 14, value: (p) => yuan(Number(p.budget_fen)), numFmt: YUAN_FORMAT },
];

const COLUMNS_AFTER: XlsxColumn<ExportRow>[] = [
  { header: '已下达（元）', width: 14, value: (p) => yuan(p.money?.allocatedFen ?? 0), numFmt: YUAN_FORMAT },
  { header: '已拨付（元）', width: 14, value: (p) => yuan(p.money?.disbursedFen ?? 0), numFmt: YUAN_FORMAT },
  { header: '已支出（元）', width: 14, value: (p) => yuan(p.money?.spentFen ?? 0), numFmt: YUAN_FORMAT },
  { header: '资金支出进度', width: 12, value: (p) => p.money?.progress ?? null, numFmt: PERCENT_FORMAT },
  { header: '项目编号', width: 38, value: (p) => p.id },
];

/** The columns of an export whose budget lines use `sources` (in the national list's order). */
export function projectColumns(sources: ReadonlySet<string>): XlsxColumn<ExportRow>[] {
  const bySource = FUND_SOURCES.filter((s) => sources.has(s)).map((s): XlsxColumn<ExportRow> => ({
    header: `预算·${s}（元）`,
    width: 16,
    value: (p) => yuan(p.budget.get(s) ?? 0),
    numFmt: YUAN_FORMAT,
  }));
  return [...COLUMNS_BEFORE, ...bySource, ...COLUMNS_AFTER];
}

export interface ProjectsDownload {
  filename: string;
  total: number;
  stream: PassThrough;
}

interface ExportSpec {
  kind: 'projects' | 'plan';
  filter: q.ExportFilter;
  sheet: string;
  filename: string;
  described: string;
}

async function exportWorkbook(ctx: Ctx, spec: ExportSpec, maxRows: number): Promise<ProjectsDownload> {
  const total = await q.countExport(ctx.db, ctx.scope, spec.filter);
  if (total > maxRows) throw new AppError('INVALID', 'project.exportTooMany', { count: total, max: maxRows }, [], { rows: total, max: maxRows });
  const [projects, lines, money] = await Promise.all([
    q.exportProjects(ctx.db, ctx.scope, spec.filter, spec.kind === 'plan' ? 'village' : 'newest'),
    q.exportBudget(ctx.db, ctx.scope, spec.filter),
    balances(ctx, { by: ['project'] }),
  ]);
  const budgets = new Map<string, Map<string, number>>();
  const sources = new Set<string>();
  const bySource = new Map<string, { fen: number; projects: number }>();
  for (const l of lines) {
    const m = budgets.get(l.project_id) ?? new Map<string, number>();
    m.set(l.source, (m.get(l.source) ?? 0) + Number(l.amount_fen));
    budgets.set(l.project_id, m);
    sources.add(l.source);
    const s = bySource.get(l.source) ?? { fen: 0, projects: 0 };
    bySource.set(l.source, { fen: s.fen + Number(l.amount_fen), projects: s.projects + 1 });
  }
  const moneyOf = new Map(money.map((b) => [b.projectId as string, b as Figures]));
  const rows: ExportRow[] = projects.map((p) => ({ ...p, budget: budgets.get(p.id) ?? new Map(), money: moneyOf.get(p.id) }));
  await inTransaction(ctx, (trx) =>
    recordAudit(trx, {
      actor: ctx.actor,
      origin: ctx.origin,
      action: `export.${spec.kind}_xlsx`,
      entity: 'projects',
      areaCode: spec.filter.village ?? ctx.scope.areaCode,
      note: { format: 'xlsx', filter: { ...spec.filter }, rows: rows.length },
    }),
  );
  const stream = new PassThrough();
  const write = async () => {
    const wb = workbookWriter(stream);
    const sheet = tableSheet(wb, spec.sheet, projectColumns(sources));
    for (const r of rows) sheet.add(r);
    sheet.done();
    if (spec.kind === 'plan') {
      // The plan's money by fund source (the county's 年度项目计划 summary).
      const summary = tableSheet<[string, { fen: number; projects: number }]>(wb, '按资金来源', [
        { header: '资金来源', width: 34, value: ([s]) => s },
        { header: '项目数', width: 10, value: ([, v]) => v.projects },
        { header: '预算（元）', width: 16, value: ([, v]) => v.fen / 100, numFmt: YUAN_FORMAT },
      ]);
      for (const s of FUND_SOURCES) {
        const v = bySource.get(s);
        if (v) summary.add([s, v]);
      }
      summary.add(['合计', { fen: [...bySource.values()].reduce((a, v) => a + v.fen, 0), projects: rows.length }]);
      summary.done();
    }
    infoSheet(wb, [
      ['导出时间', chinaLocal(ctx.now)],
      ['导出人', ctx.actor.name],
      ['范围', ctx.scope.areaCode],
      ['筛选条件', spec.described || '（全部）'],
      ['行数', String(rows.length)],
      ['说明', '金额单位为元；已下达、已拨付、已支出与资金支出进度（已支出 ÷ 已下达）由资金台账记录计算。'],
    ]);
    await wb.commit();
  };
  write().catch((e: unknown) => stream.destroy(e instanceof Error ? e : new Error(String(e))));
  return { filename: spec.filename, total: rows.length, stream };
}

type ExportQuery = z.input<typeof ProjectExportQuery>;

/** The project library with the list's filters (state, type, year, village). */
export async function exportProjectList(ctx: Ctx, input: ExportQuery, opts: { maxRows?: number } = {}): Promise<ProjectsDownload> {
  const parsed = ProjectExportQuery.safeParse(input);
  if (!parsed.success) throw zodToInvalid(parsed.error);
  const f = parsed.data;
  if (f.village) ctx.scope.assertCovers(f.village);
  const described = Object.entries(f)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join('，');
  return exportWorkbook(
    ctx,
    { kind: 'projects', filter: f, sheet: '项目库', filename: `projects-${chinaLocal(ctx.now).slice(0, 10)}.xlsx`, described },
    opts.maxRows ?? MAX_PROJECT_EXPORT_ROWS,
  );
}

/** 年度项目计划: the approved projects of a plan year, with the plan's money by fund source. */
export async function exportAnnualPlan(ctx: Ctx, year: number): Promise<ProjectsDownload> {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw Invalid([{ path: 'year', key: 'field.invalid' }]);
  return exportWorkbook(
    ctx,
    {
      kind: 'plan',
      filter: { year, states: APPROVED_STATES },
      sheet: `${year}年度项目计划`,
      filename: `plan-${year}.xlsx`,
      described: `计划年度=${year}（已审定入库的项目）`,
    },
    MAX_PROJECT_EXPORT_ROWS,
  );
}
