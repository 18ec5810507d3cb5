// Rows → the card's response shapes (schema.ts), masked by the caller's Masker (auth/personal-data.ts).
// No SQL, no HTTP.
import type { Selectable } from 'kysely';
import type { HouseholdYearsTable, Member, ResponsibleCadresTable, WorkTeamsTable } from '../../db/schema.ts';
import { REGISTRY_STATES, type RegistryState } from '../procedures/state-machine.ts';
import type { Masker } from '../auth/personal-data.ts';

// eslint-disable-next-line @typescript-eslint/no-base-to-string -- a JSON scalar (unknown narrowed to {})
const iso = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : String(v));
const point = (lon: unknown, lat: unknown): [number, number] | null => (lon != null && lat != null ? [Number(lon), Number(lat)] : null);

/** 在册状态 as stored; the column's CHECK constraint keeps it to the four values, so anything else is a bug. */
export function registryState(v: string): RegistryState {
  if (!(REGISTRY_STATES as readonly string[]).includes(v)) throw new Error(`unexpected registry_state ${JSON.stringify(v)}`);
  return v as RegistryState;
}

export function memberView(m: Member, mask: Masker) {
  const seesHealth = mask.seesHealth;
  return {
    id: m.id,
    name: m.name,
    idNumber: mask.idNumber(m.id_number),
    sex: m.sex,
    birthDate: m.birth_date,
    relation: m.relation,
    ethnicity: m.ethnicity,
    politicalStatus: m.political_status,
    education: m.education,
    schooling: m.schooling,
    health: seesHealth ? m.health : null,
    disabilityCategory: seesHealth ? m.disability_category : null,
    disabilityGrade: seesHealth ? m.disability_grade : null,
    disease: seesHealth ? m.disease : null,
    laborSkill: m.labor_skill,
    workStatus: m.work_status,
    workMonths: m.work_months,
    workPlace: m.work_place,
    hasMedicalInsurance: m.has_medical_insurance,
    hasSeriousIllnessInsurance: m.has_serious_illness_insurance,
    hasPensionInsurance: m.has_pension_insurance,
    enjoysDibao: m.enjoys_dibao,
    enjoysTekun: m.enjoys_tekun,
    isActiveMilitary: m.is_active_military,
    phone: mask.phone(m.phone),
    personStatus: m.person_status,
    statusDate: m.status_date,
    registryDuplicate: m.registry_duplicate,
    version: m.version,
  };
}

type Lines = { povertyLine: number; monitoringLine: number } | undefined;
const g = (secure: boolean | null, note: string | null) => ({ secure, note });

export function yearView(y: Selectable<HouseholdYearsTable>, lines: Lines) {
  const perCapita = Number(y.per_capita_income);
  const guarantees = {
    food: g(y.food_secure, y.food_note),
    clothing: g(y.clothing_secure, y.clothing_note),
    education: g(y.education_secure, y.education_note),
    medical: g(y.medical_secure, y.medical_note),
    housing: g(y.housing_secure, y.housing_note),
    water: g(y.water_secure, y.water_note),
  };
  return {
    id: y.id,
    year: y.year,
    householdSize: y.household_size,
    conditions: {
      cultivatedLandMu: y.cultivated_land_mu,
      irrigatedLandMu: y.irrigated_land_mu,
      forestLandMu: y.forest_land_mu,
      returnedFarmlandMu: y.returned_farmland_mu,
      orchardMu: y.orchard_mu,
      grasslandMu: y.grassland_mu,
      waterSurfaceMu: y.water_surface_mu,
      productionPower: y.production_power,
      livingPower: y.living_power,
      drinkingWaterSafe: y.drinking_water_safe,
      drinkingWaterDifficult: y.drinking_water_difficult,
      housingAreaM2: y.housing_area_m2,
      isDangerousHouse: y.is_dangerous_house,
      dangerousHouseGrade: y.dangerous_house_grade,
      distanceToRoadKm: y.distance_to_road_km,
      roadType: y.road_type,
      fuelType: y.fuel_type,
      hasSanitaryToilet: y.has_sanitary_toilet,
      inCooperative: y.in_cooperative,
    },
    income: {
      wage: Number(y.wage_income),
      business: Number(y.business_income),
      property: Number(y.property_income),
      familyPlanning: Number(y.family_planning_income),
      dibao: Number(y.dibao_income),
      tekun: Number(y.tekun_income),
      pension: Number(y.pension_income),
      ecoCompensation: Number(y.eco_compensation_income),
      otherTransfer: Number(y.other_transfer_income),
      businessExpense: Number(y.business_expense),
      transfer: Number(y.transfer_income),
      perCapita,
    },
    guarantees,
    allGuaranteesMet: Object.values(guarantees).every((x) => x.secure === true),
    lines: lines ? { ...lines, belowPovertyLine: perCapita < lines.povertyLine, belowMonitoringLine: perCapita < lines.monitoringLine } : null,
    version: y.version,
  };
}

export function cadreView(c: Selectable<ResponsibleCadresTable>, mask: Masker) {
  return {
    id: c.id,
    name: c.name,
    workUnit: c.work_unit,
    phone: mask.officialPhone(c.phone),
    fromDate: c.from_date,
    toDate: c.to_date,
    version: c.version,
  };
}

export function measureView(m: Record<string, unknown>) {
  return {
    id: String(m.id),
    category: String(m.category),
    subtype: (m.subtype as string | null) ?? null,
    measureDate: String(m.measure_date),
    amount: m.amount == null ? null : Number(m.amount),
    quantity: (m.quantity as string | null) ?? null,
    unit: (m.unit as string | null) ?? null,
    projectId: (m.project_id as string | null) ?? null,
    memberId: (m.member_id as string | null) ?? null,
    outcome: (m.outcome as string | null) ?? null,
    note: (m.note as string | null) ?? null,
    version: Number(m.version),
  };
}

export function visitView(v: Record<string, unknown>) {
  return {
    id: String(v.id),
    visitedAt: iso(v.visited_at) as string,
    visitorName: String(v.visitor_name),
    visitorAccountId: (v.visitor_account_id as string | null) ?? null,
    location: point(v.lon, v.lat),
    locationAccuracyM: v.location_accuracy_m == null ? null : Number(v.location_accuracy_m),
    purpose: (v.purpose as string | null) ?? null,
    seen: (v.seen as string | null) ?? null,
    asked: (v.asked as string | null) ?? null,
    heard: (v.heard as string | null) ?? null,
    problems: (v.problems as string | null) ?? null,
    followUp: (v.follow_up as string | null) ?? null,
    version: Number(v.version),
  };
}

export function photoView(p: Record<string, unknown>) {
  return {
    id: String(p.id),
    kind: String(p.kind),
    caption: (p.caption as string | null) ?? null,
    takenAt: iso(p.taken_at),
    visitId: (p.visit_id as string | null) ?? null,
    memberId: (p.member_id as string | null) ?? null,
    location: point(p.lon, p.lat),
    contentType: String(p.content_type),
    byteSize: Number(p.byte_size),
    sha256: String(p.sha256),
    version: Number(p.version),
  };
}

export function workTeamView(w: Selectable<WorkTeamsTable>) {
  return {
    id: w.id,
    villageCode: w.village_code,
    name: w.name,
    dispatchingUnit: w.dispatching_unit,
    firstSecretary: w.first_secretary,
    members: w.members,
    fromDate: w.from_date,
    toDate: w.to_date,
    version: w.version,
  };
}

export { iso, point };
