// Oversight's lists and small rules for the web, without the API client (unit-testable): the alert
// statuses and rules to filter by (the server's list: oversight-codes.test.ts compares them), the
// days an alert has been open, and the tags' colours.
export const ALERT_STATUSES = ['open', 'answered', 'closed'] as const;
export const ALERT_RULES = [
  'DISBURSED_BEFORE_APPROVAL',
  'REIMBURSED_BEFORE_ACCEPTANCE',
  'OVER_BUDGET_LINE',
  'SPLIT_CONTRACTS',
  'IDLE_WITH_MONEY',
  'TOO_FAST',
  'PAYMENT_TO_DECEASED_OR_MOVED',
  'SHARED_BANK_ACCOUNT',
  'manual',
] as const;

const DAY = 86_400_000;
/** Whole days an alert has been open (until it was closed). */
export const daysOpen = (a: { raisedAt: string; closedAt: string | null }, now = Date.now()): number =>
  Math.max(0, Math.floor(((a.closedAt ? Date.parse(a.closedAt) : now) - Date.parse(a.raisedAt)) / DAY));

export const statusTagType = (s: string): 'danger' | 'warning' | 'success' => (s === 'open' ? 'danger' : s === 'answered' ? 'warning' : 'success');
export const severityTagType = (s: string): 'danger' | 'warning' | 'info' => (s === 'high' ? 'danger' : s === 'medium' ? 'warning' : 'info');
