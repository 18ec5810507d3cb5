// The project library (扶贫项目库, docs/domain/projects-funds.md): drafting and revising a project
// (村申报), the approval chain's steps (api/shared/project-chain.ts decides what is legal and who
// may do it; this file enforces it with the scope), the assets registered at 资产移交, and the reads
// (list, detail with the ledger's figures, the approval queue, the annual plan, a household's
// projects for its card).
//
// Every write runs in one transaction (inTransaction) under the project's row lock, appends its
// step to project_steps (append-only) and records its audit entry there; a refused write writes
// nothing. Checks that ask PostGIS about a geometry run before the transaction (a GeoJSON it cannot
// read would abort it) against a version the transaction then confirms. ctx.now is the clock.
// Must never: change a project's state outside step(), or act without the scope check.
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import type { DbOrTrx } from '../../db/schema.ts';
import { AppError, Conflict, type FieldError, Forbidden, Invalid, NotFound } from '../../errors.ts';
import { zodToInvalid } from '../../http/validation.ts';
import { can, PERMISSIONS } from '../../shared/permissions.ts';
import {
  ACTION_ZH,
  actionsFrom,
  APPROVED_STATES,
  chainStep,
  forwardAction,
  NOTICE_DAYS,
  NOTICE_MS,
  PROJECT_EN,
  type ProjectState,
  type StepAction,
  statesWaitingFor,
} from '../../shared/project-chain.ts';
import { ROLE_LABELS, type Role } from '../../shared/roles.ts';
import { recordAudit } from '../audit/audit.ts';
import { maskerFor } from '../auth/personal-data.ts';
import { balances, type Figures, figures } from '../funds/funds.ts';
import { FUND_SOURCES } from '../funds/code-lists.ts';
import { categoryOf } from './code-lists.ts';
import * as q from './queries.ts';
import {
  type AssetInput,
  AssetsBody,
  CreateProjectBody,
  fenOf,
  type GeoJsonGeometry,
  PatchProjectBody,
  ProjectFeaturesQuery,
  ProjectListQuery,
  QueueQuery,
  StepBody,
} from './schema.ts';

export type CreateInput = z.input<typeof CreateProjectBody>;
export type PatchInput = z.input<typeof PatchProjectBody>;
export type StepInput = z.input<typeof StepBody>;
export type AssetsInput = z.input<typeof AssetsBody>;
export type ListInput = z.input<typeof ProjectListQuery>;
export type FeaturesInput = z.input<typeof ProjectFeaturesQuery>;
export type QueueInput = z.input<typeof QueueQuery>;

/** How far outside its villages' boundaries a project may reach (drawing and boundary precision). */
export const GEOMETRY_TOLERANCE_M = 50;
const DAY = 24 * 60 * 60 * 1000;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw zodToInvalid(r.error);
  return r.data;
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

// ── Where a project is: villages, geometry, beneficiaries ───────────────────────────────────────

interface Placement {
  villages: string[];
  geometry: GeoJsonGeometry | null;
  beneficiaries: { householdId: string }[];
}

/**
 * Checks the villages (villages of one county, each in the caller's area: 403 otherwise), the
 * geometry (valid, inside the villages' boundaries widened by the tolerance) and the beneficiaries
 * (registry households of the villages). All problems of the input at once (400 naming each field).
 */
async function checkPlacement(db: DbOrTrx, ctx: Ctx, p: Placement, fieldOf = { geometry: 'geometry', villages: 'villages', beneficiaries: 'beneficiaries' }) {
  const fields: FieldError[] = [];
  const areas = new Map((await q.areasByCode(db, p.villages)).map((a) => [a.code, a]));
  const county = (p.villages[0] as string).slice(0, 6);
  p.villages.forEach((code, i) => {
    if (areas.get(code)?.level !== 'village') fields.push({ path: `${fieldOf.villages}.${i}`, key: 'project.notAVillage', params: { code } });
    else if (code.slice(0, 6) !== county) fields.push({ path: `${fieldOf.villages}.${i}`, key: 'project.villagesOneCounty', params: { county } });
  });
  if (fields.length) throw Invalid(fields);
  for (const code of p.villages) ctx.scope.assertCanWrite(code, 'project');

  if (p.geometry) {
    let g: Awaited<ReturnType<typeof q.checkGeometry>>;
    try {
      g = await q.checkGeometry(db, JSON.stringify(p.geometry), p.villages, GEOMETRY_TOLERANCE_M);
    } catch {
      throw Invalid([{ path: fieldOf.geometry, key: 'project.geometryUnreadable' }]);
    }
    if (!g || !g.valid || g.empty) fields.push({ path: fieldOf.geometry, key: 'project.geometryInvalid', params: { reason: g?.reason ?? 'empty' } });
    else if (g.covered === false) fields.push({ path: fieldOf.geometry, key: 'project.geometryOutside', params: { tolerance: GEOMETRY_TOLERANCE_M } });
  }

  if (p.beneficiaries.length) {
    const villages = new Set(p.villages);
    const found = new Map((await q.householdsByIds(db, [...new Set(p.beneficiaries.map((b) => b.householdId))])).map((h) => [h.id, h]));
    p.beneficiaries.forEach((b, i) => {
      const h = found.get(b.householdId);
      if (!h || h.registry_state !== '在册' || !villages.has(h.village_code)) {
        fields.push({ path: `${fieldOf.beneficiaries}.${i}.householdId`, key: 'project.notRegistryHousehold' });
      }
    });
  }
  if (fields.length) throw Invalid(fields);
}

function assertMayDraft(ctx: Ctx) {
  if (!can(ctx.scope.role, 'project.create')) throw Forbidden('project.cannotCreate');
}

const budgetRows = (budget: CreateBody['budget']) => (budget ?? []).map((l) => ({ source: l.source, amount_fen: fenOf(l), note: l.note ?? null }));
type CreateBody = z.output<typeof CreateProjectBody>;
const beneficiaryRows = (b: CreateBody['beneficiaries']) =>
  (b ?? []).map((x) => ({ household_id: x.householdId, mechanism: x.mechanism, note: x.note ?? null }));

/** What the audit keeps of a project's own fields (no geometry coordinates: whether it has one). */
function audited(b: Partial<CreateBody>) {
  return {
    ...(b.name !== undefined ? { name: b.name } : {}),
    ...(b.type !== undefined ? { type: b.type } : {}),
    ...(b.planYear !== undefined ? { planYear: b.planYear } : {}),
    ...(b.villages !== undefined ? { villages: b.villages } : {}),
    ...(b.geometry !== undefined ? { geometry: b.geometry ? b.geometry.type : null } : {}),
    ...(b.implementingUnit !== undefined ? { implementingUnit: b.implementingUnit } : {}),
    ...(b.personInCharge !== undefined ? { personInCharge: b.personInCharge } : {}),
    ...(b.plannedStart !== undefined ? { plannedStart: b.plannedStart } : {}),
    ...(b.plannedEnd !== undefined ? { plannedEnd: b.plannedEnd } : {}),
    ...(b.performanceTargets !== undefined ? { performanceTargets: b.performanceTargets } : {}),
    ...(b.budget !== undefined ? { budget: budgetRows(b.budget).map((l) => ({ source: l.source, amountFen: l.amount_fen })) } : {}),
    ...(b.beneficiaries !== undefined
      ? { beneficiaries: beneficiaryRows(b.beneficiaries).map((x) => ({ householdId: x.household_id, mechanism: x.mechanism })) }
      : {}),
  };
}

// ── Create and revise (村申报) ───────────────────────────────────────────────────────────────────

/**
 * Drafts a project at 村申报: a village cadre in their own village, a township officer or county
 * official in their area. Refused (nothing written): malformed input, unknown villages, villages
 * of several counties, a geometry that is invalid or outside the villages, beneficiaries that are
 * not registry households of the villages (400); a role that may not draft, a village outside the
 * caller's area (403).
 */
export async function createProject(ctx: Ctx, input: CreateInput): Promise<{ id: string; version: number }> {
  const b = parse(CreateProjectBody, input);
  assertMayDraft(ctx);
  await checkPlacement(ctx.db, ctx, { villages: b.villages, geometry: b.geometry ?? null, beneficiaries: b.beneficiaries ?? [] });
  const lead = b.villages[0] as string;
  const county = lead.slice(0, 6);
  return inTransaction(ctx, async (trx) => {
    const p = await q.insertProject(trx, {
      county_code: county,
      village_code: lead,
      plan_year: b.planYear,
      name: b.name,
      type: b.type,
      geojson: b.geometry ? JSON.stringify(b.geometry) : null,
      implementing_unit: orNull(b.implementingUnit),
      person_in_charge: orNull(b.personInCharge),
      planned_start: orNull(b.plannedStart),
      planned_end: orNull(b.plannedEnd),
      performance_targets: JSON.stringify(b.performanceTargets ?? {}),
      created_by: ctx.actor.id,
      created_by_name: ctx.actor.name,
      now: ctx.now,
    });
    await q.replaceVillages(trx, p.id, county, b.villages);
    await q.replaceBudget(trx, p.id, county, budgetRows(b.budget));
    await q.replaceBeneficiaries(trx, p.id, county, beneficiaryRows(b.beneficiaries), ctx.now);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'project.create',
      entity: 'project',
      entityId: p.id,
      subjectId: p.id,
      areaCode: lead,
      after: { ...audited(b), state: '村申报', version: p.version },
      origin: ctx.origin,
    });
    return { id: p.id, version: p.version };
  });
}

/**
 * Revises a draft (村申报 only: after a return, too). PATCH: a field left out stays as it is; a list
 * given (villages, budget, beneficiaries) replaces the list. `version` must be the current one (409
 * otherwise). The villages, geometry and beneficiaries are checked together as they will be.
 */
export async function updateProject(ctx: Ctx, id: string, input: PatchInput): Promise<{ id: string; version: number }> {
  const b = parse(PatchProjectBody, input);
  assertMayDraft(ctx);
  const current = await readOwn(ctx.db, ctx, id);
  ctx.scope.assertCanWrite(current.village_code, 'project', id);
  if (current.state !== '村申报') throw notDraft(current.state);
  if (current.version !== b.version) throw versionConflict(current.version);
  const villages = b.villages ?? current.villages;
  if (b.villages && (b.villages[0] as string).slice(0, 6) !== current.county_code) {
    throw Invalid([{ path: 'villages.0', key: 'project.countyChange', params: { county: (b.villages[0] as string).slice(0, 6) } }]);
  }
  const geometry = b.geometry !== undefined ? b.geometry : current.geojson ? (JSON.parse(current.geojson) as GeoJsonGeometry) : null;
  const beneficiaries = b.beneficiaries ?? (b.villages ? (await q.listBeneficiaries(ctx.db, id)).map((x) => ({ householdId: x.household_id })) : []);
  if (b.villages || b.geometry !== undefined || b.beneficiaries)
    await checkPlacement(ctx.db, ctx, { villages, geometry: b.villages || b.geometry ? geometry : null, beneficiaries });

  return inTransaction(ctx, async (trx) => {
    const locked = await q.lockProject(trx, id);
    if (!locked) throw NotFound('project.notFound', { id });
    if (locked.state !== '村申报') throw notDraft(locked.state);
    if (locked.version !== b.version) throw versionConflict(locked.version);
    const values: Partial<q.ProjectValues> = {
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.type !== undefined ? { type: b.type } : {}),
      ...(b.planYear !== undefined ? { plan_year: b.planYear } : {}),
      ...(b.villages ? { village_code: b.villages[0] } : {}),
      ...(b.geometry !== undefined ? { geojson: b.geometry ? JSON.stringify(b.geometry) : null } : {}),
      ...(b.implementingUnit !== undefined ? { implementing_unit: b.implementingUnit } : {}),
      ...(b.personInCharge !== undefined ? { person_in_charge: b.personInCharge } : {}),
      ...(b.plannedStart !== undefined ? { planned_start: b.plannedStart } : {}),
      ...(b.plannedEnd !== undefined ? { planned_end: b.plannedEnd } : {}),
      ...(b.performanceTargets !== undefined ? { performance_targets: JSON.stringify(b.performanceTargets) } : {}),
    };
    const merged = {
      plannedStart: b.plannedStart !== undefined ? b.plannedStart : current.planned_start,
      plannedEnd: b.plannedEnd !== undefined ? b.plannedEnd : current.planned_end,
    };
    if (merged.plannedStart && merged.plannedEnd && merged.plannedEnd < merged.plannedStart) throw Invalid([{ path: 'plannedEnd', key: 'project.datesOrder' }]);
    const after = await q.updateProject(trx, id, values, ctx.now);
    if (b.villages) await q.replaceVillages(trx, id, locked.county_code, b.villages);
    if (b.budget) await q.replaceBudget(trx, id, locked.county_code, budgetRows(b.budget));
    if (b.beneficiaries) await q.replaceBeneficiaries(trx, id, locked.county_code, beneficiaryRows(b.beneficiaries), ctx.now);
    const { version: _v, ...changed } = b;
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'project.update',
      entity: 'project',
      entityId: id,
      subjectId: id,
      areaCode: b.villages ? b.villages[0] : locked.village_code,
      before: { ...beforeOf(current, changed), version: locked.version },
      after: { ...audited(changed), version: after.version },
      origin: ctx.origin,
    });
    return { id, version: after.version };
  });
}

/** The project's own fields as they were, for the fields a revision changes. */
function beforeOf(c: q.ProjectRow, changed: Partial<CreateBody>) {
  const was: Record<string, unknown> = {
    name: c.name,
    type: c.type,
    planYear: c.plan_year,
    villages: c.villages,
    geometry: c.geojson ? (JSON.parse(c.geojson) as { type: string }).type : null,
    implementingUnit: c.implementing_unit,
    personInCharge: c.person_in_charge,
    plannedStart: c.planned_start,
    plannedEnd: c.planned_end,
    performanceTargets: c.performance_targets,
  };
  return Object.fromEntries(
    Object.keys(changed)
      .filter((k) => k in was)
      .map((k) => [k, was[k]]),
  );
}

const notDraft = (state: string) => Conflict('project.notDraft', { stateZh: state, stateEn: PROJECT_EN[state] ?? state }, { state });
const versionConflict = (current: number) => Conflict('project.versionConflict', { current }, { currentVersion: current });

/** The project (scoped: 404 when it does not exist, 403 audited when it lies outside the caller's area). */
export async function readOwn(db: DbOrTrx, ctx: Ctx, id: string): Promise<q.ProjectRow> {
  const area = await q.projectArea(db, id);
  if (!area) throw NotFound('project.notFound', { id });
  ctx.scope.assertCovers(area.village_code, 'project', id);
  return (await q.findProject(db, ctx.scope, id)) as q.ProjectRow;
}

// ── The chain's steps ───────────────────────────────────────────────────────────────────────────

const rolesHolding = (permission: keyof typeof PERMISSIONS) => PERMISSIONS[permission] as readonly Role[];

function illegalStep(state: ProjectState, action: StepAction) {
  const allowed = actionsFrom(state);
  return Conflict(
    'project.illegalStep',
    {
      stateZh: state,
      stateEn: PROJECT_EN[state] ?? state,
      action,
      actionZh: ACTION_ZH[action],
      allowed: allowed.join(', ') || '—',
      allowedZh: allowed.map((a) => ACTION_ZH[a]).join('、') || '无',
    },
    { state, allowed },
  );
}

function openObjections(steps: q.StepRow[]) {
  const answered = new Set(steps.filter((s) => s.action === 'answer').map((s) => s.objection_id));
  return steps.filter((s) => s.action === 'object' && !answered.has(s.id));
}

export const noticeEndsAt = (startedAt: Date | string | null) => (startedAt ? new Date(new Date(startedAt).getTime() + NOTICE_MS) : null);

const chinaTime = (d: Date) => `${d.toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 16)} (UTC+8)`;

/** Checks the assets against the project's villages (到户类: a registry household of them). */
async function assetRows(trx: DbOrTrx, p: q.LockedProject, assets: z.output<typeof AssetInput>[], path: string): Promise<q.NewAsset[]> {
  const households = assets.map((a) => a.householdId).filter((h): h is string => !!h);
  if (households.length) {
    const villages = new Set((await q.listVillages(trx, p.id)).map((v) => v.village_code));
    const found = new Map((await q.householdsByIds(trx, households)).map((h) => [h.id, h]));
    const fields: FieldError[] = [];
    assets.forEach((a, i) => {
      if (!a.householdId) return;
      const h = found.get(a.householdId);
      if (!h || h.registry_state !== '在册' || !villages.has(h.village_code))
        fields.push({ path: `${path}.${i}.householdId`, key: 'project.notRegistryHousehold' });
    });
    if (fields.length) throw Invalid(fields);
  }
  return assets.map((a) => ({
    project_id: p.id,
    county_code: p.county_code,
    name: a.name,
    kind: a.kind,
    value_fen: fenOf(a),
    owner: a.owner,
    manager: a.manager ?? null,
    household_id: a.householdId ?? null,
    handed_over_on: a.handedOverOn ?? null,
  }));
}

/**
 * One step of the chain (project-chain.ts): refused with 409 naming the actions allowed from the
 * state when the chain has no such step; 403 when the caller's role may not take it or the project
 * lies outside the caller's area; 400 when a reason or text it needs is missing; 409 for a stale
 * version, a notice still running or with unanswered objections, a handover without assets.
 */
export async function step(ctx: Ctx, projectId: string, input: StepInput): Promise<{ id: string; state: ProjectState; version: number; stepId: string }> {
  const b = parse(StepBody, input);
  return inTransaction(ctx, async (trx) => {
    const { scope, actor, now } = ctx;
    const p = await q.lockProject(trx, projectId);
    if (!p) throw NotFound('project.notFound', { id: projectId });
    scope.assertCovers(p.village_code, 'project', p.id);
    // A client that saw another version acts on a state that has gone: reload first.
    if (b.version !== undefined && b.version !== p.version) throw versionConflict(p.version);
    const state = p.state as ProjectState;
    const s = chainStep(state, b.action);
    if (!s) throw illegalStep(state, b.action);
    if (!can(scope.role, s.permission)) {
      const roles = rolesHolding(s.permission);
      throw new AppError(
        'FORBIDDEN',
        'project.wrongRole',
        {
          stateZh: state,
          stateEn: PROJECT_EN[state] ?? state,
          action: b.action,
          actionZh: ACTION_ZH[b.action],
          rolesZh: roles.map((r) => ROLE_LABELS[r]['zh-CN']).join('或'),
          rolesEn: roles.map((r) => ROLE_LABELS[r].en).join(', '),
        },
        [],
        { permission: s.permission, audit: { code: p.village_code, entity: 'project', entityId: p.id, kind: 'write' } },
      );
    }
    scope.assertCanWrite(p.village_code, 'project', p.id);
    const note = b.note?.trim() || null;
    if (s.noteRequired && !note) throw Invalid([{ path: 'note', key: 'field.required' }]);
    if (b.assets?.length && !(state === '资产移交' && b.action === 'approve')) throw Invalid([{ path: 'assets', key: 'project.assetsOnlyAtHandover' }]);
    if (b.contractor !== undefined && state !== '实施') throw Invalid([{ path: 'contractor', key: 'project.contractorOnlyInImplementation' }]);

    const change: q.StateChange = s.to !== state ? { state: s.to, state_since: now } : {};
    if (b.contractor !== undefined) change.contractor = b.contractor;
    let objectionId: string | null = null;
    let assets: Awaited<ReturnType<typeof q.insertAssets>> = [];
    if (b.action === 'answer' || (state === '公告公示' && b.action === 'approve')) {
      const steps = await q.listSteps(trx, p.id);
      const open = openObjections(steps);
      if (b.action === 'answer') {
        if (!b.objectionId) throw Invalid([{ path: 'objectionId', key: 'project.objectionRequired' }]);
        const objection = steps.find((x) => x.id === b.objectionId && x.action === 'object');
        if (!objection) throw Invalid([{ path: 'objectionId', key: 'project.objectionNotFound' }]);
        if (!open.some((x) => x.id === objection.id)) throw Conflict('project.objectionAnswered', {}, { objectionId: objection.id });
        objectionId = objection.id;
      } else {
        const ends = noticeEndsAt(p.notice_started_at) ?? now;
        if (now < ends) throw Conflict('project.noticeRunning', { days: NOTICE_DAYS, endsAt: chinaTime(ends) }, { noticeEndsAt: ends.toISOString() });
        if (open.length) throw Conflict('project.objectionsOpen', { count: open.length }, { openObjections: open.map((x) => x.id) });
      }
    }
    if (state === '县级审定' && b.action === 'approve') Object.assign(change, { approved_at: now, notice_started_at: now });
    if (state === '验收' && b.action === 'approve') change.accepted_at = now;
    if (state === '资产移交' && b.action === 'approve') {
      if (b.assets?.length) assets = await q.insertAssets(trx, await assetRows(trx, p, b.assets, 'assets'));
      if ((await q.countAssets(trx, p.id)) === 0) throw Conflict('project.noAssets');
    }
    if (s.to === '已完成' || s.to === '已驳回' || s.to === '已撤回') change.closed_at = now;

    const after = await q.changeProject(trx, p.id, change, now);
    const row = await q.insertStep(trx, {
      project_id: p.id,
      county_code: p.county_code,
      action: b.action,
      from_state: state,
      to_state: s.to,
      note,
      objection_id: objectionId,
      actor_id: actor.id,
      actor_name: actor.name,
      actor_role: actor.role,
      at: now,
    });
    await recordAudit(trx, {
      actor,
      action: `project.${b.action}`,
      entity: 'project',
      entityId: p.id,
      subjectId: p.id,
      areaCode: p.village_code,
      before: { state, version: p.version, ...(b.contractor !== undefined ? { contractor: null } : {}) },
      after: { state: after.state, version: after.version, ...(b.contractor !== undefined ? { contractor: b.contractor } : {}) },
      note: {
        stepId: row.id,
        seq: row.seq,
        note,
        ...(objectionId ? { objectionId } : {}),
        ...(assets.length ? { assets: assets.map((a) => ({ id: a.id, name: a.name, kind: a.kind, valueFen: Number(a.value_fen) })) } : {}),
      },
      origin: ctx.origin,
    });
    return { id: p.id, state: after.state as ProjectState, version: after.version, stepId: row.id };
  });
}

/** Registers assets (确权) of a project at 资产移交 (the county office; audited). */
export async function registerAssets(ctx: Ctx, projectId: string, input: AssetsInput): Promise<{ id: string; version: number; assets: string[] }> {
  const b = parse(AssetsBody, input);
  return inTransaction(ctx, async (trx) => {
    const p = await q.lockProject(trx, projectId);
    if (!p) throw NotFound('project.notFound', { id: projectId });
    ctx.scope.assertCovers(p.village_code, 'project', p.id);
    if (!can(ctx.scope.role, 'project.handover')) throw Forbidden('error.forbidden');
    ctx.scope.assertCanWrite(p.village_code, 'project', p.id);
    if (p.state !== '资产移交') throw Conflict('project.assetsOnlyAtHandover', {}, { state: p.state });
    if (b.version !== undefined && b.version !== p.version) throw versionConflict(p.version);
    const rows = await q.insertAssets(trx, await assetRows(trx, p, b.assets, 'assets'));
    const after = await q.changeProject(trx, p.id, {}, ctx.now);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'project.assets',
      entity: 'project',
      entityId: p.id,
      subjectId: p.id,
      areaCode: p.village_code,
      before: { version: p.version },
      after: { version: after.version },
      note: { assets: rows.map((a) => ({ id: a.id, name: a.name, kind: a.kind, valueFen: Number(a.value_fen), owner: a.owner, manager: a.manager })) },
      origin: ctx.origin,
    });
    return { id: p.id, version: after.version, assets: rows.map((a) => a.id) };
  });
}

// ── Reads ───────────────────────────────────────────────────────────────────────────────────────

type SummaryRow = Pick<
  q.ProjectRow,
  | 'id'
  | 'name'
  | 'type'
  | 'plan_year'
  | 'state'
  | 'county_code'
  | 'village_code'
  | 'village_name'
  | 'villages'
  | 'budget_fen'
  | 'approved_at'
  | 'version'
  | 'created_at'
  | 'updated_at'
>;

function summary(r: SummaryRow) {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    category: categoryOf(r.type) ?? null,
    planYear: r.plan_year,
    state: r.state as ProjectState,
    countyCode: r.county_code,
    villageCode: r.village_code,
    villageName: r.village_name,
    villages: r.villages,
    budgetFen: Number(r.budget_fen),
    approvedAt: iso(r.approved_at),
    version: r.version,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
  };
}

const stepView = (s: q.StepRow, mask: ReturnType<typeof maskerFor>) => ({
  id: s.id,
  seq: s.seq,
  action: s.action,
  fromState: s.from_state,
  toState: s.to_state,
  note: mask.text(s.note),
  objectionId: s.objection_id,
  actorName: s.actor_name,
  actorRole: s.actor_role,
  at: iso(s.at) as string,
});

/** What the caller may do now (for the UI; step() enforces the same rules). */
function allowedActions(ctx: Ctx, p: q.ProjectRow, steps: q.StepRow[]): StepAction[] {
  if (!ctx.scope.canWrite || !ctx.scope.covers(p.village_code)) return [];
  const state = p.state as ProjectState;
  const open = openObjections(steps).length;
  return actionsFrom(state).filter((a) => {
    const s = chainStep(state, a);
    if (!s || !can(ctx.scope.role, s.permission)) return false;
    if (a === 'answer') return open > 0;
    if (state === '公告公示' && a === 'approve') return open === 0 && ctx.now >= (noticeEndsAt(p.notice_started_at) ?? ctx.now);
    return true;
  });
}

const ZERO_FIGURES: Figures = figures({ allocated: 0, disbursed: 0, reimbursed: 0, household_paid: 0, entries: 0 });

/** The project's ledger figures, total and by fund source (the ledger's own computation). */
async function projectFunds(ctx: Ctx, projectId: string) {
  const rows = await balances(ctx, { by: ['source'], projectId });
  const sum = rows.reduce(
    (a, r) => ({
      allocated: a.allocated + r.allocatedFen,
      disbursed: a.disbursed + r.disbursedFen,
      reimbursed: a.reimbursed + r.reimbursedFen,
      household_paid: a.household_paid + r.householdPaidFen,
      entries: a.entries + r.entries,
    }),
    { allocated: 0, disbursed: 0, reimbursed: 0, household_paid: 0, entries: 0 },
  );
  return {
    totals: rows.length ? figures(sum) : ZERO_FIGURES,
    bySource: rows.map(({ source, projectId: _p, projectName: _n, villageCode: _v, townshipCode: _t, countyCode: _c, year: _y, ...f }) => ({
      source: source as string,
      ...f,
    })),
  };
}

/** One project with its villages, budget, beneficiaries (names as the caller may see them), assets, steps and money. */
export async function getProject(ctx: Ctx, id: string) {
  const p = await readOwn(ctx.db, ctx, id);
  const [villages, budget, beneficiaries, assets, steps, money] = await Promise.all([
    q.listVillages(ctx.db, id),
    q.listBudget(ctx.db, id),
    q.listBeneficiaries(ctx.db, id),
    q.listAssets(ctx.db, id),
    q.listSteps(ctx.db, id),
    projectFunds(ctx, id),
  ]);
  const mask = maskerFor({ role: ctx.scope.role, inArea: true });
  return {
    ...summary(p),
    geometry: p.geojson ? (JSON.parse(p.geojson) as Record<string, unknown>) : null,
    implementingUnit: p.implementing_unit,
    personInCharge: p.person_in_charge,
    contractor: p.contractor,
    plannedStart: p.planned_start,
    plannedEnd: p.planned_end,
    performanceTargets: p.performance_targets,
    noticeStartedAt: iso(p.notice_started_at),
    noticeEndsAt: iso(noticeEndsAt(p.notice_started_at)),
    acceptedAt: iso(p.accepted_at),
    closedAt: iso(p.closed_at),
    createdByName: p.created_by_name,
    villageList: villages
      .map((v) => ({ code: v.village_code, name: v.name, lead: v.village_code === p.village_code }))
      .sort((a, b) => Number(b.lead) - Number(a.lead)),
    budget: budget.map((l) => ({ source: l.source, amountFen: Number(l.amount_fen), note: l.note })),
    beneficiaries: beneficiaries.map((x) => ({
      householdId: x.household_id,
      householdNo: x.household_no,
      // 灰: in full inside the caller's area, 张*三 outside it (a project may cover villages beyond it).
      headName: mask.name(x.head_name, ctx.scope.covers(x.village_code)),
      villageCode: x.village_code,
      mechanism: x.mechanism,
      note: mask.text(x.note),
    })),
    assets: assets.map((a) => ({
      id: a.id,
      name: a.name,
      kind: a.kind,
      valueFen: Number(a.value_fen),
      owner: a.owner,
      manager: a.manager,
      householdId: a.household_id,
      handedOverOn: a.handed_over_on,
    })),
    steps: steps.map((s) => stepView(s, mask)),
    openObjections: openObjections(steps).map((s) => s.id),
    funds: money,
    allowedActions: allowedActions(ctx, p, steps),
  };
}

/** The project's step log, oldest first. */
export async function projectSteps(ctx: Ctx, id: string) {
  await readOwn(ctx.db, ctx, id);
  const mask = maskerFor({ role: ctx.scope.role, inArea: true });
  return { items: (await q.listSteps(ctx.db, id)).map((s) => stepView(s, mask)) };
}

/** The projects in the caller's area, newest first, filtered and paged. */
export async function listProjects(ctx: Ctx, input: ListInput) {
  const f = parse(ProjectListQuery, input);
  if (f.village) ctx.scope.assertCovers(f.village);
  const { rows, total } = await q.listProjects(ctx.db, ctx.scope, f);
  return { items: rows.map(summary), total };
}

/** The most projects one map-layer answer carries (a county has a few thousand; issue 16 brings tiles). */
export const MAX_FEATURES = 10_000;

/**
 * The map layer: the located projects in the caller's area matching the list's filters, as a GeoJSON
 * FeatureCollection (scoped by the list's own query), each with its state, plan year and amounts —
 * the budget and the ledger's allocated and spent — and nothing personal.
 */
export async function projectFeatures(ctx: Ctx, input: FeaturesInput) {
  const f = parse(ProjectFeaturesQuery, input);
  if (f.village) ctx.scope.assertCovers(f.village);
  const rows = await q.projectGeometries(ctx.db, ctx.scope, f, MAX_FEATURES + 1);
  const shown = rows.slice(0, MAX_FEATURES);
  const money = new Map(shown.length ? (await balances(ctx, { by: ['project'] })).map((b) => [b.projectId, b]) : []);
  return {
    type: 'FeatureCollection' as const,
    truncated: rows.length > MAX_FEATURES,
    features: shown.map((r) => ({
      type: 'Feature' as const,
      id: r.id,
      geometry: JSON.parse(r.geojson) as GeoJsonGeometry,
      properties: {
        id: r.id,
        name: r.name,
        type: r.type,
        category: categoryOf(r.type) ?? null,
        state: r.state as ProjectState,
        planYear: r.plan_year,
        villageCode: r.village_code,
        budgetFen: Number(r.budget_fen),
        allocatedFen: money.get(r.id)?.allocatedFen ?? 0,
        spentFen: money.get(r.id)?.spentFen ?? 0,
      },
    })),
  };
}

/**
 * The approval queue: projects in the caller's area waiting for a step the caller's role takes
 * (submit, review, notice, implementation, acceptance, handover, evaluation), the longest-waiting
 * first, with the days they have waited. Read-only roles wait for nothing.
 */
export async function approvalQueue(ctx: Ctx, input: QueueInput = {}) {
  const page = parse(QueueQuery, input);
  const states = ctx.scope.canWrite ? statesWaitingFor((p) => can(ctx.scope.role, p)) : [];
  if (!states.length) return { items: [], total: 0, byState: [] };
  const rows = await q.queuePage(ctx.db, ctx.scope, states, page);
  // The counts come with the page's rows; a page past the end has none, so they are asked alone.
  const counts: Record<string, number> =
    rows[0]?.counts ?? (page.offset > 0 ? Object.fromEntries((await q.queueCounts(ctx.db, ctx.scope, states)).map((c) => [c.state, c.n])) : {});
  const byState = states.map((state) => ({ state, action: forwardAction(state) as StepAction, count: Number(counts[state] ?? 0) })).filter((s) => s.count > 0);
  return {
    items: rows.map((r) => {
      const since = new Date(r.waiting_since);
      return {
        ...summary(r),
        waitingSince: since.toISOString(),
        daysWaiting: Math.max(0, Math.floor((ctx.now.getTime() - since.getTime()) / DAY)),
        action: forwardAction(r.state as ProjectState) as StepAction,
      };
    }),
    total: byState.reduce((n, s) => n + s.count, 0),
    byState,
  };
}

/** 年度项目计划: the approved projects of a plan year in the caller's area, with the budget by fund source. */
export async function annualPlan(ctx: Ctx, year: number) {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw Invalid([{ path: 'year', key: 'field.invalid' }]);
  const [projects, lines] = await Promise.all([
    q.planProjects(ctx.db, ctx.scope, year, APPROVED_STATES),
    q.planBudget(ctx.db, ctx.scope, year, APPROVED_STATES),
  ]);
  const byProject = new Map<string, { source: string; amountFen: number }[]>();
  const bySource = new Map<string, { amountFen: number; projects: Set<string> }>();
  for (const l of lines) {
    const amount = Number(l.amount_fen);
    const list = byProject.get(l.project_id) ?? [];
    list.push({ source: l.source, amountFen: amount });
    byProject.set(l.project_id, list);
    const s = bySource.get(l.source) ?? { amountFen: 0, projects: new Set<string>() };
    s.amountFen += amount;
    s.projects.add(l.project_id);
    bySource.set(l.source, s);
  }
  const order = (a: { source: string }, b: { source: string }) =>
    (FUND_SOURCES as readonly string[]).indexOf(a.source) - (FUND_SOURCES as readonly string[]).indexOf(b.source);
  const sources = [...bySource].map(([source, s]) => ({ source, amountFen: s.amountFen, projects: s.projects.size })).sort(order);
  return {
    year,
    projects: projects.map((p) => ({ ...summary(p), budget: (byProject.get(p.id) ?? []).sort(order) })),
    bySource: sources,
    totalFen: sources.reduce((a, s) => a + s.amountFen, 0),
  };
}

/** The projects benefiting a household and its 到户 payments (net of reversals), for its card. */
export async function householdProjects(ctx: Ctx, householdId: string) {
  const h = await q.findHousehold(ctx.db, householdId);
  if (!h) throw NotFound('project.householdNotFound', { id: householdId });
  ctx.scope.assertCovers(h.village_code, 'household', h.id);
  const [projects, payments] = await Promise.all([q.householdProjects(ctx.db, h.county_code, h.id), q.householdPayments(ctx.db, h.county_code, h.id)]);
  const paid = new Map<string, number>();
  for (const e of payments) paid.set(e.project_id, (paid.get(e.project_id) ?? 0) + Number(e.delta_fen));
  const mask = maskerFor({ role: ctx.scope.role, inArea: true });
  return {
    householdId: h.id,
    projects: projects.map((p) => ({
      id: p.id,
      name: p.name,
      type: p.type,
      state: p.state,
      planYear: p.plan_year,
      mechanisms: p.mechanisms,
      paidFen: paid.get(p.id) ?? 0,
    })),
    payments: payments.map((e) => ({
      id: e.id,
      projectId: e.project_id,
      projectName: e.project_name,
      source: e.source,
      amountFen: Number(e.amount_fen),
      deltaFen: Number(e.delta_fen),
      bookedOn: e.booked_on,
      reversalOf: e.reversal_of,
      note: mask.text(e.note),
    })),
    paidFen: [...paid.values()].reduce((a, v) => a + v, 0),
  };
}
