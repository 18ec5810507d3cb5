// Types and calls of the project library (扶贫项目库) and the fund ledger (资金台账), from the API's
// typed client: no hand-copied interfaces. The chain itself (states, actions, who acts) is the
// shared table in api/shared/project-chain.ts.
import { PROJECT_STAGES } from '@shared/project-chain.ts';
import { api, call, type Ok } from '../../api.ts';

export type ProjectPage = Ok<Awaited<ReturnType<typeof api.projects.$get>>>;
export type ProjectSummary = ProjectPage['items'][number];
export type ProjectDetail = Ok<Awaited<ReturnType<(typeof api.projects)[':id']['$get']>>>;
export type ProjectQueue = Ok<Awaited<ReturnType<typeof api.projects.queue.$get>>>;
export type AnnualPlan = Ok<Awaited<ReturnType<typeof api.projects.plan.$get>>>;
export type StepBody = Parameters<(typeof api.projects)[':id']['steps']['$post']>[0]['json'];
export type StepAction = StepBody['action'];
export type CreateBody = Parameters<typeof api.projects.$post>[0]['json'];
export type LedgerPage = Ok<Awaited<ReturnType<typeof api.funds.entries.$get>>>;
export type LedgerItem = LedgerPage['items'][number];
export type BalanceList = Ok<Awaited<ReturnType<typeof api.funds.balances.$get>>>;
export type PostEntryBody = Parameters<typeof api.funds.entries.$post>[0]['json'];

export { PROJECT_STAGES };

export type ProjectQuery = Parameters<typeof api.projects.$get>[0]['query'];
export type LedgerQuery = Parameters<typeof api.funds.entries.$get>[0]['query'];
export type BalanceQuery = Parameters<typeof api.funds.balances.$get>[0]['query'];

export const listProjects = (query: ProjectQuery) => call(api.projects.$get({ query }));

export const fetchProject = (id: string) => call(api.projects[':id'].$get({ param: { id } }));
export const fetchQueue = (query: { limit?: string; offset?: string } = {}) => call(api.projects.queue.$get({ query }));
export const fetchPlan = (year: number) => call(api.projects.plan.$get({ query: { year: String(year) } }));
export const stepProject = (id: string, body: StepBody) => call(api.projects[':id'].steps.$post({ param: { id }, json: body }));
export const createProject = (body: CreateBody) => call(api.projects.$post({ json: body }));

export const listEntries = (query: LedgerQuery) => call(api.funds.entries.$get({ query }));
export const fetchBalances = (query: BalanceQuery) => call(api.funds.balances.$get({ query }));
export const postEntry = (body: PostEntryBody) => call(api.funds.entries.$post({ json: body }));

/** Element Plus tag colour of a chain state. */
export const stateTagType = (s: string): 'success' | 'warning' | 'danger' | 'info' | 'primary' =>
  s === '已完成'
    ? 'success'
    : s === '已驳回'
      ? 'danger'
      : s === '已撤回'
        ? 'info'
        : s === '村申报'
          ? 'info'
          : s === '实施' || s === '验收'
            ? 'primary'
            : 'warning';

/** 资金支出进度 (0…1 or null) → "42.5%". */
export const percent = (p: number | null | undefined): string => (p == null ? '—' : `${(p * 100).toFixed(1)}%`);
