// Request and response schemas of the fund ledger API (/api/funds): entries (下达 / 拨付 / 报账 /
// 到户 and reversals), the ledger list and its Excel export, balances with 资金支出进度 and a
// village's figures. Amounts come in as yuan text (at most two decimals, api/shared/money.ts) and
// go out as integer fen; the domain (funds.ts) says what is wrong with an amount, naming the field.
import { z } from '@hono/zod-openapi';
import { DateString } from '../households/schema/index.ts';
import { ENTRY_KINDS, FUND_SOURCES } from './code-lists.ts';
import type { Dimension } from './queries.ts';

const DIMENSION_NAMES = ['project', 'village', 'township', 'county', 'source', 'year'] as const satisfies readonly Dimension[];

const optText = (max: number) => z.string().max(max).nullable().optional();

export const EntryIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The ledger entry' }) });

export const PostEntryBody = z
  .object({
    projectId: z.uuid(),
    kind: z.enum(ENTRY_KINDS).openapi({ description: '下达 allocation, 拨付 disbursement, 报账 reimbursement, 到户 household payment' }),
    source: z.enum(FUND_SOURCES).openapi({ description: '资金来源' }),
    amountYuan: z.string().max(32).openapi({ description: 'The amount in yuan as typed: digits with at most two decimals, more than 0', example: '12500.50' }),
    bookedOn: DateString.openapi({ description: '记账日期 (YYYY-MM-DD, China date), not in the future' }),
    voucherNo: optText(500).openapi({ description: '报账: the voucher number (required)' }),
    documentNo: optText(500).openapi({ description: '下达: the allocation document (文号)' }),
    payee: optText(500).openapi({ description: '拨付 / 报账: who received the money' }),
    householdId: z.uuid().nullable().optional().openapi({ description: '到户: the beneficiary household paid (required)' }),
    note: optText(500),
  })
  .strict()
  .openapi('PostLedgerEntry');

export const ReversalBody = z
  .object({
    reason: z.string().max(500).openapi({ description: 'Why the entry is corrected (required)' }),
    bookedOn: DateString.optional().openapi({ description: '记账日期 of the correction; default today (China)' }),
  })
  .strict()
  .openapi('LedgerReversal');

export const LedgerEntry = z
  .object({
    id: z.string(),
    projectId: z.string(),
    kind: z.string(),
    source: z.string(),
    amountFen: z.number().int(),
    deltaFen: z.number().int().openapi({ description: 'The signed effect: negative for a reversal' }),
    bookedOn: z.string(),
    reversalOf: z.string().nullable(),
    reason: z.string().nullable(),
    voucherNo: z.string().nullable(),
    documentNo: z.string().nullable(),
    payee: z.string().nullable(),
    householdId: z.string().nullable(),
    note: z.string().nullable(),
    createdBy: z.object({ id: z.string().nullable(), name: z.string(), role: z.string() }),
    createdAt: z.string(),
  })
  .openapi('LedgerEntry');

export const LedgerItem = LedgerEntry.extend({
  projectName: z.string(),
  villageCode: z.string().openapi({ description: "The project's lead village (申报村)" }),
  householdName: z.string().nullable().openapi({ description: '到户: the head of the household (masked outside your area)' }),
}).openapi('LedgerItem');

export const LedgerFilterQuery = z.object({
  project: z.uuid().optional(),
  village: z
    .string()
    .regex(/^\d{12}$/)
    .optional()
    .openapi({ description: 'Projects whose lead village (申报村) is this 12-digit code' }),
  source: z.enum(FUND_SOURCES).optional(),
  kind: z.enum(ENTRY_KINDS).optional(),
  from: DateString.optional().openapi({ description: 'First business date (YYYY-MM-DD), inclusive' }),
  to: DateString.optional().openapi({ description: 'Last business date (YYYY-MM-DD), inclusive' }),
});

export const LedgerListQuery = LedgerFilterQuery.extend({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export const LedgerList = z.object({ total: z.number(), page: z.number(), pageSize: z.number(), items: z.array(LedgerItem) }).openapi('LedgerList');

const FigureFields = {
  allocatedFen: z.number().int().openapi({ description: 'Σ 下达 (net of reversals)' }),
  disbursedFen: z.number().int().openapi({ description: 'Σ 拨付' }),
  reimbursedFen: z.number().int().openapi({ description: 'Σ 报账' }),
  householdPaidFen: z.number().int().openapi({ description: 'Σ 到户' }),
  spentFen: z.number().int().openapi({ description: '报账 + 到户' }),
  undisbursedFen: z.number().int().openapi({ description: 'Allocated, not yet disbursed (at the county)' }),
  unspentFen: z.number().int().openapi({ description: 'Disbursed, not yet spent (at the township or implementing unit)' }),
  progress: z.number().nullable().openapi({ description: '资金支出进度 = spent ÷ allocated (0…1, four decimals); null when nothing is allocated' }),
  entries: z.number().int(),
};
export const Figures = z.object(FigureFields).openapi('FundFigures');

export const BalanceQuery = z.object({
  by: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(DIMENSION_NAMES)))
    .optional()
    .openapi({ type: 'string', description: `Group by (comma-separated, any combination; none: one total): ${DIMENSION_NAMES.join(', ')}` }),
  year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'Plan year (年度) of the projects' }),
  from: DateString.optional().openapi({ description: 'First business date (YYYY-MM-DD), inclusive' }),
  to: DateString.optional().openapi({ description: 'Last business date (YYYY-MM-DD), inclusive' }),
  source: z.enum(FUND_SOURCES).optional(),
  area: z
    .string()
    .regex(/^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$/)
    .optional()
    .openapi({ description: 'Only projects whose lead village lies in this area (inside yours)' }),
  project: z.uuid().optional(),
});

export const BalanceItem = z
  .object({
    projectId: z.string().optional(),
    projectName: z.string().optional(),
    villageCode: z.string().optional(),
    villageName: z.string().nullable().optional(),
    townshipCode: z.string().optional(),
    townshipName: z.string().nullable().optional(),
    countyCode: z.string().optional(),
    countyName: z.string().nullable().optional(),
    source: z.string().optional(),
    year: z.number().optional(),
    ...FigureFields,
  })
  .openapi('FundBalance');

export const BalanceList = z.object({ by: z.array(z.string()), items: z.array(BalanceItem) }).openapi('FundBalances');

export const VillageCodeParam = z.object({
  code: z
    .string()
    .regex(/^\d{12}$/)
    .openapi({ param: { name: 'code', in: 'path' }, description: '12-digit village (村/社区) code' }),
});

export const PeriodQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'A calendar year of business dates (instead of from/to)' }),
  from: DateString.optional().openapi({ description: 'First business date; default: the ledger’s beginning' }),
  to: DateString.optional().openapi({ description: 'Last business date; default: today (China)' }),
});

export const VillageFundsSchema = z
  .object({
    village: z.object({ code: z.string(), name: z.string(), townshipName: z.string().nullable(), countyName: z.string().nullable(), fullName: z.string() }),
    period: z.object({ from: z.string(), to: z.string() }),
    totals: Figures,
    bySource: z.array(Figures.extend({ source: z.string() })),
    projects: z.array(
      Figures.extend({
        id: z.string(),
        name: z.string(),
        type: z.string(),
        category: z.string().optional(),
        state: z.string(),
        planYear: z.number(),
        leadVillage: z.string(),
        shared: z.boolean().openapi({ description: 'Covers other villages too: the figures are the whole project’s' }),
        beneficiaryCount: z.number(),
        beneficiaries: z.array(
          z.object({
            name: z.string().openapi({ description: 'The head of the household, masked (张*三)' }),
            mechanisms: z.array(z.string()),
            paidFen: z.number(),
          }),
        ),
      }),
    ),
    households: z.object({ paidFen: z.number(), households: z.number() }),
    notices: z.array(z.object({ projectId: z.string(), projectName: z.string(), startsOn: z.string(), endsOn: z.string() })),
  })
  .openapi('VillageFunds');
