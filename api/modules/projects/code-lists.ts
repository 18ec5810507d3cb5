// The project library's code lists (docs/domain/projects-funds.md): project types by category,
// the approval chain's states, step actions, benefit mechanisms, asset kinds. Pure data, no
// imports, so that the web, the seeds and the tests read the same lists. Migration 0025 keeps a
// frozen copy in its CHECK constraints; funds/code-lists.test.ts checks that the two agree.

/** 项目类型 by category (the national list). A project stores its type; the category follows. */
export const PROJECT_TYPE_CATEGORIES = {
  产业发展: ['种植业', '养殖业', '加工业', '休闲农业与乡村旅游', '光伏', '入股分红'],
  就业: ['以工代赈', '公益岗位', '技能培训', '就业补助'],
  基础设施: ['农村道路', '饮水工程', '电力', '危房改造', '人居环境'],
  公共服务: ['教育', '卫生', '文化'],
  易地扶贫搬迁后续扶持: ['易地扶贫搬迁后续扶持'],
  金融: ['小额信贷贴息'],
  其他: ['其他'],
} as const;

export type ProjectCategory = keyof typeof PROJECT_TYPE_CATEGORIES;
export type ProjectType = (typeof PROJECT_TYPE_CATEGORIES)[ProjectCategory][number];

export const PROJECT_TYPES: readonly ProjectType[] = Object.values(PROJECT_TYPE_CATEGORIES).flat();

export function categoryOf(type: string): ProjectCategory | undefined {
  for (const [category, types] of Object.entries(PROJECT_TYPE_CATEGORIES)) {
    if ((types as readonly string[]).includes(type)) return category as ProjectCategory;
  }
  return undefined;
}

// The approval chain's states and actions live in api/shared/project-chain.ts (shared with the web);
// re-exported here so that the project lists stay in one import.
export {
  ACCEPTED_STATES,
  APPROVED_STATES,
  isAccepted,
  PROJECT_STAGES,
  PROJECT_STATES,
  type ProjectState,
  STEP_ACTIONS,
  type StepAction,
} from '../../shared/project-chain.ts';

/** 联农带农: how a beneficiary household benefits. */
export const BENEFIT_MECHANISMS = ['务工', '分红', '产业奖补', '资产收益'] as const;
export type BenefitMechanism = (typeof BENEFIT_MECHANISMS)[number];

/** 扶贫项目资产 kinds. */
export const ASSET_KINDS = ['经营性', '公益性', '到户类'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** 项目附件: the documents a project gathers (scans as PDF or image). Migration 0028 keeps a copy. */
export const ATTACHMENT_KINDS = ['村民会议记录', '实施方案', '批复文件', '合同', '验收报告', '报账凭证', '其他'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** 项目照片: the stage a photo shows (before / during / after). Migration 0028 keeps a copy. */
export const PHOTO_STAGES = ['实施前', '实施中', '实施后'] as const;
export type PhotoStage = (typeof PHOTO_STAGES)[number];
