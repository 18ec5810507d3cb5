// Types and small helpers for status procedures (业务流程), from the API's typed client.
import { STAGES } from '@shared/state-machine.ts';
import { api, call, type Ok } from '../../api.ts';

export type ProcedureDetail = Ok<Awaited<ReturnType<(typeof api.procedures)[':id']['$get']>>>;
export type ProcedurePage = Ok<Awaited<ReturnType<typeof api.procedures.$get>>>;
export type ProcedureSummary = ProcedurePage['items'][number];
export type StepAction = ProcedureDetail['allowedActions'][number];
export type StartBody = Parameters<typeof api.procedures.$post>[0]['json'];
export type ProcedureType = StartBody['type'];

/** The sign-off chain, in order (村级评议 → 村内公示 7 天 → 乡镇审核 → 县级审定). */
export const CHAIN = STAGES;

export const fetchProcedure = (id: string) => call(api.procedures[':id'].$get({ param: { id } }));

export function listProcedures(query: {
  householdId?: string;
  status?: 'open' | 'completed' | 'rejected' | 'withdrawn';
  actionable?: 'true';
  area?: string;
  limit?: number;
  offset?: number;
}) {
  const { limit, offset, ...rest } = query;
  return call(
    api.procedures.$get({
      query: { ...rest, ...(limit != null ? { limit: String(limit) } : {}), ...(offset != null ? { offset: String(offset) } : {}) },
    }),
  );
}
