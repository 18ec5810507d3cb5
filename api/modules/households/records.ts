// The card's other records: yearly snapshots (conditions, income, the five guarantees), responsible
// cadres, assistance measures, visits, photos, and village work teams. Each record: a UUID the
// client may supply, a version bumped on every change (409 with the current one when stale), soft
// deletion, an audit entry in the same transaction with the household as subject.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError, Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Scope } from '../auth/scope.ts';
import { MEASURE_SUBTYPES, type MeasureCategory, PHOTO_CONTENT_TYPES } from './code-lists.ts';
import { staleRecord, type WriteContext } from './households.ts';
import { isPersonalPhoto, seesPersonalData } from './privacy.ts';
import * as q from './queries.ts';
import { cadreView, measureView, photoView, visitView, workTeamView, yearView } from './views.ts';

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

async function householdForWrite(trx: Trx, scope: Scope, householdId: string) {
  const h = await q.findHousehold(trx, householdId);
  if (!h) throw NotFound('household.notFound', { id: householdId });
  scope.assertCanWrite(h.village_code, 'household', householdId);
  return h;
}

const strip = (r: Record<string, unknown>) => {
  const { created_at: _c, updated_at: _u, household_id: _h, county_code: _cc, location: _l, ...rest } = r;
  return rest;
};

// ── Yearly snapshot ─────────────────────────────────────────────────────────────────────────
type G = { secure: boolean | null; note?: string | null };
export interface YearInput {
  version?: number;
  householdSize?: number;
  conditions?: Partial<Record<string, number | boolean | string | null>>;
  income?: Partial<Record<string, number>>;
  guarantees?: Partial<Record<'food' | 'clothing' | 'education' | 'medical' | 'housing' | 'water', G>>;
}

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
export async function putYear(db: Db, scope: Scope, householdId: string, year: number, input: YearInput, ctx: WriteContext) {
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input.conditions ?? {})) if (v !== undefined) set[CONDITION_COLUMNS[k] as string] = v;
  for (const [k, v] of Object.entries(input.income ?? {})) if (v !== undefined) set[INCOME_COLUMNS[k] as string] = v;
  for (const [k, v] of Object.entries(input.guarantees ?? {})) {
    if (!v) continue;
    set[`${k}_secure`] = v.secure;
    if (v.note !== undefined) set[`${k}_note`] = v.note;
  }
  if (input.householdSize !== undefined) set.household_size = input.householdSize;
  return db.transaction().execute(async (trx) => {
    const h = await householdForWrite(trx, scope, householdId);
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
      before: before ? strip(before as unknown as Record<string, unknown>) : null,
      after: strip(after),
      note: { year },
      origin: ctx.origin,
    });
    const lines = await q.countyLines(trx, h.county_code);
    return yearView(after as never, lines.get(year));
  });
}

// ── Cadres, measures, visits: one generic shape ─────────────────────────────────────────────
type ChildTable = 'responsible_cadres' | 'assistance_measures' | 'visits';
interface ChildSpec<V> {
  table: ChildTable;
  entity: string;
  columns: (input: Record<string, unknown>, ctx: WriteContext) => Record<string, unknown>;
  /** Domain checks needing the database (e.g. a member of this household). */
  check?: (trx: Trx, householdId: string, merged: Record<string, unknown>) => Promise<void>;
  reload: (trx: Trx, householdId: string, id: string) => Promise<Record<string, unknown> | undefined>;
  view: (row: Record<string, unknown>) => V;
}

const pick = (input: Record<string, unknown>, map: Record<string, string>) => {
  const out: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(map)) if (input[k] !== undefined) out[col] = input[k];
  return out;
};

async function memberOfHousehold(trx: Trx, householdId: string, memberId: unknown) {
  if (memberId && !(await q.findMember(trx, householdId, String(memberId)))) {
    throw Invalid([{ path: 'memberId', key: 'member.notInHousehold' }]);
  }
}

export const cadreSpec: ChildSpec<ReturnType<typeof cadreView>> = {
  table: 'responsible_cadres',
  entity: 'cadre',
  columns: (i) => pick(i, { name: 'name', workUnit: 'work_unit', phone: 'phone', fromDate: 'from_date', toDate: 'to_date' }),
  check: async (_trx, _h, m) => {
    if (m.from_date && m.to_date && String(m.to_date) < String(m.from_date)) throw Invalid([{ path: 'toDate', key: 'field.dateOrder' }]);
  },
  reload: (trx, h, id) => q.findChild(trx, 'responsible_cadres', h, id),
  view: (r) => cadreView(r as never),
};

export const measureSpec: ChildSpec<ReturnType<typeof measureView>> = {
  table: 'assistance_measures',
  entity: 'measure',
  columns: (i) =>
    pick(i, {
      category: 'category',
      subtype: 'subtype',
      measureDate: 'measure_date',
      amount: 'amount',
      quantity: 'quantity',
      unit: 'unit',
      projectId: 'project_id',
      memberId: 'member_id',
      outcome: 'outcome',
      note: 'note',
    }),
  check: async (trx, householdId, m) => {
    const category = String(m.category) as MeasureCategory;
    const allowed = (MEASURE_SUBTYPES[category] ?? []) as readonly string[];
    if (m.subtype != null && m.subtype !== '') {
      if (!allowed.length) throw Invalid([{ path: 'subtype', key: 'measure.noSubtype', params: { category } }]);
      if (!allowed.includes(String(m.subtype))) {
        throw Invalid([{ path: 'subtype', key: 'measure.subtype', params: { category, values: allowed.join('、') } }]);
      }
    }
    await memberOfHousehold(trx, householdId, m.member_id);
  },
  reload: (trx, h, id) => q.findChild(trx, 'assistance_measures', h, id),
  view: measureView,
};

export const visitSpec: ChildSpec<ReturnType<typeof visitView>> = {
  table: 'visits',
  entity: 'visit',
  columns: (i, ctx) => {
    const c = pick(i, { visitedAt: 'visited_at', visitorName: 'visitor_name', purpose: 'purpose', seen: 'seen', asked: 'asked', heard: 'heard', problems: 'problems', followUp: 'follow_up' });
    if (c.visited_at) c.visited_at = new Date(String(c.visited_at));
    const loc = i.location as { lon: number; lat: number; accuracyM?: number | null } | null | undefined;
    if (loc !== undefined) {
      c.location = loc ? q.pointSql(loc.lon, loc.lat) : null;
      c.location_accuracy_m = loc?.accuracyM ?? null;
    }
    if (i.id === undefined && i.version === undefined) {
      // creation: the visitor is the logged-in account unless named
      c.visitor_account_id = ctx.actor.id;
      c.visitor_name ??= ctx.actor.name;
    }
    return c;
  },
  reload: (trx, h, id) => q.findVisit(trx, h, id),
  view: visitView,
};

export async function createChild<V>(db: Db, scope: Scope, householdId: string, spec: ChildSpec<V>, input: Record<string, unknown>, ctx: WriteContext) {
  return db.transaction().execute(async (trx) => {
    const h = await householdForWrite(trx, scope, householdId);
    const id = input.id as string | undefined;
    if (id && (await q.idExists(trx, spec.table, id))) throw Conflict('record.idTaken', { id });
    const cols = spec.columns({ ...input, id: undefined }, ctx);
    await spec.check?.(trx, householdId, cols);
    const row = await q.insertRecord(trx, spec.table, { ...(id ? { id } : {}), ...cols, household_id: householdId, county_code: h.county_code });
    const view = (await spec.reload(trx, householdId, String(row.id))) ?? row;
    await recordAudit(trx, {
      actor: ctx.actor,
      action: `${spec.entity}.create`,
      entity: spec.entity,
      entityId: String(row.id),
      subjectId: householdId,
      areaCode: h.village_code,
      before: null,
      after: strip(view),
      origin: ctx.origin,
    });
    return spec.view(view);
  });
}

export async function updateChild<V>(
  db: Db,
  scope: Scope,
  householdId: string,
  spec: ChildSpec<V>,
  recordId: string,
  patch: Record<string, unknown> & { version: number },
  ctx: WriteContext,
) {
  return db.transaction().execute(async (trx) => {
    const h = await householdForWrite(trx, scope, householdId);
    const before = await spec.reload(trx, householdId, recordId);
    if (!before) throw NotFound('record.notFound');
    if (Number(before.version) !== patch.version) throw staleRecord(Number(before.version));
    const cols = spec.columns(patch, ctx);
    await spec.check?.(trx, householdId, { ...before, ...cols });
    const updated = await q.updateVersioned(trx, spec.table, recordId, patch.version, cols);
    if (!updated) throw staleRecord(Number(before.version));
    const after = (await spec.reload(trx, householdId, recordId)) ?? updated;
    await recordAudit(trx, {
      actor: ctx.actor,
      action: `${spec.entity}.update`,
      entity: spec.entity,
      entityId: recordId,
      subjectId: householdId,
      areaCode: h.village_code,
      before: strip(before),
      after: strip(after),
      origin: ctx.origin,
    });
    return spec.view(after);
  });
}

type DeletableTable = ChildTable | 'photos';
export async function deleteChild(
  db: Db,
  scope: Scope,
  householdId: string,
  table: DeletableTable,
  entity: string,
  recordId: string,
  version: number | undefined,
  ctx: WriteContext,
) {
  return db.transaction().execute(async (trx) => {
    const h = await householdForWrite(trx, scope, householdId);
    const before = await q.findChild(trx, table, householdId, recordId);
    if (!before) throw NotFound('record.notFound');
    if (version !== undefined && Number(before.version) !== version) throw staleRecord(Number(before.version));
    const after = await q.softDelete(trx, table, recordId, Number(before.version));
    if (!after) throw staleRecord(Number(before.version));
    await recordAudit(trx, {
      actor: ctx.actor,
      action: `${entity}.delete`,
      entity,
      entityId: recordId,
      subjectId: householdId,
      areaCode: h.village_code,
      before: { version: before.version, deleted_at: null },
      after: { version: after.version, deleted_at: after.deleted_at },
      origin: ctx.origin,
    });
    return { id: recordId, deleted: true as const, version: Number(after.version) };
  });
}

// ── Photos ──────────────────────────────────────────────────────────────────────────────────
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** The image type from the file's first bytes (the declared type is not trusted). */
export function sniffImage(b: Uint8Array): (typeof PHOTO_CONTENT_TYPES)[number] | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (String.fromCharCode(...b.slice(0, 4)) === 'RIFF' && String.fromCharCode(...b.slice(8, 12)) === 'WEBP') return 'image/webp';
  return undefined;
}

export interface PhotoInput {
  id?: string;
  kind: string;
  caption?: string | null;
  takenAt?: string;
  visitId?: string;
  memberId?: string;
  lon?: number;
  lat?: number;
}

export async function addPhoto(db: Db, scope: Scope, householdId: string, bytes: Uint8Array, input: PhotoInput, ctx: WriteContext) {
  if (bytes.byteLength > MAX_PHOTO_BYTES) throw Invalid([{ path: 'file', key: 'photo.tooLarge', params: { mb: MAX_PHOTO_BYTES / 1024 / 1024 } }]);
  const contentType = sniffImage(bytes);
  if (!contentType) throw Invalid([{ path: 'file', key: 'photo.type' }]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return db.transaction().execute(async (trx) => {
    const h = await householdForWrite(trx, scope, householdId);
    if (input.id && (await q.idExists(trx, 'photos', input.id))) throw Conflict('record.idTaken', { id: input.id });
    await memberOfHousehold(trx, householdId, input.memberId);
    if (input.visitId && !(await q.findVisit(trx, householdId, input.visitId))) throw Invalid([{ path: 'visitId', key: 'record.notFound' }]);
    const storageKey = `${h.county_code}/${sha256}`;
    await trx
      .insertInto('photo_blobs')
      .values({ storage_key: storageKey, county_code: h.county_code, bytes })
      .onConflict((oc) => oc.column('storage_key').doNothing())
      .execute();
    const row = await q.insertRecord(trx, 'photos', {
      ...(input.id ? { id: input.id } : {}),
      household_id: householdId,
      county_code: h.county_code,
      visit_id: input.visitId ?? null,
      member_id: input.memberId ?? null,
      kind: input.kind,
      caption: input.caption ?? null,
      taken_at: input.takenAt ? new Date(input.takenAt) : null,
      location: input.lon !== undefined && input.lat !== undefined ? q.pointSql(input.lon, input.lat) : null,
      content_type: contentType,
      byte_size: bytes.byteLength,
      sha256,
      storage_key: storageKey,
    });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'photo.create',
      entity: 'photo',
      entityId: String(row.id),
      subjectId: householdId,
      areaCode: h.village_code,
      after: { kind: row.kind, caption: row.caption, sha256, byte_size: row.byte_size, version: row.version },
      origin: ctx.origin,
    });
    const full = (await q.listPhotos(trx, householdId)).find((p) => p.id === row.id);
    return photoView((full ?? row) as Record<string, unknown>);
  });
}

/** The photo's bytes; photos that may show people only for roles that see personal data. */
export async function getPhoto(db: Db, scope: Scope, householdId: string, photoId: string) {
  const h = await q.findHousehold(db, householdId);
  if (!h) throw NotFound('household.notFound', { id: householdId });
  scope.assertCovers(h.village_code, 'household', householdId);
  const p = await q.findChild(db, 'photos', householdId, photoId);
  if (!p) throw NotFound('record.notFound');
  if (isPersonalPhoto(String(p.kind)) && !seesPersonalData(scope.role)) {
    throw new AppError('FORBIDDEN', 'photo.notAllowed', {}, [], { audit: { code: h.village_code, entity: 'photo', entityId: photoId, kind: 'read' } });
  }
  const blob = await q.photoBytes(db, String(p.storage_key));
  if (!blob) throw NotFound('record.notFound');
  return { bytes: new Uint8Array(blob.bytes), contentType: String(p.content_type), sha256: String(p.sha256) };
}

// ── Work teams (驻村工作队, per village) ──────────────────────────────────────────────────────
export async function listWorkTeams(db: Db, scope: Scope, village?: string) {
  if (village) scope.assertCovers(village);
  return { items: (await q.listWorkTeams(db, scope, village)).map(workTeamView) };
}

const TEAM_COLUMNS = {
  name: 'name',
  dispatchingUnit: 'dispatching_unit',
  firstSecretary: 'first_secretary',
  members: 'members',
  fromDate: 'from_date',
  toDate: 'to_date',
};

export async function createWorkTeam(db: Db, scope: Scope, input: Record<string, unknown> & { villageCode: string; id?: string }, ctx: WriteContext) {
  scope.assertCanWrite(input.villageCode, 'work_team', input.id ?? input.villageCode);
  return db.transaction().execute(async (trx) => {
    const village = await trx.selectFrom('areas').select(['code', 'level', 'county_code']).where('code', '=', input.villageCode).executeTakeFirst();
    if (!village || village.level !== 'village') throw Invalid([{ path: 'villageCode', key: 'workTeam.notVillage' }]);
    if (input.id && (await q.idExists(trx, 'work_teams', input.id))) throw Conflict('record.idTaken', { id: input.id });
    const row = await q.insertRecord(trx, 'work_teams', {
      ...(input.id ? { id: input.id } : {}),
      ...pick(input, TEAM_COLUMNS),
      village_code: village.code,
      county_code: village.county_code ?? village.code.slice(0, 6),
    });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'work_team.create',
      entity: 'work_team',
      entityId: String(row.id),
      areaCode: village.code,
      after: strip(row),
      origin: ctx.origin,
    });
    return workTeamView(row as never);
  });
}

export async function updateWorkTeam(db: Db, scope: Scope, id: string, patch: Record<string, unknown> & { version: number }, ctx: WriteContext) {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('work_teams').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!before) throw NotFound('workTeam.notFound');
    scope.assertCanWrite(before.village_code, 'work_team', id);
    if (before.version !== patch.version) throw staleRecord(before.version);
    const cols = pick(patch, TEAM_COLUMNS);
    const from = cols.from_date !== undefined ? cols.from_date : before.from_date;
    const to = cols.to_date !== undefined ? cols.to_date : before.to_date;
    if (from && to && String(to) < String(from)) throw Invalid([{ path: 'toDate', key: 'field.dateOrder' }]);
    const after = await q.updateVersioned(trx, 'work_teams', id, patch.version, cols);
    if (!after) throw staleRecord(before.version);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'work_team.update',
      entity: 'work_team',
      entityId: id,
      areaCode: before.village_code,
      before: strip(before as unknown as Record<string, unknown>),
      after: strip(after),
      origin: ctx.origin,
    });
    return workTeamView(after as never);
  });
}
