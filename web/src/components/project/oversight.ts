// Typed calls of oversight (监督预警, /api/oversight): the alert queue, a run of the rules, the
// inspector's alert and close, the responsible office's answer, and a project's comments — types
// from the API's typed client, no hand-copied interfaces.
import { api, call, type Ok } from '../../api.ts';

export { ALERT_RULES, ALERT_STATUSES, daysOpen, severityTagType, statusTagType } from './oversight-codes.ts';

export type AlertList = Ok<Awaited<ReturnType<typeof api.oversight.alerts.$get>>>;
export type Alert = AlertList[number];
export type AlertQuery = Parameters<typeof api.oversight.alerts.$get>[0]['query'];
export type RunResult = Ok<Awaited<ReturnType<typeof api.oversight.runs.$post>>>;
export type CommentList = Ok<Awaited<ReturnType<(typeof api.oversight.projects)[':id']['comments']['$get']>>>;
export type Comment = CommentList[number];

export const listAlerts = (query: AlertQuery) => call(api.oversight.alerts.$get({ query }));
export const runRules = () => call(api.oversight.runs.$post({ json: {} }));
export const answerAlert = (id: string, answer: string) => call(api.oversight.alerts[':id'].answer.$post({ param: { id }, json: { answer } }));
export const closeAlert = (id: string, note: string) => call(api.oversight.alerts[':id'].close.$post({ param: { id }, json: { note } }));
export const raiseAlert = (projectId: string, text: string, severity: 'high' | 'medium' | 'low') =>
  call(api.oversight.alerts.$post({ json: { projectId, text, severity } }));
export const listComments = (id: string) => call(api.oversight.projects[':id'].comments.$get({ param: { id } }));
export const addComment = (id: string, text: string) => call(api.oversight.projects[':id'].comments.$post({ param: { id }, json: { text } }));
