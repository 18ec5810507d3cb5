// The to-dos a household can be on (the workbench, 工作台, and the household list's `todo` filter):
// pure data shared by the server and the web. The visit interval (遍访) is not a county setting yet
// (county_year_settings holds lines and thresholds only): these defaults follow the common
// provincial rule — a 监测户 visited at least monthly, every other household in the registry at
// least quarterly (docs/domain/workbench.md).

/** Days after which a 监测户 counts as not visited (遍访). */
export const VISIT_INTERVAL_DAYS_MONITORED = 30;
/** Days after which any other household in the registry counts as not visited. */
export const VISIT_INTERVAL_DAYS = 90;

/** The household list's to-do filters: not visited in time, required fields missing, 风险消除 due. */
export const HOUSEHOLD_TODOS = ['visitOverdue', 'incomplete', 'riskEliminationDue'] as const;
export type HouseholdTodo = (typeof HOUSEHOLD_TODOS)[number];

/** The card's fields a household in the registry must have (the 扶贫手册's 基本情况): missing ones make it incomplete. */
export const REQUIRED_CARD_FIELDS = ['phone', 'location', 'mainCause', 'bankAccount'] as const;
export type RequiredCardField = (typeof REQUIRED_CARD_FIELDS)[number];

/** Days a procedure's notice (村内公示) counts as "ending" before its end. */
export const NOTICE_ENDING_DAYS = 2;
/** Days back the workbench looks for imports, runs, changes and refusals. */
export const RECENT_DAYS = 7;
