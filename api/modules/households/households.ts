// Households (一户一卡): list and search, the full card (masked per role), household edits with
// optimistic versioning, the audited reveal of 红 values, and the card's history.
// Domain rules only; SQL lives in queries.ts, HTTP in routes.ts. Status fields (户状态, 监测对象类别,
// 风险类型) are never edited here: procedures (api/modules/procedures) change them. A write never
// includes a field the caller may not read (privacy.ts assertWritesReadable).
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import { AppError, Conflict, Invalid, NotFound } from '../../errors.ts';
import { foldIdNumber, parseIdNumber } from '../../shared/id-number.ts';
import { looksLikeInitials } from '../../shared/pinyin.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Scope } from '../auth/scope.ts';
import { monitoringPeriod } from '../procedures/guards.ts';
import { fieldOf, gradeOf, maskDeep, maskerFor, mayReveal } from '../auth/personal-data.ts';
import { assertWritesReadable, isPersonalPhoto, keepMaskedText, maskChanges, seesPersonalData, unreadableFields } from './privacy.ts';
import * as q from './queries.ts';
import type { ContactPatch, HistoryRevealRequest, HouseholdListQuery, HouseholdPatch, LocationInput, RevealRequest } from './schema/index.ts';
import { cadreView, iso, measureView, memberView, photoView, point, registryState, visitView, workTeamView, yearView } from './views.ts';

// ── List and search ─────────────────────────────────────────────────────────────────────────
/** The list's filters (HouseholdListQuery); `countLimit`: count at most this many (the list answers "1000+" fast), undefined counts exactly (exports). */
export type ListInput = Omit<z.infer<typeof HouseholdListQuery>, 'exactTotal'> & { countLimit?: number };

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
export async function listHouseholds(ctx: Ctx, input: ListInput) {
  const { db, scope } = ctx;
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
    todo: input.todo ? { kind: input.todo, now: ctx.now } : undefined,
    limit: pageSize,
    offset,
    countLimit: input.countLimit,
  });
  const mask = maskerFor({ role: scope.role });
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
      phone: mask.phone(r.phone),
      location: point(r.lon, r.lat),
      version: r.version,
    })),
  };
}

// ── The card ────────────────────────────────────────────────────────────────────────────────
/** The household row in scope (403 audited outside it, 404 when missing or deleted). */
export async function loadHousehold({ db, scope }: Ctx, id: string, mode: 'read' | 'write' = 'read') {
  const h = await q.findHousehold(db, id);
  if (!h) throw NotFound('household.notFound', { id });
  if (mode === 'write') scope.assertCanWrite(h.village_code, 'household', id);
  else scope.assertCovers(h.village_code, 'household', id);
  return h;
}

/** The full card: household, members, years (latest first), cadres, measures, visits, photos, work teams. */
export async function getCard(ctx: Ctx, id: string) {
  const { db, scope } = ctx;
  const h = await loadHousehold(ctx, id);
  const personal = seesPersonalData(scope.role);
  const mask = maskerFor({ role: scope.role });
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
  const card = {
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
    phone: mask.phone(h.phone),
    bankName: h.bank_name,
    bankAccount: mask.bankAccount(h.bank_account),
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
    members: members.map((m) => memberView(m, mask)),
    years: years.map((y) => yearView(y, lines.get(y.year))),
    cadres: cadres.map((c) => cadreView(c, mask)),
    measures: measures.map(measureView),
    visits: visits.map(visitView),
    photos: shownPhotos.map(photoView),
    workTeams: teams.map(workTeamView),
    settings: latest && latestLines ? { year: latest.year, ...latestLines } : null,
    countyLines: [...lines].map(([year, l]) => ({ year, ...l })).sort((a, b) => b.year - a.year),
    monitoring: period ? { since: period.since.toISOString(), riskEliminationFrom: period.earliest.toISOString(), months: period.months } : null,
    privacy: {
      canReveal: personal,
      hidden: personal ? [] : ['members.health', 'members.disabilityCategory', 'members.disabilityGrade', 'members.disease', 'photos.people'],
      unreadable: cardUnreadable(scope.role),
    },
  };
  // The roles that edit the card see its free text (visit notes, measures, address) as typed: it is
  // what their edit forms send back. For the others, the whole card goes through the one masking
  // once more, so an ID number or phone typed into a note is masked too.
  return mayReveal(scope.role) ? card : (maskDeep(card, { role: scope.role, inArea: true }) as typeof card);
}

/** The card's fields this role may neither read in full nor change ('members.' for member fields). */
function cardUnreadable(role: Scope['role']): string[] {
  const u = unreadableFields(role);
  return [...u.household, ...u.member.map((f) => `members.${f}`), ...u.cadre.map((f) => `cadres.${f}`)];
}

/** @deprecated name kept for the foundation slice's callers: the card. */
export const getHousehold = getCard;

// ── Household edits ─────────────────────────────────────────────────────────────────────────
/** A GPS fix of the household's house, as the tablet sends it. */
export type GpsFix = z.infer<typeof LocationInput>;

/** The household's location columns for a fix (captured now when the device gave no time), or none. */
export function locationColumns(fix: GpsFix | null) {
  return {
    location: fix ? { lon: fix.lon, lat: fix.lat } : null,
    location_accuracy_m: fix?.accuracyM ?? null,
    location_at: fix?.capturedAt ? new Date(fix.capturedAt) : fix ? new Date() : null,
  };
}

/** The household's editable fields; the status fields are in it only to be refused (the schema and updateHousehold both refuse them). */
export type HouseholdPatchInput = z.infer<typeof HouseholdPatch>;

/**
 * Fields changed only by procedures (the status-graded 户状态, 监测对象类别, 风险类型, and what
 * procedures derive: 在册状态, 识别年度, 脱贫年度) or by a registry import: refused with a clear message.
 */
export const PROCEDURE_FIELDS = ['status', 'registryState', 'monitoringCategory', 'riskTypes', 'exitYear', 'identifiedYear'] as const;

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
export async function updateHousehold(ctx: Ctx, id: string, patch: HouseholdPatchInput) {
  const { scope } = ctx;
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
  put('is_military_family', patch.isMilitaryFamily);
  put('is_relocated', patch.isRelocated);
  put('relocation_site', patch.relocationSite);
  put('relocation_year', patch.relocationYear);
  if (patch.location !== undefined) Object.assign(set, locationColumns(patch.location));
  return inTransaction(ctx, async (trx) => {
    const before = await q.findHousehold(trx, id);
    if (!before) throw NotFound('household.notFound', { id });
    scope.assertCanWrite(before.village_code, 'household', id);
    assertWritesReadable(scope.role, 'household', patch, { areaCode: before.village_code, entityId: id });
    if (before.version !== patch.version) throw staleHousehold(before.version);
    keepMaskedText(scope.role, set, before);
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

/** Edits contact details (foundation endpoint, kept for existing clients). */
export async function updateContact(ctx: Ctx, id: string, patch: z.infer<typeof ContactPatch>) {
  const { scope, actor, origin } = ctx;
  return inTransaction(ctx, async (trx) => {
    const before = await q.findHousehold(trx, id);
    if (!before) throw NotFound('household.notFound', { id });
    scope.assertCanWrite(before.village_code, 'household', id);
    assertWritesReadable(scope.role, 'household', patch, { areaCode: before.village_code, entityId: id });
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
export type RevealInput = z.infer<typeof RevealRequest>;

/** Returns one unmasked value to a role that needs it; the fact (never the value) is audited. */
export async function reveal(ctx: Ctx, id: string, input: RevealInput) {
  const { scope } = ctx;
  return inTransaction(ctx, async (trx) => {
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
const MEMBER_KEY = /^members\.([0-9a-f-]{36})\./i;
const parseDiff = (d: unknown) => (typeof d === 'string' ? JSON.parse(d) : d) as Record<string, unknown>;

/** The member an entry concerns: entries about a member record (edits, status steps from procedures and findings). */
const memberOf = (r: { entity: string; entity_id: string | null }) => (r.entity === 'member' && r.entity_id ? r.entity_id : null);

/**
 * Every audited change of the card and its records, and every procedure step, newest first. Values
 * are masked by their grade wherever they sit in a diff (auth/personal-data.ts): a 红 value is never
 * in the answer; `revealable` names the keys whose masked value this caller may reveal (audited,
 * revealHistoryValue). Members the entries concern are named (history is read in the caller's area).
 */
export async function getHistory(ctx: Ctx, id: string) {
  const { db, scope } = ctx;
  const h = await loadHousehold(ctx, id);
  const rows = await q.historyEntries(db, id);
  const viewer = { role: scope.role, inArea: true };
  const canReveal = mayReveal(scope.role);
  const memberIds = new Set<string>();
  const entries = rows.map((r) => {
    const diff = parseDiff(r.diff);
    const v = diff.version;
    const version = Array.isArray(v) && typeof v[1] === 'number' ? v[1] : null;
    const note = diff._note && typeof diff._note === 'object' ? (maskDeep(diff._note, viewer, { entity: r.entity }) as Record<string, unknown>) : null;
    const memberId = memberOf(r);
    if (memberId) memberIds.add(memberId);
    const revealable: string[] = [];
    for (const [k, pair] of Object.entries(diff)) {
      const m = MEMBER_KEY.exec(k);
      if (m?.[1]) memberIds.add(m[1]);
      if (canReveal && Array.isArray(pair) && gradeOf(k, r.entity) === 'red' && pair.some((x) => typeof x === 'string' && x !== '')) revealable.push(k);
    }
    return {
      id: Number(r.id),
      at: iso(r.at) as string,
      actorName: r.actor_name,
      actorRole: r.actor_role,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      memberId,
      version,
      changes: maskChanges(diff, scope.role, r.entity),
      revealable,
      note,
    };
  });
  const names = await q.memberNames(db, id, [...memberIds]);
  const isProcedure = (e: { entity: string; action: string }) => e.entity === 'procedure' || e.action.startsWith('procedure.');
  return {
    householdId: id,
    currentVersion: h.version,
    members: Object.fromEntries(names.map((m) => [m.id, m.name])),
    entries: entries.filter((e) => !isProcedure(e)),
    procedures: entries.filter(isProcedure),
  };
}

/** `key`: the diff key as the history gives it, e.g. `phone` or `members.<uuid>.id_number`. */
export type HistoryRevealInput = z.infer<typeof HistoryRevealRequest>;

/**
 * One 红 value of a history entry in full, to a role that may reveal: the audited 显示 of the
 * history tab. The fact (entry, key, side — never the value) is audited like the card's reveal.
 */
export async function revealHistoryValue(ctx: Ctx, id: string, entryId: number, input: HistoryRevealInput) {
  const { scope } = ctx;
  return inTransaction(ctx, async (trx) => {
    const h = await q.findHousehold(trx, id);
    if (!h) throw NotFound('household.notFound', { id });
    scope.assertCovers(h.village_code, 'household', id);
    if (!mayReveal(scope.role)) {
      throw new AppError('FORBIDDEN', 'reveal.notAllowed', {}, [], { audit: { code: h.village_code, entity: 'household', entityId: id, kind: 'reveal' } });
    }
    const entry = await q.historyEntry(trx, id, entryId);
    if (!entry) throw NotFound('history.entryNotFound', { id: entryId });
    const pair = parseDiff(entry.diff)[input.key];
    if (!Array.isArray(pair) || input.key.startsWith('_')) throw Invalid([{ path: 'key', key: 'history.noSuchKey' }]);
    if (gradeOf(input.key, entry.entity) !== 'red') throw Invalid([{ path: 'key', key: 'history.notPersonal' }]);
    const raw = pair[input.side === 'before' ? 0 : 1];
    const value = typeof raw === 'string' ? raw : null;
    const memberId = MEMBER_KEY.exec(input.key)?.[1] ?? memberOf(entry);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'household.reveal',
      entity: memberId ? 'member' : 'household',
      entityId: memberId ?? id,
      subjectId: id,
      areaCode: h.village_code,
      note: { field: fieldOf(input.key), memberId: memberId ?? null, auditEntryId: entryId, key: input.key, side: input.side },
      origin: ctx.origin,
    });
    return { entryId, key: input.key, side: input.side, value };
  });
}
