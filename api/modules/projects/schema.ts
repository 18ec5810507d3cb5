// Request/response schemas of the project library (zod 4, shared with the web through the typed
// client). The domain parses its input with the same schemas (createProject and step may be called
// from other modules and the factories too). Amounts: integer fen, or yuan as text (at most two
// decimals, money.ts); never a float of yuan.
import { z } from '@hono/zod-openapi';
import { FUND_SOURCES } from '../funds/code-lists.ts';
import { fenToYuan, MAX_AMOUNT_FEN, parseYuan } from '../../shared/money.ts';
import { PROJECT_STATES, STEP_ACTIONS } from '../../shared/project-chain.ts';
import { ASSET_KINDS, ATTACHMENT_KINDS, BENEFIT_MECHANISMS, PHOTO_STAGES, PROJECT_TYPES, type ProjectType } from './code-lists.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const villageCode = z.string().regex(/^\d{12}$/);
const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).nullable().optional();

// ── Geometry (GeoJSON, SRID 4326) ───────────────────────────────────────────────────────────────
const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const line = z.array(position).min(2).max(20_000);
const ring = z
  .array(position)
  .min(4)
  .max(20_000)
  .refine((r) => r[0]?.[0] === r.at(-1)?.[0] && r[0]?.[1] === r.at(-1)?.[1], { params: { key: 'project.ringNotClosed' } });
const polygon = z.array(ring).min(1).max(500);

export const GeoJsonGeometry = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('Point'), coordinates: position }).strict(),
    z.object({ type: z.literal('LineString'), coordinates: line }).strict(),
    z.object({ type: z.literal('Polygon'), coordinates: polygon }).strict(),
    z.object({ type: z.literal('MultiPoint'), coordinates: z.array(position).min(1).max(20_000) }).strict(),
    z.object({ type: z.literal('MultiLineString'), coordinates: z.array(line).min(1).max(500) }).strict(),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon).min(1).max(500) }).strict(),
  ])
  .openapi('ProjectGeometry', {
    description: 'GeoJSON in WGS 84 (lon, lat): a point for a facility, a line for a road or pipe, a polygon for land; multi-parts allowed',
  });
export type GeoJsonGeometry = z.infer<typeof GeoJsonGeometry>;

// ── Amounts ─────────────────────────────────────────────────────────────────────────────────────
type Ctx = z.core.$RefinementCtx;

/** Exactly one of `<name>Fen` (integer) / `<name>Yuan` (text, ≤ 2 decimals), positive (or ≥ 0), within the limit. */
function checkAmount(v: Record<string, unknown>, name: 'amount' | 'value', ctx: Ctx, allowZero = false) {
  const fenKey = `${name}Fen`;
  const yuanKey = `${name}Yuan`;
  const fen = v[fenKey];
  const yuan = v[yuanKey];
  const issue = (path: string, key: string, values?: Record<string, string>) => ctx.addIssue({ code: 'custom', path: [path], params: { key, values } });
  if ((fen === undefined) === (yuan === undefined)) return issue(fenKey, 'funds.amountOne');
  let amount: number;
  let path: string;
  if (typeof yuan === 'string') {
    path = yuanKey;
    const p = parseYuan(yuan);
    if (!p.ok) {
      if (p.reason === 'decimals') return issue(path, 'funds.amountDecimals');
      if (p.reason === 'tooLarge') return issue(path, 'funds.amountTooLarge', { max: fenToYuan(MAX_AMOUNT_FEN) });
      return issue(path, /^\s*-/.test(yuan) ? 'funds.amountPositive' : 'field.format');
    }
    amount = p.fen;
  } else {
    path = fenKey;
    amount = fen as number;
    if (!Number.isInteger(amount)) return issue(path, 'funds.amountFen');
  }
  if (amount < 0 || (amount === 0 && !allowZero)) issue(path, 'funds.amountPositive');
  else if (amount > MAX_AMOUNT_FEN) issue(path, 'funds.amountTooLarge', { max: fenToYuan(MAX_AMOUNT_FEN) });
}

/** The amount in fen of an input that passed checkAmount. */
export function fenOf(v: { amountFen?: number; amountYuan?: string } | { valueFen?: number; valueYuan?: string }): number {
  const fen = 'amountFen' in v ? v.amountFen : 'valueFen' in v ? v.valueFen : undefined;
  const yuan = 'amountYuan' in v ? v.amountYuan : 'valueYuan' in v ? v.valueYuan : undefined;
  if (fen !== undefined) return fen;
  const p = parseYuan(yuan ?? '');
  return p.ok ? p.fen : Number.NaN;
}

const fenField = z.number().openapi({ description: 'Integer fen (1 yuan = 100 fen)' });
const yuanField = z.string().max(20).openapi({ description: 'Yuan as text, at most two decimals: "1234.56"' });

export const BudgetLineInput = z
  .object({
    source: z.enum(FUND_SOURCES),
    amountFen: fenField.optional(),
    amountYuan: yuanField.optional(),
    note: optionalText(500),
  })
  .strict()
  .superRefine((v, ctx) => checkAmount(v, 'amount', ctx))
  .openapi('ProjectBudgetLineInput');

export const BeneficiaryInput = z
  .object({
    householdId: z.uuid(),
    mechanism: z.enum(BENEFIT_MECHANISMS),
    note: optionalText(500),
  })
  .strict();

export const PerformanceTargets = z
  .object({
    output: z
      .object({
        quantity: optionalText(500),
        quality: optionalText(500),
        timeliness: optionalText(500),
        costFen: z.number().int().min(0).max(MAX_AMOUNT_FEN).nullable().optional(),
      })
      .strict()
      .optional(),
    benefit: z
      .object({
        households: z.number().int().min(0).max(1_000_000).nullable().optional(),
        people: z.number().int().min(0).max(10_000_000).nullable().optional(),
        incomeIncreaseFen: z.number().int().min(0).max(MAX_AMOUNT_FEN).nullable().optional(),
        satisfactionPct: z.number().min(0).max(100).nullable().optional(),
        other: optionalText(1000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('ProjectPerformanceTargets', {
    description: '绩效目标: output (数量, 质量, 时效, 成本) and benefit (households and people, income increase, satisfaction %)',
  });

export const AssetInput = z
  .object({
    name: text(200).min(1),
    kind: z.enum(ASSET_KINDS),
    valueFen: fenField.optional(),
    valueYuan: yuanField.optional(),
    owner: text(200).min(1).openapi({ description: '所有权人' }),
    manager: optionalText(200).openapi({ description: '管护主体' }),
    householdId: z.uuid().nullable().optional().openapi({ description: '到户类: the household it belongs to (required then, refused otherwise)' }),
    handedOverOn: isoDate.nullable().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    checkAmount(v, 'value', ctx, true);
    if (v.kind === '到户类' && !v.householdId) ctx.addIssue({ code: 'custom', path: ['householdId'], params: { key: 'project.assetHouseholdRequired' } });
    if (v.kind !== '到户类' && v.householdId)
      ctx.addIssue({ code: 'custom', path: ['householdId'], params: { key: 'project.assetHouseholdOnlyForHousehold' } });
  })
  .openapi('ProjectAssetInput');

const uniqueBy = <T>(items: readonly T[], key: (t: T) => string) => new Set(items.map(key)).size === items.length;

const projectFields = {
  name: text(200).min(1),
  type: z.enum(PROJECT_TYPES as [ProjectType, ...ProjectType[]]),
  planYear: z.number().int().min(2000).max(2100).openapi({ description: '年度: the annual plan it is listed in' }),
  villages: z
    .array(villageCode)
    .min(1)
    .max(100)
    .refine((v) => uniqueBy(v, (c) => c), { params: { key: 'project.villagesRepeated' } })
    .openapi({ description: '12-digit village codes, the lead village (申报村) first; all in one county and in your area' }),
  geometry: GeoJsonGeometry.nullable().optional(),
  implementingUnit: optionalText(200),
  personInCharge: optionalText(100),
  plannedStart: isoDate.nullable().optional(),
  plannedEnd: isoDate.nullable().optional(),
  performanceTargets: PerformanceTargets.optional(),
  budget: z
    .array(BudgetLineInput)
    .max(FUND_SOURCES.length)
    .refine((b) => uniqueBy(b, (l) => l.source), { params: { key: 'project.sourceRepeated' } })
    .optional()
    .openapi({ description: 'One line per fund source' }),
  beneficiaries: z
    .array(BeneficiaryInput)
    .max(5000)
    .refine((b) => uniqueBy(b, (x) => `${x.householdId}/${x.mechanism}`), { params: { key: 'project.beneficiaryRepeated' } })
    .optional()
    .openapi({ description: '带贫益贫: registry households of the project’s villages, each with its mechanism' }),
};

const datesInOrder = (v: { plannedStart?: string | null; plannedEnd?: string | null }, ctx: Ctx) => {
  if (v.plannedStart && v.plannedEnd && v.plannedEnd < v.plannedStart) {
    ctx.addIssue({ code: 'custom', path: ['plannedEnd'], params: { key: 'project.datesOrder' } });
  }
};

export const CreateProjectBody = z.object(projectFields).strict().superRefine(datesInOrder).openapi('CreateProjectBody');

export const PatchProjectBody = z
  .object(projectFields)
  .partial()
  .extend({ version: z.number().int().min(1).openapi({ description: 'The version the client saw; a stale one gets 409' }) })
  .strict()
  .superRefine(datesInOrder)
  .openapi('PatchProjectBody');

export const StepBody = z
  .object({
    action: z.enum(STEP_ACTIONS),
    note: text(2000).optional().openapi({ description: 'Required for return and reject (the reason), withdraw, object, answer and progress' }),
    version: z.number().int().min(1).optional().openapi({ description: 'The project version the client saw; a stale one gets 409' }),
    objectionId: z.uuid().optional().openapi({ description: 'For answer: the objection step it answers' }),
    contractor: optionalText(200).openapi({ description: '实施: the contractor (承建单位) chosen' }),
    assets: z.array(AssetInput).max(500).optional().openapi({ description: '资产移交: assets registered with the step' }),
  })
  .strict()
  .openapi('ProjectStepBody');

export const AssetsBody = z
  .object({ assets: z.array(AssetInput).min(1).max(500), version: z.number().int().min(1).optional() })
  .strict()
  .openapi('ProjectAssetsBody');

export const ProjectIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
export const HouseholdIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const ProjectListQuery = z.object({
  state: z.enum(PROJECT_STATES).optional(),
  type: z.enum(PROJECT_TYPES as [ProjectType, ...ProjectType[]]).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  village: villageCode.optional().openapi({ description: 'Projects covering this village' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** The map layer's filters: the list's, without paging (a county's projects fit one answer). */
export const ProjectFeaturesQuery = ProjectListQuery.omit({ limit: true, offset: true });

export const QueueQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** The library's export: the list's filters, every matching project (no paging). */
export const ProjectExportQuery = ProjectListQuery.omit({ limit: true, offset: true }).strict();

export const PlanQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

// ── Responses ───────────────────────────────────────────────────────────────────────────────────
const Figures = z
  .object({
    allocatedFen: z.number(),
    disbursedFen: z.number(),
    reimbursedFen: z.number(),
    householdPaidFen: z.number(),
    spentFen: z.number(),
    undisbursedFen: z.number(),
    unspentFen: z.number(),
    progress: z.number().nullable(),
    entries: z.number(),
  })
  .openapi('ProjectFigures');

export const ProjectSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    category: z.string().nullable(),
    planYear: z.number(),
    state: z.enum(PROJECT_STATES),
    countyCode: z.string(),
    villageCode: z.string(),
    villageName: z.string().nullable(),
    villages: z.array(z.string()),
    budgetFen: z.number(),
    approvedAt: z.string().nullable(),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ProjectSummary');

export const ProjectList = z.object({ items: z.array(ProjectSummary), total: z.number() }).openapi('ProjectList');

export const ProjectStepView = z
  .object({
    id: z.string(),
    seq: z.number(),
    action: z.enum(STEP_ACTIONS),
    fromState: z.string(),
    toState: z.string(),
    note: z.string().nullable(),
    objectionId: z.string().nullable(),
    actorName: z.string(),
    actorRole: z.string(),
    at: z.string(),
  })
  .openapi('ProjectStep');

export const ProjectStepList = z.object({ items: z.array(ProjectStepView) }).openapi('ProjectStepList');

export const AssetView = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    valueFen: z.number(),
    owner: z.string(),
    manager: z.string().nullable(),
    householdId: z.string().nullable(),
    handedOverOn: z.string().nullable(),
  })
  .openapi('ProjectAsset');

export const ProjectDetail = ProjectSummary.extend({
  geometry: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'GeoJSON' }),
  implementingUnit: z.string().nullable(),
  personInCharge: z.string().nullable(),
  contractor: z.string().nullable(),
  plannedStart: z.string().nullable(),
  plannedEnd: z.string().nullable(),
  performanceTargets: z.record(z.string(), z.unknown()),
  noticeStartedAt: z.string().nullable(),
  noticeEndsAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdByName: z.string(),
  villageList: z.array(z.object({ code: z.string(), name: z.string().nullable(), lead: z.boolean() })),
  budget: z.array(z.object({ source: z.string(), amountFen: z.number(), note: z.string().nullable() })),
  beneficiaries: z.array(
    z.object({
      householdId: z.string(),
      householdNo: z.string(),
      headName: z.string().nullable(),
      villageCode: z.string(),
      mechanism: z.string(),
      note: z.string().nullable(),
    }),
  ),
  assets: z.array(AssetView),
  steps: z.array(ProjectStepView),
  openObjections: z.array(z.string()),
  funds: z.object({ totals: Figures, bySource: z.array(Figures.extend({ source: z.string() })) }),
  allowedActions: z.array(z.enum(STEP_ACTIONS)).openapi({ description: 'What the caller may do now (the server enforces the same)' }),
}).openapi('ProjectDetail');

/** One located project on the map: what a map tip shows and the colour needs, no personal data. */
export const ProjectFeature = z
  .object({
    type: z.literal('Feature'),
    id: z.string(),
    geometry: GeoJsonGeometry,
    properties: z.object({
      id: z.string(),
      name: z.string(),
      type: z.string(),
      category: z.string().nullable(),
      state: z.enum(PROJECT_STATES),
      planYear: z.number(),
      villageCode: z.string(),
      budgetFen: z.number(),
      allocatedFen: z.number(),
      spentFen: z.number(),
    }),
  })
  .openapi('ProjectFeature');
export const ProjectFeatureCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(ProjectFeature),
    truncated: z.boolean().openapi({ description: 'More projects matched than one answer carries (narrow by year or state)' }),
  })
  .openapi('ProjectFeatureCollection');

export const QueueItem = ProjectSummary.extend({
  waitingSince: z.string(),
  daysWaiting: z.number(),
  action: z.enum(STEP_ACTIONS).openapi({ description: 'The step the project waits for from the caller' }),
}).openapi('ProjectQueueItem');
export const ProjectQueue = z
  .object({
    items: z.array(QueueItem).openapi({ description: 'One page, the longest-waiting first' }),
    total: z.number().openapi({ description: 'All the projects waiting for the caller' }),
    byState: z.array(z.object({ state: z.enum(PROJECT_STATES), action: z.enum(STEP_ACTIONS), count: z.number() })),
  })
  .openapi('ProjectQueue');

export const AnnualPlan = z
  .object({
    year: z.number(),
    projects: z.array(ProjectSummary.extend({ budget: z.array(z.object({ source: z.string(), amountFen: z.number() })) })),
    bySource: z.array(z.object({ source: z.string(), amountFen: z.number(), projects: z.number() })),
    totalFen: z.number(),
  })
  .openapi('AnnualProjectPlan');

export const HouseholdProjects = z
  .object({
    householdId: z.string(),
    projects: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        type: z.string(),
        state: z.string(),
        planYear: z.number(),
        mechanisms: z.array(z.string()),
        paidFen: z.number(),
      }),
    ),
    payments: z.array(
      z.object({
        id: z.string(),
        projectId: z.string(),
        projectName: z.string(),
        source: z.string(),
        amountFen: z.number(),
        deltaFen: z.number(),
        bookedOn: z.string(),
        reversalOf: z.string().nullable(),
        note: z.string().nullable(),
      }),
    ),
    paidFen: z.number(),
  })
  .openapi('HouseholdProjects');

// ── Attachments and photos (项目影音; media.ts) ──────────────────────────────────────────────────
const binary = z.any().openapi({ type: 'string', format: 'binary' });

export const AttachmentUpload = z
  .object({
    file: binary,
    kind: z.enum(ATTACHMENT_KINDS),
    title: z.string().trim().min(1).max(200),
  })
  .openapi('ProjectAttachmentUpload');

export const ProjectPhotoUpload = z
  .object({
    file: binary,
    stage: z.enum(PHOTO_STAGES),
    takenAt: z.iso.datetime({ offset: true }),
    // Where it was taken (WGS 84). Not required to lie inside the project's villages.
    lon: z.coerce.number().min(-180).max(180),
    lat: z.coerce.number().min(-90).max(90),
    caption: z.string().trim().max(500).optional(),
  })
  .openapi('ProjectPhotoUpload');

export const MediaParam = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  mediaId: z.uuid().openapi({ param: { name: 'mediaId', in: 'path' } }),
});

export const MediaRemoval = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

const mediaCommon = {
  id: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  byteSize: z.number(),
  sha256: z.string(),
  addedByName: z.string(),
  addedByRole: z.string(),
  addedAt: z.string(),
};

export const ProjectPhotoView = z
  .object({
    ...mediaCommon,
    stage: z.enum(PHOTO_STAGES),
    takenAt: z.string(),
    lon: z.number(),
    lat: z.number(),
    caption: z.string().nullable(),
  })
  .openapi('ProjectPhoto');

export const ProjectAttachmentView = z.object({ ...mediaCommon, kind: z.enum(ATTACHMENT_KINDS), title: z.string() }).openapi('ProjectAttachment');

export const ProjectMediaList = z
  .object({
    photos: z.array(ProjectPhotoView),
    attachments: z.array(ProjectAttachmentView),
    /** Whether the caller may add (and remove) media now: the project's state and the caller's role and area. */
    mayAdd: z.boolean(),
  })
  .openapi('ProjectMediaList');

export const MediaRemoved = z.object({ id: z.string(), removedAt: z.string() }).openapi('ProjectMediaRemoved');
