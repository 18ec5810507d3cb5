// Members (家庭成员) and 登记待识别农户 (a new household with its 户主).
import { z } from '@hono/zod-openapi';
import {
  DISABILITY_CATEGORIES,
  DISABILITY_GRADES,
  EDUCATION_LEVELS,
  ETHNICITIES,
  HEALTH_STATUSES,
  HOUSEHOLD_TYPES,
  LABOR_SKILLS,
  MAIN_CAUSES,
  PERSON_STATUSES,
  POLITICAL_STATUSES,
  RELATIONS,
  SCHOOLING_STATUSES,
  SEXES,
  WORK_STATUSES,
} from '../code-lists.ts';
import { IdNumber, LocationInput, PastDate, Phone, Uuid, optText, text } from './fields.ts';

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
    enjoysDibao: z.boolean().nullable().openapi({ description: '享受低保: true 是, false 否, null 未填' }),
    enjoysTekun: z.boolean().nullable().openapi({ description: '享受特困供养: true 是, false 否, null 未填' }),
    isActiveMilitary: z.boolean().nullable(),
    phone: z.string().nullable().openapi({ description: 'Masked' }),
    personStatus: z.string(),
    statusDate: z.string().nullable(),
    registryDuplicate: z.boolean().openapi({ description: 'Imported while also a member of another household' }),
    version: z.number(),
  })
  .openapi('Member');

// ── Requests ──────────────────────────────────────────────────────────────────────────────
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
  enjoysDibao: z.boolean().nullable().optional().openapi({ description: '享受低保 (null: 未填)' }),
  enjoysTekun: z.boolean().nullable().optional().openapi({ description: '享受特困供养 (null: 未填)' }),
  isActiveMilitary: z.boolean().nullable().optional(),
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
    villageCode: z
      .string()
      .regex(/^\d{12}$/)
      .openapi({ description: '12-digit village code (in the caller’s area)' }),
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
    mainCause: z.enum(MAIN_CAUSES).nullable().optional(),
    location: LocationInput.nullable().optional(),
    head: z
      .object({ id: Uuid.optional(), ...memberFields })
      .omit({ relation: true })
      .strict()
      .openapi({ description: 'The 户主' }),
    source: optText(200).openapi({ description: 'How the household came to be registered (农户申请, 干部走访, 部门预警 …)' }),
  })
  .strict()
  .openapi('CandidateCreate');

export const CandidateCreated = z.object({ id: z.string(), householdNo: z.string() }).openapi('CandidateCreated');

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
