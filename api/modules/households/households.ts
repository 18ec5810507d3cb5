// Households (一户一卡): list and search, the full card (masked per role), household edits with
// optimistic versioning, the audited reveal of 红 values, and the card's history.
// Domain rules only; SQL lives in queries.ts, HTTP in routes.ts. Status fields are never edited
// here: procedures (api/modules/procedures) change them.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError, Conflict, Invalid, NotFound } from '../../errors.ts';
import { foldIdNumber, parseIdNumber } from '../../shared/id-number.ts';
import { looksLikeInitials } from '../../shared/pinyin.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { Scope } from '../auth/scope.ts';
import { monitoringPeriod } from '../procedures/procedures.ts';
import { isPersonalPhoto, maskBankAccount, maskChanges, maskPhone, seesPersonalData } from './privacy.ts';
import * as q from './queries.ts';
import { cadreView, iso, measureView, memberView, photoView, point, registryState, visitView, workTeamView, yearView } from './views.ts';

export interface WriteContext {
  actor: Actor;
  origin: Record<string, unknown>;
}

type Db = Kysely<Database>;

// ── List and search ─────────────────────────────────────────────────────────────────────────
export interface ListInput {
  area?: string;
  q?: string;
  status?: string;
  householdType?: string;
  monitoringCategory?: string;
  /** 在册状态 (在册, 待识别, 自然减少, 清退). */
  registryState?: string;
  cause?: string;
  guaranteeUnmet?: boolean;
  page?: number;
  pageSize?: number;
  limit?: number;
  offset?: number;
  /** Count at most this many (the list answers "1000+" fast); undefined counts exactly (exports). */
  countLimit?: number;
}

/** What the search text is, by its shape: an ID number, a 户编号, pinyin initials or a name. */
export function classifySearch(raw: string): q.SearchTerm {
  const text = raw.trim();
  const folded = foldIdNumber(text);
  if (/^\d{15}$|^\d{17}[\dX]$/.test(folded)) {
    const p = parseIdNumber(folded);
    // 15 or 18 digits can also be a 户编号 (or its start): search both.
    if (p.ok) return { kind: 'idNumber', value: p.value.id, ...(/^\d+$/.test(folded) ? { householdNo: folded } : {}) };
  }
  if (/^\d+$/.test(folded)) return { kind: 'householdNo', value: folded };
  if (looksLikeInitials(text)) return { kind: 'initials', value: text.toLowerCase() };
  return { kind: 'name', value: text.normalize('NFKC').replace(/[\s\u3000]/g, '') };
}

/** Households in the caller's scope, filtered, searched and paged (reused by printing/export). */
export async function listHouseholds(db: Db, scope: Scope, input: ListInput) {
  if (input.area) scope.assertCovers(input.area);
  const pageSize = input.pageSize ?? input.limit ?? 50;
  const page = input.page ?? (input.offset !== undefined ? Math.floor(input.offset / pageSize) + 1 : 1);
  const offset = input.offset ?? (page - 1) * pageSize;
  const { rows, total, totalCapped } = await q.listHouseholds(db, scope, {
    area: input.area,
    search: input.q ? classifySearch(input.q) : undefined,
    status: input.status,
    householdType: input.householdType,
    monitoringCategory: input.monitoringCategory,
    registryState: input.registryState,
    cause: input.cause,
    guaranteeUnmet: input.guaranteeUnmet,
    limit: pageSize,
    offset,
    countLimit: input.countLimit,
  });
  return {
    total,
    totalCapped,
    page,
    pageSize,
    items: rows.map((r) => ({
      id: r.id,
      householdNo: r.household_no,
      headName: r.head_name,
      villageCode: r.village_code,
      villageName: r.village_name,
      status: r.status,
      registryState: registryState(r.registry_state),
      householdType: r.household_type,
      monitoringCategory: r.monitoring_category,
      mainCause: r.main_cause,
      memberCount: r.member_count,
      phone: maskPhone(r.phone),
      location: point(r.lon, r.lat),
      version: r.version,
    })),
  };
}

// ── The card ────────────────────────────────────────────────────────────────────────────────
/** The household row in scope (403 audited outside it, 404 when missing or deleted). */
export async function loadHousehold(db: Db, scope: Scope, id: string, mode: 'read' | 'write' = 'read') {
  const h = await q.findHousehold(db, id);
  if (!h) throw NotFound('household.notFound', { id });
  if (mode === 'write') scope.assertCanWrite(h.village_code, 'household', id);
  else scope.assertCovers(h.village_code, 'household', id);
  return h;
}

/** The full card: household, members, years (latest first), cadres, measures, visits, photos, work teams. */
export async function getCard(db: Db, scope: Scope, id: string) {
  const h = await loadHousehold(db, scope, id);
  const personal = seesPersonalData(scope.role);
  const monitored = h.status === '监测户' && h.registry_state === '在册';
  const [members, years, lines, cadres, measures, visits, photos, teams, period] = await Promise.all([
    q.listMembers(db, id),
    q.listYears(db, id),
    q.countyLines(db, h.county_code),
    q.listCadres(db, id),
    q.listMeasures(db, id),
    q.listVisits(db, id),
    q.listPhotos(db, id),
    q.listWorkTeams(db, scope, h.village_code),
    monitored ? monitoringPeriod(db, h) : null,
  ]);
  const shownPhotos = personal ? photos : photos.filter((p) => !isPersonalPhoto(p.kind));
  const latest = years[0];
  const latestLines = latest ? lines.get(latest.year) : undefined;
  return {
    id: h.id,
    countyCode: h.county_code,
    villageCode: h.village_code,
    villageName: h.village_name,
    groupName: h.group_name,
    householdNo: h.household_no,
    headName: h.head_name,
    address: h.address,
    location: point(h.lon, h.lat),
    locationAccuracyM: h.location_accuracy_m,
    locationAt: iso(h.location_at),
    phone: maskPhone(h.phone),
    bankName: h.bank_name,
    bankAccount: maskBankAccount(h.bank_account),
    householdType: h.household_type,
    identificationStandard: h.identification_standard,
    status: h.status,
    registryState: registryState(h.registry_state),
    monitoringCategory: h.monitoring_category,
    identifiedYear: h.identified_year,
    exitYear: h.exit_year,
    mainCause: h.main_cause,
    otherCauses: h.other_causes,
    riskTypes: h.risk_types,
    isMilitaryFamily: h.is_military_family,
    isRelocated: h.is_relocated,
    relocationSite: h.relocation_site,
    relocationYear: h.relocation_year,
    reportedIncomePerCapita: h.reported_income_per_capita,
    version: h.version,
    members: members.map((m) => memberView(m, personal)),
    years: years.map((y) => yearView(y, lines.get(y.year))),
    cadres: cadres.map(cadreView),
    measures: measures.map(measureView),
    visits: visits.map(visitView),
    photos: shownPhotos.map(photoView),
    workTeams: teams.map(workTeamView),
    settings: latest && latestLines ? { year: latest.year, ...latestLines } : null,
    monitoring: period ? { since: period.since.toISOString(), riskEliminationFrom: period.earliest.toISOString(), months: period.months } : null,
    privacy: {
      canReveal: personal,
      hidden: personal ? [] : ['members.health', 'members.disabilityCategory', 'members.disabilityGrade', 'members.disease', 'photos.people'],
    },
  };
}

/** @deprecated name kept for the foundation slice's callers: the card. */
export const getHousehold = getCard;

// ── Household edits ─────────────────────────────────────────────────────────────────────────
/** A GPS fix of the household's house, as the tablet sends it. */
export interface GpsFix {
  lon: number;
  lat: number;
  accuracyM?: number | null;
  capturedAt?: string | null;
}

/** The household's location columns for a fix (captured now when the device gave no time), or none. */
export function locationColumns(fix: GpsFix | null) {
  return {
    location: fix ? { lon: fix.lon, lat: fix.lat } : null,
    location_accuracy_m: fix?.accuracyM ?? null,
    location_at: fix?.capturedAt ? new Date(fix.capturedAt) : fix ? new Date() : null,
  };
}

export interface HouseholdPatch {
  version: number;
  groupName?: string | null;
  address?: string | null;
  location?: GpsFix | null;
  phone?: string | null;
  bankName?: string | null;
  bankAccount?: string | null;
  householdType?: string;
  identificationStandard?: string | null;
  mainCause?: string | null;
  otherCauses?: string[];
  riskTypes?: string[];
  isMilitaryFamily?: boolean;
  isRelocated?: boolean;
  relocationSite?: string | null;
  relocationYear?: number | null;
  // Refused: the schema rejects them; kept here so a direct caller is refused too.
  status?: unknown;
  registryState?: unknown;
  monitoringCategory?: unknown;
  exitYear?: unknown;
  identifiedYear?: unknown;
  headName?: unknown;
}

/** Fields changed only by procedures (or derived): refused with a clear message. */
export const PROCEDURE_FIELDS = ['status', 'registryState', 'monitoringCategory', 'exitYear', 'identifiedYear'] as const;

const AUDITED_HOUSEHOLD_COLUMNS = [
  'group_name',
  'address',
  'phone',
  'bank_name',
  'bank_account',
  'household_type',
  'identification_standard',
  'main_cause',
  'other_causes',
  'risk_types',
  'is_military_family',
  'is_relocated',
  'relocation_site',
  'relocation_year',
  'location_accuracy_m',
  'location_at',
  'head_name',
  'version',
] as const;

export function auditedHousehold(h: Record<string, unknown>, lonLat?: [number, number] | null) {
  const out: Record<string, unknown> = Object.fromEntries(AUDITED_HOUSEHOLD_COLUMNS.map((k) => [k, h[k]]));
  if (lonLat !== undefined) out.location = lonLat;
  return out;
}

/** Edits non-status fields; a stale version gets 409 with the current one. */
export async function updateHousehold(db: Db, scope: Scope, id: string, patch: HouseholdPatch, ctx: WriteContext) {
  const refused = PROCEDURE_FIELDS.filter((f) => patch[f] !== undefined);
  if (refused.length) throw Invalid(refused.map((path) => ({ path, key: 'household.statusByProcedure' as const })));
  if (patch.headName !== undefined) throw Invalid([{ path: 'headName', key: 'household.headNameByMember' }]);
  const set: q.HouseholdSet = {};
  const put = <K extends keyof q.HouseholdSet>(k: K, v: q.HouseholdSet[K] | undefined) => {
    if (v !== undefined) set[k] = v;
  };
  put('group_name', patch.groupName);
  put('address', patch.address);
  put('phone', patch.phone);
  put('bank_name', patch.bankName);
  put('bank_account', patch.bankAccount);
  put('household_type', patch.householdType);
  put('identification_standard', patch.identificationStandard);
  put('main_cause', patch.mainCause);
  put('other_causes', patch.otherCauses ? [...new Set(patch.otherCauses)] : undefined);
  put('risk_types', patch.riskTypes ? [...new Set(patch.riskTypes)] : undefined);
  put('is_military_family', patch.isMilitaryFamily);
  put('is_relocated', patch.isRelocated);
  put('relocation_site', patch.relocationSite);
  put('relocation_year', patch.relocationYear);
  if (patch.location !== undefined) Object.assign(set, locationColumns(patch.location));
  return db.transaction().execute(async (trx) => {
    const before = await q.findHousehold(trx, id);
    if (!before) throw NotFound('household.notFound', { id });
    scope.assertCanWrite(before.village_code, 'household', id);
    if (before.version !== patch.version) throw staleHousehold(before.version);
    const after = await q.updateHousehold(trx, id, patch.version, set);
    if (!after) throw staleHousehold(before.version);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'household.update',
      entity: 'household',
      entityId: id,
      areaCode: before.village_code,
      before: auditedHousehold(before, point(before.lon, before.lat)),
      after: auditedHousehold(after, set.location === undefined ? point(before.lon, before.lat) : set.location ? [set.location.lon, set.location.lat] : null),
      origin: ctx.origin,
    });
    return after.version;
  });
}

export const staleHousehold = (current: number) => Conflict('household.versionConflict', { current }, { currentVersion: current });
export const staleRecord = (current: number) => Conflict('record.versionConflict', { current }, { currentVersion: current });

export interface ContactPatch {
  version: number;
  address?: string | null;
  groupName?: string | null;
  phone?: string | null;
}

/** Edits contact details (foundation endpoint, kept for existing clients). */
export async function updateContact(db: Db, scope: Scope, id: string, patch: ContactPatch, actor: Actor, origin: Record<string, unknown>) {
  return db.transaction().execute(async (trx) => {
    const before = await q.findHousehold(trx, id);
    if (!before) throw NotFound('household.notFound', { id });
    scope.assertCanWrite(before.village_code, 'household', id);
    const set: q.HouseholdSet = {};
    if (patch.address !== undefined) set.address = patch.address;
    if (patch.groupName !== undefined) set.group_name = patch.groupName;
    if (patch.phone !== undefined) set.phone = patch.phone;
    const after = await q.updateHousehold(trx, id, patch.version, set);
    if (!after) throw staleHousehold(before.version);
    await recordAudit(trx, {
      actor,
      action: 'household.update_contact',
      entity: 'household',
      entityId: id,
      areaCode: before.village_code,
      before: { address: before.address, group_name: before.group_name, phone: before.phone, version: before.version },
      after: { address: after.address, group_name: after.group_name, phone: after.phone, version: after.version },
      origin,
    });
    return after.version;
  });
}

// ── Reveal (audited) ────────────────────────────────────────────────────────────────────────
export interface RevealInput {
  field: 'id_number' | 'phone' | 'bank_account';
  memberId?: string;
}

/** Returns one unmasked value to a role that needs it; the fact (never the value) is audited. */
export async function reveal(db: Db, scope: Scope, id: string, input: RevealInput, ctx: WriteContext) {
  return db.transaction().execute(async (trx) => {
    const h = await q.findHousehold(trx, id);
    if (!h) throw NotFound('household.notFound', { id });
    scope.assertCovers(h.village_code, 'household', id);
    if (!seesPersonalData(scope.role)) {
      throw new AppError('FORBIDDEN', 'reveal.notAllowed', {}, [], { audit: { code: h.village_code, entity: 'household', entityId: id, kind: 'reveal' } });
    }
    if (input.field === 'id_number' && !input.memberId) throw Invalid([{ path: 'memberId', key: 'reveal.memberRequired' }]);
    if (input.field === 'bank_account' && input.memberId) throw Invalid([{ path: 'memberId', key: 'reveal.bankIsHousehold' }]);
    let value: string | null;
    if (input.memberId) {
      const m = await q.findMember(trx, id, input.memberId);
      if (!m) throw NotFound('member.notFound');
      value = input.field === 'id_number' ? m.id_number : m.phone;
    } else {
      value = input.field === 'phone' ? h.phone : h.bank_account;
    }
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'household.reveal',
      entity: input.memberId ? 'member' : 'household',
      entityId: input.memberId ?? id,
      subjectId: id,
      areaCode: h.village_code,
      note: { field: input.field, memberId: input.memberId ?? null },
      origin: ctx.origin,
    });
    return { field: input.field, memberId: input.memberId ?? null, value };
  });
}

// ── History ─────────────────────────────────────────────────────────────────────────────────
/** Every audited change of the card and its records, and every procedure step, newest first. */
export async function getHistory(db: Db, scope: Scope, id: string) {
  const h = await loadHousehold(db, scope, id);
  const rows = await q.historyEntries(db, id);
  const entries = rows.map((r) => {
    const diff = (typeof r.diff === 'string' ? JSON.parse(r.diff) : r.diff) as Record<string, unknown>;
    const v = diff.version;
    const version = Array.isArray(v) && typeof v[1] === 'number' ? v[1] : null;
    const note = diff._note && typeof diff._note === 'object' ? (diff._note as Record<string, unknown>) : null;
    return {
      id: Number(r.id),
      at: iso(r.at) as string,
      actorName: r.actor_name,
      actorRole: r.actor_role,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      version,
      changes: maskChanges(diff, scope.role),
      note,
    };
  });
  const isProcedure = (e: { entity: string; action: string }) => e.entity === 'procedure' || e.action.startsWith('procedure.');
  return {
    householdId: id,
    currentVersion: h.version,
    entries: entries.filter((e) => !isProcedure(e)),
    procedures: entries.filter(isProcedure),
  };
}

