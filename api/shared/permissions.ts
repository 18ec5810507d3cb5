// THE permission table: which role may do what. Nothing else names roles to decide an action:
// the server's guard (api/http/permission.ts, requirePermission) and its domain checks call can();
// /api/auth/me hands the web the session's list (account.can), from which the web decides what to
// show (session.can(...)). A permission says WHAT a role may do; the account's area (Scope,
// api/modules/auth/scope.ts) says WHERE — its own village, township, county or the area below.
// Pure data: server, web and seeds import it (decision 0020).
import type { Role } from './roles.ts';
import type { ReviewStage } from './project-chain.ts';
import type { Stage } from './state-machine.ts';

/** Roles that change data; the others (纪检监察, 村监委) only read. */
const WRITERS = ['village_cadre', 'township_officer', 'county_official', 'admin'] as const satisfies readonly Role[];
/** 备案: the prefecture's and the province's offices read the projects and the ledger of their area and export them, nothing else. */
const FILING = ['prefecture_official', 'province_official'] as const satisfies readonly Role[];
/** Roles whose work needs personal data (domain doc: the cadres and offices, and the inspectors). */
const PERSONAL_DATA = ['village_cadre', 'township_officer', 'county_official', 'inspector'] as const satisfies readonly Role[];

export const PERMISSIONS = {
  /** Change data in the area: the card, visits, photos, candidates, findings' review … */
  'data.write': WRITERS,
  /** Reveal a masked ID number, phone or bank account (audited); officials' phones in full. */
  'personal.reveal': PERSONAL_DATA,
  /** Read health details (健康状况, 残疾, 病种) and photos that may show people. */
  'personal.health': PERSONAL_DATA,
  /** Ask an export (Excel, findings CSV) for unmasked values (audited). */
  'export.unmasked': PERSONAL_DATA,
  /** Start a procedure (识别纳入 … 清退) on a household. */
  'procedure.start': ['village_cadre', 'township_officer', 'county_official'],
  /** Approve or reject a procedure at each stage of the sign-off chain. */
  'procedure.signoff.村级评议': ['village_cadre'],
  'procedure.signoff.村内公示': ['village_cadre'],
  'procedure.signoff.乡镇审核': ['township_officer'],
  'procedure.signoff.县级审定': ['county_official'],
  /** Record and answer objections during 村内公示 (objections come from villagers). */
  'procedure.object': ['village_cadre', 'township_officer'],
  /** Withdraw an open procedure (the account that started it may, too). */
  'procedure.withdraw': ['township_officer', 'county_official'],
  /** Import the national registry export (贫困人口明细). */
  'registry.import': ['county_official', 'township_officer', 'admin'],
  /** Import department data and run the cross-check. */
  'crosscheck.run': ['county_official', 'admin'],
  /** Review cross-check findings (confirm, dismiss, visit, resolve, reopen). */
  'finding.review': WRITERS,
  /** Open 账号管理: create, disable, reset and unlock the accounts the role manages. */
  'accounts.manage': ['admin', 'county_official'],
  /** Manage every account, everywhere; the other managers manage COUNTY_MANAGED_ROLES in their county. */
  'accounts.manageAll': ['admin'],
  /** Set the county's yearly standards (年度标准): lines and thresholds. */
  'countySettings.edit': ['county_official'],
  /** Read the fund ledger of the area: entries, balances, 资金支出进度, a village's figures (村监委: its village). */
  'funds.read': ['village_cadre', 'township_officer', 'county_official', 'inspector', 'village_supervisor', 'admin', ...FILING],
  /** Record the county's money: 下达 (allocation) and 拨付 (disbursement) in the fund ledger (县级审批). */
  'funds.allocate': ['county_official', 'admin'],
  /** Record spending: 报账 (reimbursement) and 到户 (payments to households) (乡镇报账). */
  'funds.spend': ['township_officer', 'county_official', 'admin'],
  // ── The project library (扶贫项目库) and its approval chain (project-chain.ts) ──
  /** Read the area's projects, their steps, beneficiaries, assets and money (一个项目、多人监管). */
  'project.read': ['village_cadre', 'township_officer', 'county_official', 'inspector', 'village_supervisor', 'admin', ...FILING],
  /** Draft a project (the village in its own village; the township and county in their area) and revise it while 村申报. */
  'project.create': ['village_cadre', 'township_officer', 'county_official'],
  /** Submit the project (村申报 → 乡镇审核). */
  'project.submit': ['village_cadre'],
  /** Withdraw the project before approval (→ 已撤回): the village that proposed it. */
  'project.withdraw': ['village_cadre'],
  /** Approve, return (退回) or reject (驳回) at each review step. */
  'project.review.乡镇审核': ['township_officer'],
  'project.review.县级审定': ['county_official'],
  /** Run the public notice: record and answer objections, close it after 10 days (→ 实施). */
  'project.notice': ['county_official'],
  /** Record progress and finish implementation (→ 验收). */
  'project.implement': ['township_officer'],
  /** Accept the project (验收 → 资产移交). */
  'project.accept': ['township_officer', 'county_official'],
  /** Register the assets (确权) and hand them over (→ 绩效评价). */
  'project.handover': ['county_official'],
  /** Evaluate performance (→ 已完成). */
  'project.evaluate': ['county_official'],
  /** Read the oversight alerts on projects, ledger entries and procedures (一个项目、多人监管). */
  'oversight.read': ['inspector', 'county_official', 'township_officer'],
  /** Read the comments on the area's projects (the village supervisor: its village's projects). */
  'oversight.readComments': ['inspector', 'county_official', 'township_officer', 'village_cadre', 'village_supervisor'],
  /** Comment on a project or one of its ledger entries: the inspector and the officials. */
  'oversight.comment': ['inspector', 'county_official', 'township_officer'],
  /** Raise an alert by hand, and close an alert: the discipline inspector. */
  'oversight.alert': ['inspector'],
  /** Run the anomaly rules for the county now (as `dripline oversight run` does): the county office and the inspector. */
  'oversight.run': ['county_official', 'inspector'],
  /** Answer an alert: the responsible office (县扶贫办, 乡镇). */
  'oversight.answer': ['county_official', 'township_officer'],
  // ── SMS for village supervisors and villagers (issue 17, docs/domain/sms.md) ──
  /** Read the SMS roster of the area, phones masked (村监委: its own village's). */
  'sms.roster.read': ['county_official', 'township_officer', 'village_supervisor'],
  /** Keep the roster: add, edit, opt in or out, import from Excel; reveal a phone (audited). */
  'sms.roster.manage': ['county_official', 'township_officer'],
  /** Read what each village will receive (preview) and the messages sent and received, phones masked. */
  'sms.read': ['county_official', 'township_officer', 'inspector'],
  /** Start a month's batch of summaries and retry failed messages. */
  'sms.send': ['county_official'],
} as const satisfies Record<string, readonly Role[]> &
  Record<`procedure.signoff.${Stage}`, readonly Role[]> &
  Record<`project.review.${ReviewStage}`, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/** Whether `role` may do `permission` (where: the caller's scope decides). */
export function can(role: Role | null | undefined, permission: Permission): boolean {
  return !!role && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Every permission of `role`, in the table's order (what /api/auth/me returns as `can`). */
export const permissionsOf = (role: Role): Permission[] => PERMISSION_NAMES.filter((p) => can(role, p));

/** The permission to approve or reject at `stage`. */
export const signoff = (stage: Stage) => `procedure.signoff.${stage}` as const;

/**
 * Roles a manager without `accounts.manageAll` (县扶贫办) manages in its own county: those below
 * it. Never an admin, another county official or the discipline inspector who oversees the office.
 */
export const COUNTY_MANAGED_ROLES = ['township_officer', 'village_cadre', 'village_supervisor'] as const satisfies readonly Role[];
