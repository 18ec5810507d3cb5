// Typed calls of oversight (监督预警, /api/oversight): the alert queue, a run of the rules, the
// inspector's alert and close, the responsible office's answer, and a project's comments — types
// from the API's typed client, no hand-copied interfaces.
import { api, call, type Ok } from '../../api.ts';

export type AlertList = Ok<Awaited<ReturnType<typeof api.oversight.alerts.$get>>>;
export type Alert = AlertList[number];
export type AlertQuery = Parameters<typeof api.oversight.alerts.$get>[0]['query'];
export type RunResult = Ok<Awaited<ReturnType<typeof api.oversight.runs.$post>>>;
export type CommentList = Ok<Awaited<ReturnType<(typeof api.oversight.projects)[':id']['comments']['$get']>>>;
export type Comment = CommentList[number];

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

export const listAlerts = (query: AlertQuery) => call(api.oversight.alerts.$get({ query }));
export const runRules = () => call(api.oversight.runs.$post({ json: {} }));
export const answerAlert = (id: string, answer: string) => call(api.oversight.alerts[':id'].answer.$post({ param: { id }, json: { answer } }));
export const closeAlert = (id: string, note: string) => call(api.oversight.alerts[':id'].close.$post({ param: { id }, json: { note } }));
export const raiseAlert = (projectId: string, text: string, severity: 'high' | 'medium' | 'low') =>
  call(api.oversight.alerts.$post({ json: { projectId, text, severity } }));
export const listComments = (id: string) => call(api.oversight.projects[':id'].comments.$get({ param: { id } }));
export const addComment = (id: string, text: string) => call(api.oversight.projects[':id'].comments.$post({ param: { id }, json: { text } }));

const DAY = 86_400_000;
/** Whole days an alert has been open (until it was closed). */
export const daysOpen = (a: Pick<Alert, 'raisedAt' | 'closedAt'>, now = Date.now()): number =>
  Math.max(0, Math.floor(((a.closedAt ? Date.parse(a.closedAt) : now) - Date.parse(a.raisedAt)) / DAY));

export const statusTagType = (s: string): 'danger' | 'warning' | 'success' => (s === 'open' ? 'danger' : s === 'answered' ? 'warning' : 'success');
export const severityTagType = (s: string): 'danger' | 'warning' | 'info' => (s === 'high' ? 'danger' : s === 'medium' ? 'warning' : 'info');
