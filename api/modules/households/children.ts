// The card's child records that share one generic shape: responsible cadres (帮扶责任人), assistance
// measures (帮扶措施) and visits (走访记录) — create, edit (versioned) and soft delete (photos too),
// each audited with the household as subject. Each kind is a ChildSpec: its columns, checks and view.
import { type Ctx, inTransaction } from '../../context.ts';
import type { Selectable } from 'kysely';
import type { DbOrTrx, ResponsibleCadresTable } from '../../db/schema.ts';
import { AppError, Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { type Masker, maskerFor } from '../auth/personal-data.ts';
import { MEASURE_SUBTYPES, type MeasureCategory } from './code-lists.ts';
import { loadHousehold, staleRecord } from './households.ts';
import { assertMemberOfHousehold } from './members.ts';
import { assertWritesReadable, type GradedEntity, isPersonalPhoto, keepMaskedText, seesPersonalData } from './privacy.ts';
import * as q from './queries.ts';
import { pick, strip } from './record-columns.ts';
import { cadreView, measureView, visitView } from './views.ts';

// ── Cadres, measures, visits: one generic shape ─────────────────────────────────────────────
type ChildTable = 'responsible_cadres' | 'assistance_measures' | 'visits';
interface ChildSpec<V> {
  table: ChildTable;
  entity: string;
  columns: (input: Record<string, unknown>, ctx: Ctx) => Record<string, unknown>;
  /** Domain checks needing the database (e.g. a member of this household). */
  check?: (trx: DbOrTrx, householdId: string, merged: Record<string, unknown>) => Promise<void>;
  reload: (trx: DbOrTrx, householdId: string, id: string) => Promise<Record<string, unknown> | undefined>;
  view: (row: Record<string, unknown>, mask: Masker) => V;
  /** Records with graded fields: an edit may not change what the role cannot read (privacy.ts). */
  graded?: GradedEntity;
}

export const cadreSpec: ChildSpec<ReturnType<typeof cadreView>> = {
  table: 'responsible_cadres',
  entity: 'cadre',
  graded: 'cadre',
  columns: (i) => pick(i, { name: 'name', workUnit: 'work_unit', phone: 'phone', fromDate: 'from_date', toDate: 'to_date' }),
  check: async (_trx, _h, m) => {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- date texts (unknown narrowed to {})
    if (m.from_date && m.to_date && String(m.to_date) < String(m.from_date)) throw Invalid([{ path: 'toDate', key: 'field.dateOrder' }]);
  },
  reload: (trx, h, id) => q.findChild(trx, 'responsible_cadres', h, id),
  view: (r, mask) => cadreView(r as Selectable<ResponsibleCadresTable>, mask),
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
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a code text (unknown narrowed to {})
      if (!allowed.includes(String(m.subtype))) {
        throw Invalid([{ path: 'subtype', key: 'measure.subtype', params: { category, values: allowed.join('、') } }]);
      }
    }
    await assertMemberOfHousehold(trx, householdId, m.member_id);
  },
  reload: (trx, h, id) => q.findChild(trx, 'assistance_measures', h, id),
  view: measureView,
};

export const visitSpec: ChildSpec<ReturnType<typeof visitView>> = {
  table: 'visits',
  entity: 'visit',
  columns: (i, ctx) => {
    const c = pick(i, {
      visitedAt: 'visited_at',
      visitorName: 'visitor_name',
      purpose: 'purpose',
      seen: 'seen',
      asked: 'asked',
      heard: 'heard',
      problems: 'problems',
      followUp: 'follow_up',
    });
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a date text (unknown narrowed to {})
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

export async function createChild<V>(ctx: Ctx, householdId: string, spec: ChildSpec<V>, input: Record<string, unknown>) {
  const { scope } = ctx;
  return inTransaction(ctx, async (trx, tctx) => {
    const h = await loadHousehold(tctx, householdId, 'write');
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
    return spec.view(view, maskerFor({ role: scope.role }));
  });
}

export async function updateChild<V>(
  ctx: Ctx,
  householdId: string,
  spec: ChildSpec<V>,
  recordId: string,
  patch: Record<string, unknown> & { version: number },
) {
  const { scope } = ctx;
  return inTransaction(ctx, async (trx, tctx) => {
    const h = await loadHousehold(tctx, householdId, 'write');
    const before = await spec.reload(trx, householdId, recordId);
    if (!before) throw NotFound('record.notFound');
    if (spec.graded) assertWritesReadable(scope.role, spec.graded, patch, { areaCode: h.village_code, entityId: recordId });
    if (Number(before.version) !== patch.version) throw staleRecord(Number(before.version));
    const cols = keepMaskedText(scope.role, spec.columns(patch, ctx), before);
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
    return spec.view(after, maskerFor({ role: scope.role }));
  });
}

type DeletableTable = ChildTable | 'photos';
export async function deleteChild(ctx: Ctx, householdId: string, table: DeletableTable, entity: string, recordId: string, version: number | undefined) {
  const { scope } = ctx;
  return inTransaction(ctx, async (trx, tctx) => {
    const h = await loadHousehold(tctx, householdId, 'write');
    const before = await q.findChild(trx, table, householdId, recordId);
    if (!before) throw NotFound('record.notFound');
    // A photo that may show people is not shown to some roles: they may not delete it either.
    if (table === 'photos' && isPersonalPhoto(String(before.kind)) && !seesPersonalData(scope.role)) {
      throw new AppError('FORBIDDEN', 'photo.notAllowed', {}, [], { audit: { code: h.village_code, entity: 'photo', entityId: recordId, kind: 'write' } });
    }
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
