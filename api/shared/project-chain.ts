// The project approval chain (扶贫项目库, docs/domain/projects-funds.md), in one place: the states,
// the actions allowed from each, where each leads and the permission it needs (who holds each
// permission is the permission table, permissions.ts). Pure data and pure functions — the domain
// (api/modules/projects), the web and the tests read the same table.
//
// 村申报 → 乡镇审核 → 县级审定 (入库) → 公告公示 (≥ 10 days, every objection answered) → 实施 → 验收
// → 资产移交 → 绩效评价 → 已完成. At each review step (乡镇审核, 县级审定) the project may be
// returned (退回 → 村申报) or rejected (驳回 → 已驳回), both with a reason; the village may withdraw
// it before approval (→ 已撤回). During 公告公示 objections are recorded and answered; during 实施
// progress notes are recorded. A project's state is the step it waits for.
import type { Permission } from './permissions.ts';

/** The approval chain in order; a project's state is the step it waits for. */
export const PROJECT_STAGES = ['村申报', '乡镇审核', '县级审定', '公告公示', '实施', '验收', '资产移交', '绩效评价'] as const;
/** Every state: the chain's steps and the end states (evaluated, rejected, withdrawn). */
export const PROJECT_STATES = [...PROJECT_STAGES, '已完成', '已驳回', '已撤回'] as const;
export type ProjectState = (typeof PROJECT_STATES)[number];
export type ProjectStage = (typeof PROJECT_STAGES)[number];
export const END_STATES: readonly ProjectState[] = ['已完成', '已驳回', '已撤回'];

/** Approved into the library (入库) and not ended by rejection or withdrawal: what the public sees. */
export const APPROVED_STATES: readonly ProjectState[] = ['公告公示', '实施', '验收', '资产移交', '绩效评价', '已完成'];

/** Past 验收: only these may be fully reimbursed. */
export const ACCEPTED_STATES: readonly ProjectState[] = ['资产移交', '绩效评价', '已完成'];

export function isAccepted(state: string): boolean {
  return (ACCEPTED_STATES as readonly string[]).includes(state);
}

export const isProjectState = (v: unknown): v is ProjectState => typeof v === 'string' && (PROJECT_STATES as readonly string[]).includes(v);

/** What a step of the log did (project_steps.action). */
export const STEP_ACTIONS = ['submit', 'approve', 'return', 'reject', 'withdraw', 'object', 'answer', 'progress'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** The review steps: approve, return (退回) or reject (驳回). */
export const REVIEW_STAGES = ['乡镇审核', '县级审定'] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];

/** The public notice runs at least 10 full days (240 hours from its start). */
export const NOTICE_DAYS = 10;
export const NOTICE_MS = NOTICE_DAYS * 24 * 60 * 60 * 1000;

/** The permissions of the chain (a subset of the permission table). */
export type ProjectPermission = Extract<Permission, `project.${string}`>;

export interface ChainStep {
  /** The state after the step (the same state for object, answer and progress). */
  to: ProjectState;
  permission: ProjectPermission;
  /** The note is required (return, reject, withdraw: the reason; object, answer, progress: the text). */
  noteRequired: boolean;
}

const step = (to: ProjectState, permission: ProjectPermission, noteRequired = false): ChainStep => ({ to, permission, noteRequired });
const withdraw = step('已撤回', 'project.withdraw', true);
const review = (stage: ReviewStage, next: ProjectState) => ({
  approve: step(next, `project.review.${stage}`),
  return: step('村申报', `project.review.${stage}`, true),
  reject: step('已驳回', `project.review.${stage}`, true),
  withdraw,
});

/** THE chain: for each state, the actions allowed from it. Anything else is refused (409) naming these. */
export const CHAIN: Record<ProjectState, Partial<Record<StepAction, ChainStep>>> = {
  村申报: { submit: step('乡镇审核', 'project.submit'), withdraw },
  乡镇审核: review('乡镇审核', '县级审定'),
  县级审定: review('县级审定', '公告公示'),
  公告公示: {
    approve: step('实施', 'project.notice'),
    object: step('公告公示', 'project.notice', true),
    answer: step('公告公示', 'project.notice', true),
  },
  实施: { approve: step('验收', 'project.implement'), progress: step('实施', 'project.implement', true) },
  验收: { approve: step('资产移交', 'project.accept') },
  资产移交: { approve: step('绩效评价', 'project.handover') },
  绩效评价: { approve: step('已完成', 'project.evaluate') },
  已完成: {},
  已驳回: {},
  已撤回: {},
};

/** The actions the chain allows from `state`, in the order of STEP_ACTIONS. */
export function actionsFrom(state: ProjectState): StepAction[] {
  const allowed = CHAIN[state] ?? {};
  return STEP_ACTIONS.filter((a) => allowed[a] !== undefined);
}

/** The step (target state, permission, whether a note is required), or undefined when illegal. */
export function chainStep(state: ProjectState, action: StepAction): ChainStep | undefined {
  return CHAIN[state]?.[action];
}

/** The permission `action` needs from `state` (undefined: the chain does not allow it). */
export const permissionFor = (state: ProjectState, action: StepAction): ProjectPermission | undefined => chainStep(state, action)?.permission;

/** The main forward action of a state (submit at 村申报, approve after): what an approval queue waits for. */
export function forwardAction(state: ProjectState): StepAction | undefined {
  return state === '村申报' ? 'submit' : CHAIN[state]?.approve ? 'approve' : undefined;
}

/** The states in which the main forward step needs `permission`. */
export const statesWaitingFor = (has: (p: ProjectPermission) => boolean): ProjectStage[] =>
  PROJECT_STAGES.filter((s) => {
    const a = forwardAction(s);
    const p = a && permissionFor(s, a);
    return !!p && has(p);
  });

/** English names of the chain's states and actions (messages; the web translates itself). */
export const PROJECT_EN: Record<string, string> = {
  村申报: 'village application',
  乡镇审核: 'township review',
  县级审定: 'county approval',
  公告公示: 'public notice',
  实施: 'implementation',
  验收: 'acceptance',
  资产移交: 'asset handover',
  绩效评价: 'performance evaluation',
  已完成: 'completed',
  已驳回: 'rejected',
  已撤回: 'withdrawn',
};

export const ACTION_ZH: Record<StepAction, string> = {
  submit: '申报',
  approve: '通过',
  return: '退回',
  reject: '驳回',
  withdraw: '撤回',
  object: '登记异议',
  answer: '答复异议',
  progress: '记录进度',
};
