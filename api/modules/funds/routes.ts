// HTTP of the fund ledger, mounted at /api/funds behind requireAuth: posting entries and their
// reversals, the ledger list and its Excel export, balances with 资金支出进度, a village's figures.
// Reading needs funds.read (every role that oversees money; the account's area scopes it — a
// village supervisor sees the projects of its own village); recording needs funds.allocate
// (下达 / 拨付) or funds.spend (报账 / 到户), which the domain checks per kind. Logic: funds.ts,
// ledger-xlsx.ts; SQL: queries.ts.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ctxOf, type AppEnv } from '../../http/context.ts';
import { body, err, json } from '../../http/openapi.ts';
import { requirePermission } from '../../http/permission.ts';
import { createRouter } from '../../http/router.ts';
import { Forbidden, Unauthenticated } from '../../errors.ts';
import { can } from '../../shared/permissions.ts';
import { fileResponse, sendDownload, XLSX } from '../../http/download.ts';
import { balances, type LedgerFilter, listLedger, periodOf, postEntry, reverseEntry, villageFunds } from './funds.ts';
import { exportLedger } from './ledger-xlsx.ts';
import {
  BalanceList,
  BalanceQuery,
  EntryIdParam,
  LedgerEntry,
  LedgerFilterQuery,
  LedgerList,
  LedgerListQuery,
  PeriodQuery,
  PostEntryBody,
  ReversalBody,
  VillageCodeParam,
  VillageFundsSchema,
} from './schema.ts';

const mayRead = requirePermission('funds.read');

/** Recording any kind needs one of the two recording permissions; the domain checks the kind's own. */
async function mayRecord(c: Context<AppEnv>, next: () => Promise<void>) {
  const scope = c.var.scope;
  if (!scope) throw Unauthenticated();
  if (!can(scope.role, 'funds.allocate') && !can(scope.role, 'funds.spend')) throw Forbidden('funds.roleMayNotRecord');
  await next();
}

const filterOf = (f: { project?: string; village?: string; source?: string; kind?: LedgerFilter['kind']; from?: string; to?: string }): LedgerFilter => ({
  ...(f.project !== undefined ? { projectId: f.project } : {}),
  ...(f.village !== undefined ? { villageCode: f.village } : {}),
  ...(f.source !== undefined ? { source: f.source } : {}),
  ...(f.kind !== undefined ? { kind: f.kind } : {}),
  ...(f.from !== undefined ? { from: f.from } : {}),
  ...(f.to !== undefined ? { to: f.to } : {}),
});

export const fundsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/entries',
      tags: ['funds'],
      summary: 'Record a 下达 / 拨付 / 报账 / 到户 entry (amount in yuan text; invariants checked under the project lock; audited)',
      middleware: [mayRecord] as const,
      request: body(PostEntryBody),
      responses: {
        201: json(LedgerEntry, 'The entry as recorded'),
        400: err('A field is malformed (named): amount beyond two decimals or not above 0, unknown source or kind, a missing voucher …'),
        403: err('The role may not record this kind, or the project is outside your area'),
        404: err('No such project'),
        409: err('The entry would break an invariant (named field): nothing written'),
      },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const entry = await postEntry(ctxOf(c), b);
      return c.json(entry, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/entries/{id}/reversal',
      tags: ['funds'],
      summary: 'Correct an entry by a reversing entry (reason required; at most once; invariants kept; audited)',
      middleware: [mayRecord] as const,
      request: { params: EntryIdParam, ...body(ReversalBody) },
      responses: {
        201: json(LedgerEntry, 'The reversing entry'),
        400: err('No reason, or a malformed date'),
        403: err('The role may not record this kind, or the project is outside your area'),
        404: err('No such entry'),
        409: err('Already reversed, a reversal itself, or undoing it would break an invariant'),
      },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const entry = await reverseEntry(ctxOf(c), { entryId: c.req.valid('param').id, reason: b.reason, ...(b.bookedOn ? { bookedOn: b.bookedOn } : {}) });
      return c.json(entry, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/entries',
      tags: ['funds'],
      summary: 'The ledger in your area (资金台账), newest business date first, filtered and paged',
      middleware: [mayRead] as const,
      request: { query: LedgerListQuery },
      responses: { 200: json(LedgerList, 'A page of entries'), 400: err('A bad filter'), 403: err('Outside your area') },
    }),
    async (c) => {
      const { page, pageSize, ...f } = c.req.valid('query');
      const r = await listLedger(ctxOf(c), filterOf(f), { page, pageSize });
      return c.json({ total: r.total, page, pageSize, items: r.items }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/entries.xlsx',
      tags: ['funds'],
      summary: 'Excel export of the ledger with the list’s filters (every matching entry up to a cap; audited)',
      middleware: [mayRead] as const,
      request: { query: LedgerFilterQuery },
      responses: {
        200: fileResponse(XLSX, 'The workbook (streamed)'),
        400: err('A bad filter, or more entries than an export may hold (narrow the filter)'),
        403: err('Outside your area'),
      },
    }),
    async (c) => {
      const file = await exportLedger(ctxOf(c), filterOf(c.req.valid('query')));
      return sendDownload(c, file, XLSX);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/balances',
      tags: ['funds'],
      summary: 'Balances and 资金支出进度 in your area, grouped by project, village, township, county, source or year (any combination)',
      middleware: [mayRead] as const,
      request: { query: BalanceQuery },
      responses: { 200: json(BalanceList, 'One row per group (one total without by)'), 400: err('A bad grouping or filter'), 403: err('Outside your area') },
    }),
    async (c) => {
      const { by = [], project, area, ...f } = c.req.valid('query');
      const items = await balances(ctxOf(c), {
        by,
        ...f,
        ...(project !== undefined ? { projectId: project } : {}),
        ...(area !== undefined ? { areaCode: area } : {}),
      });
      return c.json({ by, items }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/villages/{code}',
      tags: ['funds'],
      summary: 'A village’s figures for a period: every project covering it that is approved or has money, its households’ payments, notices',
      middleware: [mayRead] as const,
      request: { params: VillageCodeParam, query: PeriodQuery },
      responses: {
        200: json(VillageFundsSchema, 'The village’s figures'),
        400: err('A bad period'),
        403: err('Outside your area'),
        404: err('No such village'),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const code = c.req.valid('param').code;
      ctx.scope.assertCovers(code, 'area', code);
      return c.json(await villageFunds(ctx.db, code, periodOf(c.req.valid('query'), ctx.now)), 200);
    },
  );
