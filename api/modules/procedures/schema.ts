// Request/response schemas of status procedures and county settings (zod 4, shared with the web
// through the typed client). Payload schemas per procedure type live here too: the domain parses
// a payload with PAYLOAD_SCHEMAS[type], so startProcedure called from other modules is validated
// the same way as the HTTP body.
import { z } from '@hono/zod-openapi';
import { IDENTIFICATION_STANDARDS, MONITORING_CATEGORIES, POVERTY_CAUSES, PROCEDURE_ORIGINS, RISK_TYPES } from '../households/code-lists.ts';
import {
  EVIDENCE_KINDS,
  HOUSEHOLD_STATES,
  NATURAL_DECREASE_REASONS,
  PROCEDURE_STATUSES,
  PROCEDURE_TYPES,
  REMOVAL_REASONS,
  STAGES,
  STEP_ACTIONS,
} from './state-machine.ts';

const year = z.number().int().min(2013).max(2100);
const riskTypes = z.array(z.enum(RISK_TYPES)).min(1).max(RISK_TYPES.length);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

// ── Payloads per procedure type ─────────────────────────────────────────────────────────────────
export const PAYLOAD_SCHEMAS = {
  识别纳入: z
    .object({
      identifiedYear: year.openapi({ description: '识别年度' }),
      identificationStandard: z.enum(IDENTIFICATION_STANDARDS).optional(),
      mainCause: z.enum(POVERTY_CAUSES).optional(),
      otherCauses: z.array(z.enum(POVERTY_CAUSES)).max(POVERTY_CAUSES.length).optional(),
    })
    .strict(),
  监测对象认定: z
    .object({ monitoringCategory: z.enum(MONITORING_CATEGORIES), riskTypes, year: year.optional().openapi({ description: '纳入监测年度' }) })
    .strict(),
  标注脱贫: z.object({ exitYear: year.optional().openapi({ description: '脱贫年度; default: the year of the latest income record' }) }).strict(),
  风险消除: z.object({ year: year.optional().openapi({ description: 'Year of 风险消除; default: the latest income record' }) }).strict(),
  返贫: z.object({ mainCause: z.enum(POVERTY_CAUSES).optional(), year: year.optional() }).strict(),
  再次纳入: z.object({ monitoringCategory: z.enum(MONITORING_CATEGORIES), riskTypes, year: year.optional() }).strict(),
  自然减少: z
    .object({
      reasonCode: z.enum(NATURAL_DECREASE_REASONS),
      /** Members still 正常/失踪 on the card, with the status they get when the county approves. */
      members: z
        .array(z.object({ memberId: z.uuid(), personStatus: z.enum(['死亡', '迁出']), statusDate: isoDate }).strict())
        .max(30)
        .default([]),
    })
    .strict(),
  清退: z.object({ reasonCode: z.enum(REMOVAL_REASONS) }).strict(),
} as const;

export type PayloadOf<T extends keyof typeof PAYLOAD_SCHEMAS> = z.infer<(typeof PAYLOAD_SCHEMAS)[T]>;

// ── Requests ────────────────────────────────────────────────────────────────────────────────────
export const Evidence = z
  .object({
    text: z.string().trim().min(1).max(4000).openapi({ description: 'What was seen, checked or received' }),
    references: z
      .array(
        z
          .object({
            kind: z.enum(EVIDENCE_KINDS),
            id: z.uuid().optional(),
            title: z.string().trim().max(200).optional(),
            url: z.string().trim().max(500).optional(),
          })
          .strict(),
      )
      .max(50)
      .default([]),
  })
  .strict()
  .openapi('ProcedureEvidence');

export const StartProcedureBody = z
  .object({
    id: z.uuid().optional().openapi({ description: 'Client-generated UUID (a retry with the same id returns the same procedure)' }),
    householdId: z.uuid(),
    type: z.enum(PROCEDURE_TYPES),
    origin: z.enum(PROCEDURE_ORIGINS).openapi({
      description: 'Where it came from: 农户申请 (the household applied), 干部走访 (a cadre’s visit), 部门预警 (a department’s data: name the finding)',
    }),
    findingId: z.uuid().optional().openapi({ description: '部门预警: the cross-check finding that raised it (required then, refused otherwise)' }),
    reason: z.string().trim().min(1).max(2000),
    evidence: Evidence,
    payload: z
      .record(z.string(), z.unknown())
      .default({})
      .openapi({ description: 'Per type: see PAYLOAD_SCHEMAS (识别纳入 {identifiedYear…}, 监测对象认定 {monitoringCategory, riskTypes}, …)' }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.origin === '部门预警' && !b.findingId) ctx.addIssue({ code: 'custom', path: ['findingId'], params: { key: 'procedure.findingRequired' } });
    if (b.origin !== '部门预警' && b.findingId) ctx.addIssue({ code: 'custom', path: ['findingId'], params: { key: 'procedure.findingOnlyForAlert' } });
  })
  .openapi('StartProcedureBody');

export const StepBody = z
  .object({
    action: z.enum(STEP_ACTIONS),
    note: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .openapi({ description: 'Required for 村级评议 approval (the appraisal result), reject, withdraw, object and answer' }),
    objectionId: z.uuid().optional().openapi({ description: 'For answer: the objection step answered' }),
    version: z.number().int().min(1).optional().openapi({ description: 'The procedure version the client saw; a stale one gets 409' }),
  })
  .strict()
  .openapi('ProcedureStepBody');

export const ProcedureIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const ProcedureListQuery = z.object({
  householdId: z.uuid().optional(),
  status: z.enum(PROCEDURE_STATUSES).optional(),
  type: z.enum(PROCEDURE_TYPES).optional(),
  stage: z.enum(STAGES).optional(),
  area: z
    .string()
    .regex(/^\d{2,12}$/)
    .optional()
    .openapi({ description: 'Area code prefix (county, township or village)' }),
  actionable: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'true: only open procedures waiting at a stage the caller’s role signs off (the review queue)' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

// ── Responses ───────────────────────────────────────────────────────────────────────────────────
export const StepView = z
  .object({
    id: z.string(),
    seq: z.number(),
    stage: z.string(),
    action: z.string(),
    note: z.string().nullable(),
    objectionId: z.string().nullable(),
    actorName: z.string(),
    actorRole: z.string(),
    at: z.string(),
  })
  .openapi('ProcedureStep');

export const ProcedureSummary = z
  .object({
    id: z.string(),
    householdId: z.string(),
    householdNo: z.string(),
    headName: z.string(),
    countyCode: z.string(),
    villageCode: z.string(),
    villageName: z.string(),
    type: z.enum(PROCEDURE_TYPES),
    status: z.enum(PROCEDURE_STATUSES),
    stage: z.enum(STAGES).nullable(),
    fromState: z.string(),
    toState: z.string(),
    reason: z.string(),
    origin: z.enum(PROCEDURE_ORIGINS).nullable().openapi({ description: '农户申请 / 干部走访 / 部门预警; null for procedures started before it was recorded' }),
    findingId: z.string().nullable().openapi({ description: '部门预警: the finding that raised it' }),
    startedByName: z.string(),
    startedByRole: z.string(),
    publicityStartedAt: z.string().nullable(),
    publicityEndsAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ProcedureSummary');

export const ProcedureView = ProcedureSummary.extend({
  evidence: z.object({
    text: z.string(),
    references: z.array(z.object({ kind: z.string(), id: z.string().optional(), title: z.string().optional(), url: z.string().optional() })),
  }),
  payload: z.record(z.string(), z.unknown()),
  householdState: z.string().openapi({ description: `The household's state now: ${HOUSEHOLD_STATES.join(' / ')}` }),
  steps: z.array(StepView),
  openObjections: z.number(),
  allowedActions: z.array(z.enum(STEP_ACTIONS)).openapi({ description: 'What the caller may do now' }),
}).openapi('Procedure');

export const ProcedureList = z.object({ items: z.array(ProcedureSummary), total: z.number() }).openapi('ProcedureList');

// ── County settings ─────────────────────────────────────────────────────────────────────────────
const fen = z.number().int().min(1).max(100_000_000);

export const CountyParam = z.object({
  countyCode: z
    .string()
    .regex(/^\d{6}$/)
    .openapi({ param: { name: 'countyCode', in: 'path' }, example: '522324' }),
});

export const CountyYearParam = z.object({
  countyCode: z
    .string()
    .regex(/^\d{6}$/)
    .openapi({ param: { name: 'countyCode', in: 'path' }, example: '522324' }),
  year: z.coerce
    .number()
    .int()
    .min(2013)
    .max(2100)
    .openapi({ param: { name: 'year', in: 'path' }, example: 2025 }),
});

export const CountySettingsBody = z
  .object({
    povertyLineFen: fen.openapi({ description: '贫困线: per-capita net income per year, integer fen (460000 = 4,600.00 元)' }),
    monitoringLineFen: fen.openapi({ description: '监测线 (监测范围收入标准), integer fen' }),
    medicalSelfPayThresholdFen: fen
      .nullable()
      .optional()
      .openapi({ description: 'Medical self-pay alert (MEDICAL_RISK of the cross-check), fen; null: the catalogue default 10,000 元' }),
    riskEliminationMonths: z
      .number()
      .int()
      .min(1)
      .max(36)
      .optional()
      .openapi({ description: 'Months under monitoring before 风险消除 may be marked (default 6; absent on a change: kept)' }),
    medicalWindowMonths: z.number().int().min(1).max(36).optional().openapi({
      description: 'Months of discharges (up to the cross-check’s as-of date) whose self-pay the medical alert sums (default 12; absent on a change: kept)',
    }),
    version: z.number().int().min(1).max(2_147_483_647).optional().openapi({ description: 'Required to change existing settings (optimistic concurrency)' }),
  })
  .strict()
  .refine((b) => b.monitoringLineFen >= b.povertyLineFen, { path: ['monitoringLineFen'], params: { key: 'countySettings.monitoringBelowPoverty' } })
  .openapi('CountySettingsBody');

export const CountySettingsView = z
  .object({
    countyCode: z.string(),
    year: z.number(),
    povertyLineFen: z.number(),
    monitoringLineFen: z.number(),
    medicalSelfPayThresholdFen: z.number().nullable(),
    riskEliminationMonths: z.number(),
    medicalWindowMonths: z.number(),
    version: z.number(),
    updatedAt: z.string(),
  })
  .openapi('CountySettings');

export const CountySettingsList = z
  .object({ items: z.array(CountySettingsView).openapi({ description: 'Every year set, latest first' }) })
  .openapi('CountySettingsList');
