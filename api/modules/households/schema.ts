// Request/response schemas of the household card (shared with web through the typed client).
// Code-list values are validated against code-lists.ts; money is integer fen (分); dates are
// 'YYYY-MM-DD'. Field errors carry catalogue keys (api/http/validation.ts).
import { z } from '@hono/zod-openapi';
import { parseIdNumber } from '../../shared/id-number.ts';
import { isMobilePhone } from '../../shared/mask.ts';
import {
  DANGEROUS_HOUSE_GRADES,
  DISABILITY_CATEGORIES,
  DISABILITY_GRADES,
  EDUCATION_LEVELS,
  ETHNICITIES,
  FUEL_TYPES,
  HEALTH_STATUSES,
  HOUSEHOLD_STATUSES,
  HOUSEHOLD_TYPES,
  IDENTIFICATION_STANDARDS,
  LABOR_SKILLS,
  MEASURE_CATEGORIES,
  MONITORING_CATEGORIES,
  PERSON_STATUSES,
  PHOTO_KINDS,
  POLITICAL_STATUSES,
  POVERTY_CAUSES,
  RELATIONS,
  RISK_TYPES,
  ROAD_TYPES,
  SCHOOLING_STATUSES,
  SEXES,
  WORK_STATUSES,
} from './code-lists.ts';
import { REGISTRY_STATES } from '../procedures/state-machine.ts';
import { PROCEDURE_FIELDS } from './households.ts';

// ── Field helpers ────────────────────────────────────────────────────────────────────────────
const text = (max: number) => z.string().trim().max(max);
const optText = (max: number) => text(max).nullable().optional();

function isRealDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v;
}
export const DateString = z.string().refine(isRealDate, { params: { key: 'field.date' } });
const notFuture = (v: string) => v <= new Date().toISOString().slice(0, 10);
const PastDate = DateString.refine(notFuture, { params: { key: 'field.notFuture' } });

export const Phone = z.string().trim().refine(isMobilePhone, { params: { key: 'phone.invalid' } });
/** GB 11643: checksum, birth date, region; 15-digit numbers are accepted (upgraded by the domain). */
export const IdNumber = z.string().superRefine((v, ctx) => {
  const r = parseIdNumber(v);
  if (!r.ok) ctx.addIssue({ code: 'custom', params: { key: `idNumber.${r.problem}` } });
});
const Year = z.number().int().min(1980).max(2100);
const Fen = z.number().int().min(0).max(10_000_000_000).openapi({ description: 'Integer fen (分)' });
const Mu = z.number().min(0).max(1_000_000).openapi({ description: '亩' });
const Uuid = z.uuid();

export const LocationInput = z
  .object({
    lon: z.number().min(73).max(136),
    lat: z.number().min(3).max(54),
    accuracyM: z.number().min(0).max(100_000).nullable().optional(),
    capturedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict()
  .openapi('LocationInput', { description: 'WGS84 point with accuracy (m) and capture time' });

// ── Params and list ─────────────────────────────────────────────────────────────────────────
export const HouseholdIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
export const MemberParam = HouseholdIdParam.extend({ memberId: z.uuid().openapi({ param: { name: 'memberId', in: 'path' } }) });
export const RecordParam = HouseholdIdParam.extend({ recordId: z.uuid().openapi({ param: { name: 'recordId', in: 'path' } }) });
export const YearParam = HouseholdIdParam.extend({
  year: z.coerce.number().int().min(2013).max(2100).openapi({ param: { name: 'year', in: 'path' } }),
});
export const PhotoParam = HouseholdIdParam.extend({ photoId: z.uuid().openapi({ param: { name: 'photoId', in: 'path' } }) });
export const VersionQuery = z.object({
  version: z.coerce.number().int().min(1).optional().openapi({ description: 'Current version (409 when stale)' }),
});

/** The list's default count limit (a larger result shows as "1000+"; exports count exactly). */
export const LIST_COUNT_LIMIT = 1000;
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
export const HouseholdListQuery = z.object({
  area: z.string().regex(/^\d{2,15}$/).optional().openapi({ description: 'Area code prefix (county, township or village)' }),
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
  cause: z.enum([...new Set([...POVERTY_CAUSES, ...RISK_TYPES])] as [string, ...string[]]).optional().openapi({
    description: 'Main or other cause, or risk type',
  }),
  guaranteeUnmet: bool.optional().openapi({ description: 'Latest year has a 两不愁三保障/饮水 guarantee answered “no”' }),
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
export const MemberView = z
  .object({
    id: z.string(),
    name: z.string(),
    idNumber: z.string().nullable().openapi({ description: 'Masked (5223**********0131) unless revealed' }),
    sex: z.string().nullable(),
    birthDate: z.string().nullable(),
    relation: z.string(),
    ethnicity: z.string().nullable(),
    politicalStatus: z.string().nullable(),
    education: z.string().nullable(),
    schooling: z.string().nullable(),
    health: z.string().nullable().openapi({ description: 'Null when the role may not see health details' }),
    disabilityCategory: z.string().nullable(),
    disabilityGrade: z.string().nullable(),
    disease: z.string().nullable(),
    laborSkill: z.string().nullable(),
    workStatus: z.string().nullable(),
    workMonths: z.number().nullable(),
    workPlace: z.string().nullable(),
    hasMedicalInsurance: z.boolean().nullable(),
    hasSeriousIllnessInsurance: z.boolean().nullable(),
    hasPensionInsurance: z.boolean().nullable(),
    enjoysAssistance: z.boolean().nullable(),
    isActiveMilitary: z.boolean(),
    phone: z.string().nullable().openapi({ description: 'Masked' }),
    personStatus: z.string(),
    statusDate: z.string().nullable(),
    registryDuplicate: z.boolean().openapi({ description: 'Imported while also a member of another household' }),
    version: z.number(),
  })
  .openapi('Member');

const Guarantee = z.object({ secure: z.boolean().nullable(), note: z.string().nullable() });
export const YearView = z
  .object({
    id: z.string(),
    year: z.number(),
    householdSize: z.number(),
    conditions: z.object({
      cultivatedLandMu: z.string().nullable(),
      irrigatedLandMu: z.string().nullable(),
      forestLandMu: z.string().nullable(),
      returnedFarmlandMu: z.string().nullable(),
      orchardMu: z.string().nullable(),
      grasslandMu: z.string().nullable(),
      waterSurfaceMu: z.string().nullable(),
      productionPower: z.boolean().nullable(),
      livingPower: z.boolean().nullable(),
      drinkingWaterSafe: z.boolean().nullable(),
      drinkingWaterDifficult: z.boolean().nullable(),
      housingAreaM2: z.string().nullable(),
      isDangerousHouse: z.boolean().nullable(),
      dangerousHouseGrade: z.string().nullable(),
      distanceToRoadKm: z.string().nullable(),
      roadType: z.string().nullable(),
      fuelType: z.string().nullable(),
      hasSanitaryToilet: z.boolean().nullable(),
      inCooperative: z.boolean().nullable(),
    }),
    income: z.object({
      wage: z.number(),
      business: z.number(),
      property: z.number(),
      familyPlanning: z.number(),
      dibao: z.number(),
      tekun: z.number(),
      pension: z.number(),
      ecoCompensation: z.number(),
      otherTransfer: z.number(),
      businessExpense: z.number(),
      transfer: z.number().openapi({ description: 'Computed: sum of the transfer parts' }),
      perCapita: z.number().openapi({ description: 'Computed 年人均纯收入 (fen), never typed' }),
    }),
    guarantees: z.object({
      food: Guarantee,
      clothing: Guarantee,
      education: Guarantee,
      medical: Guarantee,
      housing: Guarantee,
      water: Guarantee,
    }),
    allGuaranteesMet: z.boolean(),
    lines: z
      .object({
        povertyLine: z.number(),
        monitoringLine: z.number(),
        belowPovertyLine: z.boolean(),
        belowMonitoringLine: z.boolean(),
      })
      .nullable()
      .openapi({ description: 'The county’s lines for the year (fen), when set' }),
    version: z.number(),
  })
  .openapi('HouseholdYear');

export const CadreView = z
  .object({
    id: z.string(),
    name: z.string(),
    workUnit: z.string().nullable(),
    phone: z.string().nullable(),
    fromDate: z.string().nullable(),
    toDate: z.string().nullable(),
    version: z.number(),
  })
  .openapi('ResponsibleCadre');

export const MeasureView = z
  .object({
    id: z.string(),
    category: z.string(),
    subtype: z.string().nullable(),
    measureDate: z.string(),
    amount: z.number().nullable().openapi({ description: 'fen' }),
    quantity: z.string().nullable(),
    unit: z.string().nullable(),
    projectId: z.string().nullable(),
    memberId: z.string().nullable(),
    outcome: z.string().nullable(),
    note: z.string().nullable(),
    version: z.number(),
  })
  .openapi('AssistanceMeasure');

export const VisitView = z
  .object({
    id: z.string(),
    visitedAt: z.string(),
    visitorName: z.string(),
    visitorAccountId: z.string().nullable(),
    location: z.tuple([z.number(), z.number()]).nullable(),
    locationAccuracyM: z.number().nullable(),
    purpose: z.string().nullable(),
    seen: z.string().nullable(),
    asked: z.string().nullable(),
    heard: z.string().nullable(),
    problems: z.string().nullable(),
    followUp: z.string().nullable(),
    version: z.number(),
  })
  .openapi('Visit');

export const PhotoView = z
  .object({
    id: z.string(),
    kind: z.string(),
    caption: z.string().nullable(),
    takenAt: z.string().nullable(),
    visitId: z.string().nullable(),
    memberId: z.string().nullable(),
    location: z.tuple([z.number(), z.number()]).nullable(),
    contentType: z.string(),
    byteSize: z.number(),
    sha256: z.string(),
    version: z.number(),
  })
  .openapi('Photo');

export const WorkTeamView = z
  .object({
    id: z.string(),
    villageCode: z.string(),
    name: z.string(),
    dispatchingUnit: z.string().nullable(),
    firstSecretary: z.string().nullable(),
    members: z.array(z.string()),
    fromDate: z.string().nullable(),
    toDate: z.string().nullable(),
    version: z.number(),
  })
  .openapi('WorkTeam');

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
    isMilitaryFamily: z.boolean(),
    isRelocated: z.boolean(),
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
    monitoring: z
      .object({ since: z.string(), riskEliminationFrom: z.string(), months: z.number() })
      .nullable()
      .openapi({
        description:
          '监测户: when the county approved its monitoring, and the first moment 风险消除 may be marked (`months` later, the county setting of this year); null otherwise or when not known (monitored before it was imported)',
      }),
    privacy: z.object({
      canReveal: z.boolean().openapi({ description: 'The role may reveal ID numbers, phones and bank accounts (audited)' }),
      hidden: z.array(z.string()).openapi({ description: 'Fields withheld from this role (e.g. members.health)' }),
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
    mainCause: z.enum(POVERTY_CAUSES).nullable().optional(),
    otherCauses: z.array(z.enum(POVERTY_CAUSES)).max(11).optional(),
    riskTypes: z.array(z.enum(RISK_TYPES)).max(13).optional(),
    isMilitaryFamily: z.boolean().optional(),
    isRelocated: z.boolean().optional(),
    relocationSite: optText(100),
    relocationYear: Year.nullable().optional(),
    // Refused (procedures or the 户主 member change them); listed so the message can say why.
    status: z.unknown().optional(),
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
    version: z.number().int().min(1),
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

// ── Members ─────────────────────────────────────────────────────────────────────────────────
const memberFields = {
  name: text(50).min(1),
  idNumber: IdNumber.openapi({ description: '18-digit (or 15-digit, upgraded) GB 11643 number; birth date and sex derive from it' }),
  sex: z.enum(SEXES).optional().openapi({ description: 'Optional; refused when it contradicts the ID number' }),
  relation: z.enum(RELATIONS),
  ethnicity: z.enum(ETHNICITIES).nullable().optional(),
  politicalStatus: z.enum(POLITICAL_STATUSES).nullable().optional(),
  education: z.enum(EDUCATION_LEVELS).nullable().optional(),
  schooling: z.enum(SCHOOLING_STATUSES).nullable().optional(),
  health: z.enum(HEALTH_STATUSES).nullable().optional(),
  disabilityCategory: z.enum(DISABILITY_CATEGORIES).nullable().optional(),
  disabilityGrade: z.enum(DISABILITY_GRADES).nullable().optional(),
  disease: optText(100),
  laborSkill: z.enum(LABOR_SKILLS).nullable().optional(),
  workStatus: z.enum(WORK_STATUSES).nullable().optional(),
  workMonths: z.number().int().min(0).max(12).nullable().optional(),
  workPlace: optText(100),
  hasMedicalInsurance: z.boolean().nullable().optional(),
  hasSeriousIllnessInsurance: z.boolean().nullable().optional(),
  hasPensionInsurance: z.boolean().nullable().optional(),
  enjoysAssistance: z.boolean().nullable().optional(),
  isActiveMilitary: z.boolean().optional(),
  phone: Phone.nullable().optional(),
  personStatus: z.enum(PERSON_STATUSES).optional(),
  statusDate: PastDate.nullable().optional(),
};

export const MemberCreate = z
  .object({ id: Uuid.optional().openapi({ description: 'Client-generated UUID (offline)' }), ...memberFields })
  .strict()
  .openapi('MemberCreate');

export const CandidateCreate = z
  .object({
    id: Uuid.optional().openapi({ description: 'Client-generated UUID (offline)' }),
    villageCode: z.string().regex(/^\d{12}$/).openapi({ description: '12-digit village code (in the caller’s area)' }),
    householdNo: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z-]{1,40}$/)
      .optional()
      .openapi({ description: 'The national 户编号 if the household has one; otherwise a provisional one (county + D + 7 digits) is given' }),
    groupName: optText(50),
    address: optText(200),
    phone: Phone.nullable().optional(),
    householdType: z.enum(HOUSEHOLD_TYPES).optional(),
    mainCause: z.enum(POVERTY_CAUSES).nullable().optional(),
    location: LocationInput.nullable().optional(),
    head: z.object({ id: Uuid.optional(), ...memberFields }).omit({ relation: true }).strict().openapi({ description: 'The 户主' }),
    source: optText(200).openapi({ description: 'How the household came to be registered (农户申请, 干部走访, 部门预警 …)' }),
  })
  .strict()
  .openapi('CandidateCreate');

export const CandidateCreated = z
  .object({ id: z.string(), householdNo: z.string() })
  .openapi('CandidateCreated');

export const MemberPatch = z
  .object(memberFields)
  .partial()
  .extend({
    version: z.number().int().min(1),
    previousHeadRelation: z
      .enum(RELATIONS)
      .optional()
      .openapi({ description: 'When making this member 户主: the previous head’s new relation (swaps in one step)' }),
  })
  .strict()
  .openapi('MemberPatch');

// ── Years (conditions, income, guarantees) ──────────────────────────────────────────────────
const GuaranteeInput = z.object({ secure: z.boolean().nullable(), note: text(500).nullable().optional() }).strict();
export const YearPut = z
  .object({
    version: z.number().int().min(1).optional().openapi({ description: 'Required when the year exists' }),
    householdSize: z.number().int().min(1).max(30).optional().openapi({ description: 'Defaults to the current members' }),
    conditions: z
      .object({
        cultivatedLandMu: Mu.nullable().optional(),
        irrigatedLandMu: Mu.nullable().optional(),
        forestLandMu: Mu.nullable().optional(),
        returnedFarmlandMu: Mu.nullable().optional(),
        orchardMu: Mu.nullable().optional(),
        grasslandMu: Mu.nullable().optional(),
        waterSurfaceMu: Mu.nullable().optional(),
        productionPower: z.boolean().nullable().optional(),
        livingPower: z.boolean().nullable().optional(),
        drinkingWaterSafe: z.boolean().nullable().optional(),
        drinkingWaterDifficult: z.boolean().nullable().optional(),
        housingAreaM2: z.number().min(0).max(10_000).nullable().optional(),
        isDangerousHouse: z.boolean().nullable().optional(),
        dangerousHouseGrade: z.enum(DANGEROUS_HOUSE_GRADES).nullable().optional(),
        distanceToRoadKm: z.number().min(0).max(1000).nullable().optional(),
        roadType: z.enum(ROAD_TYPES).nullable().optional(),
        fuelType: z.enum(FUEL_TYPES).nullable().optional(),
        hasSanitaryToilet: z.boolean().nullable().optional(),
        inCooperative: z.boolean().nullable().optional(),
      })
      .strict()
      .optional(),
    income: z
      .object({
        wage: Fen.optional(),
        business: Fen.optional(),
        property: Fen.optional(),
        familyPlanning: Fen.optional(),
        dibao: Fen.optional(),
        tekun: Fen.optional(),
        pension: Fen.optional(),
        ecoCompensation: Fen.optional(),
        otherTransfer: Fen.optional(),
        businessExpense: Fen.optional(),
      })
      .strict()
      .optional()
      .openapi({ description: 'Yuan × 100 (fen) per year; 年人均纯收入 is computed' }),
    guarantees: z
      .object({
        food: GuaranteeInput.optional(),
        clothing: GuaranteeInput.optional(),
        education: GuaranteeInput.optional(),
        medical: GuaranteeInput.optional(),
        housing: GuaranteeInput.optional(),
        water: GuaranteeInput.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.conditions?.isDangerousHouse === true && !o.conditions.dangerousHouseGrade) {
      ctx.addIssue({ code: 'custom', path: ['conditions', 'dangerousHouseGrade'], params: { key: 'year.dangerousGrade' } });
    }
  })
  .openapi('HouseholdYearPut');

// ── Assistance records ──────────────────────────────────────────────────────────────────────
const dateOrder = (o: { fromDate?: string | null; toDate?: string | null }, ctx: z.RefinementCtx) => {
  if (o.fromDate && o.toDate && o.toDate < o.fromDate) {
    ctx.addIssue({ code: 'custom', path: ['toDate'], params: { key: 'field.dateOrder' } });
  }
};

const cadreFields = {
  name: text(50).min(1),
  workUnit: optText(100),
  phone: Phone.nullable().optional(),
  fromDate: DateString.nullable().optional(),
  toDate: DateString.nullable().optional(),
};
export const CadreCreate = z.object({ id: Uuid.optional(), ...cadreFields }).strict().superRefine(dateOrder).openapi('CadreCreate');
export const CadrePatch = z
  .object({ version: z.number().int().min(1), ...cadreFields, name: cadreFields.name.optional() })
  .strict()
  .superRefine(dateOrder)
  .openapi('CadrePatch');

const measureFields = {
  category: z.enum(MEASURE_CATEGORIES),
  subtype: text(20).nullable().optional(),
  measureDate: DateString,
  amount: Fen.nullable().optional(),
  quantity: z.number().min(0).max(1_000_000_000).nullable().optional(),
  unit: optText(20),
  projectId: Uuid.nullable().optional(),
  memberId: Uuid.nullable().optional(),
  outcome: optText(500),
  note: optText(1000),
};
export const MeasureCreate = z.object({ id: Uuid.optional(), ...measureFields }).strict().openapi('MeasureCreate');
export const MeasurePatch = z
  .object({
    version: z.number().int().min(1),
    ...measureFields,
    category: measureFields.category.optional(),
    measureDate: measureFields.measureDate.optional(),
  })
  .strict()
  .openapi('MeasurePatch');

const visitFields = {
  visitedAt: z.iso.datetime({ offset: true }),
  visitorName: text(50).min(1).optional().openapi({ description: 'Defaults to the logged-in account' }),
  location: LocationInput.nullable().optional(),
  purpose: optText(200),
  seen: optText(2000),
  asked: optText(2000),
  heard: optText(2000),
  problems: optText(2000),
  followUp: optText(2000),
};
export const VisitCreate = z.object({ id: Uuid.optional(), ...visitFields }).strict().openapi('VisitCreate');
export const VisitPatch = z
  .object({ version: z.number().int().min(1), ...visitFields, visitedAt: visitFields.visitedAt.optional() })
  .strict()
  .openapi('VisitPatch');

export const PhotoUpload = z
  .object({
    file: z.any().openapi({ type: 'string', format: 'binary' }),
    id: Uuid.optional(),
    kind: z.enum(PHOTO_KINDS),
    caption: optText(200),
    takenAt: z.iso.datetime({ offset: true }).optional(),
    visitId: Uuid.optional(),
    memberId: Uuid.optional(),
    lon: z.coerce.number().min(73).max(136).optional(),
    lat: z.coerce.number().min(3).max(54).optional(),
  })
  .openapi('PhotoUpload');

// ── Work teams ──────────────────────────────────────────────────────────────────────────────
const workTeamFields = {
  name: text(100).min(1),
  dispatchingUnit: optText(100),
  firstSecretary: optText(50),
  members: z.array(text(50).min(1)).max(50).optional(),
  fromDate: DateString.nullable().optional(),
  toDate: DateString.nullable().optional(),
};
export const WorkTeamQuery = z.object({ village: z.string().regex(/^\d{12}$/).optional() });
export const WorkTeamParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
export const WorkTeamCreate = z
  .object({ id: Uuid.optional(), villageCode: z.string().regex(/^\d{12}$/), ...workTeamFields })
  .strict()
  .superRefine(dateOrder)
  .openapi('WorkTeamCreate');
export const WorkTeamPatch = z
  .object({ version: z.number().int().min(1), ...workTeamFields, name: workTeamFields.name.optional() })
  .strict()
  .superRefine(dateOrder)
  .openapi('WorkTeamPatch');
export const WorkTeamList = z.object({ items: z.array(WorkTeamView) }).openapi('WorkTeamList');

// ── Reveal and history ──────────────────────────────────────────────────────────────────────
export const RevealRequest = z
  .object({ field: z.enum(['id_number', 'phone', 'bank_account']), memberId: Uuid.optional() })
  .strict()
  .openapi('RevealRequest');
export const RevealResponse = z.object({ field: z.string(), memberId: z.string().nullable(), value: z.string().nullable() }).openapi('RevealResponse');

export const HistoryEntry = z
  .object({
    id: z.number(),
    at: z.string(),
    actorName: z.string().nullable(),
    actorRole: z.string().nullable(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
    version: z.number().nullable().openapi({ description: 'The record’s version after this change' }),
    changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])).openapi({ description: '{ field: [before, after] }, personal data masked' }),
    note: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('HistoryEntry');
export const HistoryResponse = z
  .object({
    householdId: z.string(),
    currentVersion: z.number(),
    entries: z.array(HistoryEntry).openapi({ description: 'Card versions and sub-record changes, newest first' }),
    procedures: z.array(HistoryEntry).openapi({ description: 'Procedure steps (entity "procedure"), newest first' }),
  })
  .openapi('HouseholdHistory');

export const Deleted = z.object({ id: z.string(), deleted: z.literal(true), version: z.number() }).openapi('Deleted');
