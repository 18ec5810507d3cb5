// The household: the list and its search, the whole card (the response), and the household's edits.
import { z } from '@hono/zod-openapi';
import { isMobilePhone } from '../../../shared/mask.ts';
import {
  HOUSEHOLD_STATUSES,
  HOUSEHOLD_TYPES,
  IDENTIFICATION_STANDARDS,
  MAIN_CAUSES,
  MONITORING_CATEGORIES,
  POVERTY_CAUSES,
  RISK_TYPES,
} from '../code-lists.ts';
import { REGISTRY_STATES } from '../../procedures/state-machine.ts';
import { HOUSEHOLD_TODOS, VISIT_INTERVAL_DAYS, VISIT_INTERVAL_DAYS_MONITORED } from '../../../shared/todo.ts';
import { PROCEDURE_FIELDS } from '../households.ts';
import { LocationInput, Phone, Year, optText } from './fields.ts';
import { MemberView } from './members.ts';
import { YearView } from './years.ts';
import { CadreView, MeasureView, PhotoView, VisitView } from './records.ts';
import { WorkTeamView } from './work-teams.ts';

// ── List and search ─────────────────────────────────────────────────────────────────────────
/** The list's default count limit (a larger result shows as "1000+"; exports count exactly). */
export const LIST_COUNT_LIMIT = 1000;
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
export const HouseholdListQuery = z.object({
  area: z
    .string()
    .regex(/^\d{2,15}$/)
    .optional()
    .openapi({ description: 'Area code prefix (county, township or village)' }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .optional()
    .openapi({ description: '户编号 (prefix), head or member name (prefix), pinyin initials (e.g. "zs"), or ID number' }),
  status: z.enum(HOUSEHOLD_STATUSES).optional(),
  householdType: z.enum(HOUSEHOLD_TYPES).optional(),
  monitoringCategory: z.enum(MONITORING_CATEGORIES).optional(),
  registryState: z.enum(REGISTRY_STATES).optional().openapi({
    description: '在册状态: 在册, 待识别 (candidate), 自然减少 or 清退 (left the registry; set by procedures)',
  }),
  cause: z
    .enum([...new Set([...POVERTY_CAUSES, ...RISK_TYPES])] as [string, ...string[]])
    .optional()
    .openapi({
      description: 'Main or other cause, or risk type',
    }),
  guaranteeUnmet: bool.optional().openapi({ description: 'Latest year has a 两不愁三保障/饮水 guarantee answered “no”' }),
  todo: z
    .enum(HOUSEHOLD_TODOS)
    .optional()
    .openapi({
      description: `A to-do of the workbench: visitOverdue (在册, not visited within ${VISIT_INTERVAL_DAYS_MONITORED} days for a 监测户, ${VISIT_INTERVAL_DAYS} otherwise), incomplete (在册 with a required field missing: phone, location, cause, bank account), riskEliminationDue (在册 监测户 whose months under monitoring have passed, no open procedure)`,
    }),
  exactTotal: bool.optional().openapi({
    description: `Count every match; by default the total stops at ${LIST_COUNT_LIMIT} (totalCapped: true) to keep search fast`,
  }),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  pageSize: z.coerce.number().int().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional().openapi({ description: 'Alternative to pageSize' }),
  offset: z.coerce.number().int().min(0).optional().openapi({ description: 'Alternative to page' }),
});

export const HouseholdListItem = z
  .object({
    id: z.string(),
    householdNo: z.string(),
    headName: z.string(),
    villageCode: z.string(),
    villageName: z.string(),
    status: z.string(),
    registryState: z.enum(REGISTRY_STATES).openapi({ description: '在册状态 (set by procedures)' }),
    householdType: z.string(),
    monitoringCategory: z.string().nullable(),
    mainCause: z.string().nullable(),
    memberCount: z.number(),
    phone: z.string().nullable().openapi({ description: 'Masked' }),
    location: z.tuple([z.number(), z.number()]).nullable(),
    version: z.number(),
  })
  .openapi('HouseholdListItem');

export const HouseholdList = z
  .object({
    items: z.array(HouseholdListItem),
    total: z.number(),
    totalCapped: z.boolean().openapi({ description: 'True when there are more than `total` matches (ask exactTotal=true)' }),
    page: z.number(),
    pageSize: z.number(),
  })
  .openapi('HouseholdList');

// ── Card (response) ─────────────────────────────────────────────────────────────────────────
export const HouseholdView = z
  .object({
    id: z.string(),
    countyCode: z.string(),
    villageCode: z.string(),
    villageName: z.string(),
    groupName: z.string().nullable(),
    householdNo: z.string(),
    headName: z.string(),
    address: z.string().nullable(),
    location: z.tuple([z.number(), z.number()]).nullable(),
    locationAccuracyM: z.number().nullable(),
    locationAt: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: 'Masked' }),
    bankName: z.string().nullable(),
    bankAccount: z.string().nullable().openapi({ description: 'Masked (****1234)' }),
    householdType: z.string(),
    identificationStandard: z.string().nullable(),
    status: z.string(),
    registryState: z.enum(REGISTRY_STATES).openapi({ description: '在册状态: 在册, 待识别, 自然减少 or 清退 (set by procedures)' }),
    monitoringCategory: z.string().nullable(),
    identifiedYear: z.number().nullable(),
    exitYear: z.number().nullable(),
    mainCause: z.string().nullable(),
    otherCauses: z.array(z.string()),
    riskTypes: z.array(z.string()),
    isMilitaryFamily: z.boolean().nullable().openapi({ description: '是否军烈属: true 是, false 否, null 未填' }),
    isRelocated: z.boolean().nullable().openapi({ description: '是否易地扶贫搬迁户: true 是, false 否, null 未填' }),
    relocationSite: z.string().nullable(),
    relocationYear: z.number().nullable(),
    reportedIncomePerCapita: z.string().nullable().openapi({ description: 'As imported from the registry (yuan)' }),
    version: z.number(),
    members: z.array(MemberView),
    years: z.array(YearView).openapi({ description: 'All 收入年度 snapshots, latest first' }),
    cadres: z.array(CadreView),
    measures: z.array(MeasureView),
    visits: z.array(VisitView),
    photos: z.array(PhotoView),
    workTeams: z.array(WorkTeamView).openapi({ description: '驻村工作队 of the village' }),
    settings: z
      .object({ year: z.number(), povertyLine: z.number(), monitoringLine: z.number() })
      .nullable()
      .openapi({ description: 'County lines (fen) for the latest year on the card' }),
    countyLines: z.array(z.object({ year: z.number(), povertyLine: z.number(), monitoringLine: z.number() })).openapi({
      description:
        'The county’s poverty and monitoring lines (fen) for every year it has set, latest first: a year without a record on the card yet is shown against them',
    }),
    monitoring: z.object({ since: z.string(), riskEliminationFrom: z.string(), months: z.number() }).nullable().openapi({
      description:
        '监测户: when the county approved its monitoring, and the first moment 风险消除 may be marked (`months` later, the county setting of this year); null otherwise or when not known (monitored before it was imported)',
    }),
    privacy: z.object({
      canReveal: z.boolean().openapi({ description: 'The role may reveal ID numbers, phones and bank accounts (audited)' }),
      hidden: z.array(z.string()).openapi({ description: 'Fields withheld from this role (e.g. members.health)' }),
      unreadable: z.array(z.string()).openapi({
        description:
          'Fields this role may not read in full (withheld, or masked without a reveal) and therefore may not change: leave them out of writes (a write including one is refused with 403)',
      }),
    }),
  })
  .openapi('Household');

// ── Household edits ─────────────────────────────────────────────────────────────────────────

const procedureGuard = (o: Record<string, unknown>, ctx: z.RefinementCtx) => {
  for (const f of PROCEDURE_FIELDS) {
    if (o[f] !== undefined) ctx.addIssue({ code: 'custom', path: [f], params: { key: 'household.statusByProcedure' } });
  }
  if (o.headName !== undefined) ctx.addIssue({ code: 'custom', path: ['headName'], params: { key: 'household.headNameByMember' } });
};

export const HouseholdPatch = z
  .object({
    version: z.number().int().min(1),
    groupName: optText(50),
    address: optText(200),
    location: LocationInput.nullable().optional(),
    phone: Phone.nullable().optional(),
    bankName: optText(50),
    bankAccount: z
      .string()
      .trim()
      .regex(/^\d{8,30}$/)
      .nullable()
      .optional()
      .openapi({ description: '一折通 account (digits)' }),
    householdType: z.enum(HOUSEHOLD_TYPES).optional(),
    identificationStandard: z.enum(IDENTIFICATION_STANDARDS).nullable().optional(),
    mainCause: z.enum(MAIN_CAUSES).nullable().optional().openapi({ description: '主要致贫原因 (or, for a monitoring household, its main risk type)' }),
    otherCauses: z.array(z.enum(POVERTY_CAUSES)).max(11).optional(),
    isMilitaryFamily: z.boolean().nullable().optional().openapi({ description: 'null: 未填' }),
    isRelocated: z.boolean().nullable().optional().openapi({ description: 'null: 未填' }),
    relocationSite: optText(100),
    relocationYear: Year.nullable().optional(),
    // Refused (procedures or the 户主 member change them); listed so the message can say why.
    status: z.unknown().optional(),
    riskTypes: z.unknown().optional(),
    registryState: z.unknown().optional(),
    monitoringCategory: z.unknown().optional(),
    exitYear: z.unknown().optional(),
    identifiedYear: z.unknown().optional(),
    headName: z.unknown().optional(),
  })
  .strict()
  .superRefine(procedureGuard)
  .openapi('HouseholdPatch');

export const ContactPatch = z
  .object({
    version: z.number().int().min(1).max(2_147_483_647),
    address: z.string().trim().max(200).nullable().optional(),
    groupName: z.string().trim().max(50).nullable().optional(),
    phone: z
      .string()
      .refine(isMobilePhone, { params: { key: 'phone.invalid' } })
      .nullable()
      .optional(),
  })
  .strict()
  .openapi('HouseholdContactPatch');
