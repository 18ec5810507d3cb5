// The yearly snapshot (收入年度): conditions, income (fen), the guarantees.
import { z } from '@hono/zod-openapi';
import { DANGEROUS_HOUSE_GRADES, FUEL_TYPES, ROAD_TYPES } from '../code-lists.ts';
import { Fen, Mu, text } from './fields.ts';

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
