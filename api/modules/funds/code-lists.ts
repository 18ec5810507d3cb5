// The fund ledger's code lists (docs/domain/projects-funds.md, docs/decisions/0021). Pure data;
// migration 0025 keeps a frozen copy in its CHECK constraints (code-lists.test.ts compares them).

/** 资金来源. */
export const FUND_SOURCES = [
  '中央财政衔接推进乡村振兴补助资金',
  '中央财政专项扶贫资金',
  '省级财政资金',
  '市县财政资金',
  '统筹整合涉农资金',
  '东西部协作资金',
  '定点帮扶资金',
  '社会帮扶资金',
  '银行贷款',
  '群众自筹',
] as const;
export type FundSource = (typeof FUND_SOURCES)[number];

/**
 * Entry kinds, each moving money one station on (double entry with fixed accounts):
 * 下达 source → county, 拨付 county → township/implementing unit, 报账 and 到户 unit → spent.
 */
export const ENTRY_KINDS = ['下达', '拨付', '报账', '到户'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const isFundSource = (v: unknown): v is FundSource => typeof v === 'string' && (FUND_SOURCES as readonly string[]).includes(v);
export const isEntryKind = (v: unknown): v is EntryKind => typeof v === 'string' && (ENTRY_KINDS as readonly string[]).includes(v);
