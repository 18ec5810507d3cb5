// The yearly snapshot (收入年度) of a card: conditions, income (fen), the five guarantees and water,
// and 家庭人口 — the divisor of 年人均纯收入. One record per household and year, versioned, audited.
import type { z } from '@hono/zod-openapi';
import type { Selectable } from 'kysely';
import { type Ctx, inTransaction } from '../../context.ts';
import type { HouseholdYearsTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { loadHousehold, staleRecord } from './households.ts';
import * as q from './queries.ts';
import { strip } from './record-columns.ts';
import type { YearPut } from './schema/index.ts';
import { yearView } from './views.ts';

// ── Yearly snapshot ─────────────────────────────────────────────────────────────────────────
export type YearInput = z.infer<typeof YearPut>;

const CONDITION_COLUMNS: Record<string, string> = {
  cultivatedLandMu: 'cultivated_land_mu',
  irrigatedLandMu: 'irrigated_land_mu',
  forestLandMu: 'forest_land_mu',
  returnedFarmlandMu: 'returned_farmland_mu',
  orchardMu: 'orchard_mu',
  grasslandMu: 'grassland_mu',
  waterSurfaceMu: 'water_surface_mu',
  productionPower: 'production_power',
  livingPower: 'living_power',
  drinkingWaterSafe: 'drinking_water_safe',
  drinkingWaterDifficult: 'drinking_water_difficult',
  housingAreaM2: 'housing_area_m2',
  isDangerousHouse: 'is_dangerous_house',
  dangerousHouseGrade: 'dangerous_house_grade',
  distanceToRoadKm: 'distance_to_road_km',
  roadType: 'road_type',
  fuelType: 'fuel_type',
  hasSanitaryToilet: 'has_sanitary_toilet',
  inCooperative: 'in_cooperative',
};
const INCOME_COLUMNS: Record<string, string> = {
  wage: 'wage_income',
  business: 'business_income',
  property: 'property_income',
  familyPlanning: 'family_planning_income',
  dibao: 'dibao_income',
  tekun: 'tekun_income',
  pension: 'pension_income',
  ecoCompensation: 'eco_compensation_income',
  otherTransfer: 'other_transfer_income',
  businessExpense: 'business_expense',
};

/** Creates or replaces the given parts of one 收入年度 snapshot; other years stay as they were. */
export async function putYear(ctx: Ctx, householdId: string, year: number, input: YearInput) {
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input.conditions ?? {})) if (v !== undefined) set[CONDITION_COLUMNS[k] as string] = v;
  for (const [k, v] of Object.entries(input.income ?? {})) if (v !== undefined) set[INCOME_COLUMNS[k] as string] = v;
  for (const [k, v] of Object.entries(input.guarantees ?? {})) {
    if (!v) continue;
    set[`${k}_secure`] = v.secure;
    if (v.note !== undefined) set[`${k}_note`] = v.note;
  }
  if (input.householdSize !== undefined) set.household_size = input.householdSize;
  return inTransaction(ctx, async (trx, tctx) => {
    const h = await loadHousehold(tctx, householdId, 'write');
    const before = await q.findYear(trx, householdId, year);
    let after: Record<string, unknown> | undefined;
    if (before && before.deleted_at === null) {
      if (input.version === undefined) {
        throw new AppError('CONFLICT', 'year.versionRequired', { year, current: before.version }, [], { currentVersion: before.version });
      }
      if (input.version !== before.version) throw staleRecord(before.version);
      after = await q.updateVersioned(trx, 'household_years', before.id, input.version, set);
      if (!after) throw staleRecord(before.version);
    } else if (before) {
      // A soft-deleted snapshot comes back as a new version of the same record.
      after = await q.updateVersioned(trx, 'household_years', before.id, before.version, { ...set, deleted_at: null });
      if (!after) throw staleRecord(before.version);
    } else {
      const size = input.householdSize ?? Math.max(1, await q.countLiveMembers(trx, householdId));
      after = await q.insertRecord(trx, 'household_years', {
        household_size: size,
        ...set,
        household_id: householdId,
        county_code: h.county_code,
        year,
      });
    }
    await recordAudit(trx, {
      actor: ctx.actor,
      action: before ? 'household_year.update' : 'household_year.create',
      entity: 'household_year',
      entityId: String(after.id),
      subjectId: householdId,
      areaCode: h.village_code,
      before: before ? strip(before) : null,
      after: strip(after),
      note: { year },
      origin: ctx.origin,
    });
    const lines = await q.countyLines(trx, h.county_code);
    return yearView(after as Selectable<HouseholdYearsTable>, lines.get(year));
  });
}
