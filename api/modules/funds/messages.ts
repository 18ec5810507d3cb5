// Messages of the fund ledger: zh-CN first, English too. Amounts are in yuan (two decimals);
// none carries personal data.
export const fundMessages = {
  'funds.projectNotFound': { 'zh-CN': '找不到项目 {id}', en: 'No project {id}' },
  'funds.entryNotFound': { 'zh-CN': '找不到资金记录 {id}', en: 'No ledger entry {id}' },
  'funds.villageNotFound': { 'zh-CN': '找不到村（社区）{code}', en: 'No village {code}' },
  'funds.amountOne': { 'zh-CN': '请填写金额（元或分，二者取一）', en: 'Give the amount once: in yuan or in fen' },
  'funds.amountPositive': { 'zh-CN': '金额必须大于 0', en: 'The amount must be more than 0' },
  'funds.amountDecimals': { 'zh-CN': '金额最多保留两位小数（精确到分）', en: 'An amount has at most two decimals (fen)' },
  'funds.amountFen': { 'zh-CN': '以分计的金额应为整数', en: 'An amount in fen is a whole number' },
  'funds.amountTooLarge': { 'zh-CN': '金额不能超过 {max} 元', en: 'The amount may not exceed {max} yuan' },
  'funds.voucherRequired': { 'zh-CN': '报账须填写凭证号', en: 'A reimbursement (报账) needs its voucher number' },
  'funds.householdRequired': { 'zh-CN': '到户资金须指明收款农户', en: 'A household payment (到户) names the household' },
  'funds.householdOnlyForPayment': { 'zh-CN': '只有到户资金才指明农户', en: 'Only a household payment (到户) names a household' },
  'funds.bookedInFuture': { 'zh-CN': '记账日期不能晚于今天', en: 'The booking date cannot be in the future' },
  'funds.periodOrder': { 'zh-CN': '起始日期不能晚于截止日期', en: 'The period starts after it ends' },
  'funds.roleMayNotPost': {
    'zh-CN': '您的角色不能登记“{kind}”资金',
    en: 'Your role cannot record {kind} entries',
  },
  'funds.roleMayNotRecord': { 'zh-CN': '您的角色不能登记资金', en: 'Your role cannot record ledger entries' },
  'funds.noBudgetLine': {
    'zh-CN': '该项目没有“{source}”的预算，不能下达该来源的资金',
    en: 'The project has no budget line for {source}; allocate from a source it budgets',
  },
  'funds.notBeneficiary': {
    'zh-CN': '该户不是本项目的受益户，不能登记到户资金',
    en: 'That household is not a beneficiary of this project',
  },
  'funds.disbursedOverAllocated': {
    'zh-CN': '{source}：拨付合计将达 {disbursed} 元，超过已下达的 {allocated} 元',
    en: '{source}: disbursements would total {disbursed} yuan, more than the {allocated} yuan allocated',
  },
  'funds.spentOverDisbursed': {
    'zh-CN': '{source}：报账和到户合计将达 {spent} 元，超过已拨付的 {disbursed} 元',
    en: '{source}: reimbursements and household payments would total {spent} yuan, more than the {disbursed} yuan disbursed',
  },
  'funds.fullBeforeAcceptance': {
    'zh-CN': '项目未验收，不能全额报账：支出将达 {spent} 元，已下达 {allocated} 元',
    en: 'The project is not accepted (验收) yet, so it cannot be fully spent: spending would reach {spent} of {allocated} yuan allocated',
  },
  'funds.negative': { 'zh-CN': '{source}：合计不能为负', en: '{source}: a total cannot become negative' },
  'funds.alreadyReversed': { 'zh-CN': '该记录已被冲销（冲销记录 {id}）', en: 'This entry is already reversed (by entry {id})' },
  'funds.yearOrPeriod': { 'zh-CN': '请选择年度或起止日期，二者取一', en: 'Give a year or a period (from/to), not both' },
  'funds.exportTooMany': {
    'zh-CN': '资金台账导出 {count} 行，超过上限 {max} 行，请缩小筛选范围（项目、村、来源、类型或日期）',
    en: 'The ledger export would hold {count} rows, more than {max}; narrow the filter (project, village, source, kind or dates)',
  },
  'funds.reversalOfReversal': {
    'zh-CN': '冲销记录不能再冲销，请登记一笔新的正确记录',
    en: 'A reversal cannot be reversed; record a new, correct entry instead',
  },
} as const;
