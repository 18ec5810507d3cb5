// The fund ledger (资金台账, docs/decisions/0021): posting entries (下达 / 拨付 / 报账 / 到户) and
// their reversing corrections, the balances and 资金支出进度 derived from them, and a village's
// figures for the public page, the map and the SMS summaries.
//
// It owns ledger_entries and must never update or delete one (the database refuses anyway): a
// correction is a reversing entry with a reason. Every write checks the invariants on the totals
// read under the project's row lock and records its audit entry in the same transaction; a refused
// entry writes nothing. Money is integer fen; yuan typed by a person is parsed as text.
import type { Ctx } from '../../context.ts';
import type { DbOrTrx } from '../../db/schema.ts';
import { can, type Permission } from '../../shared/permissions.ts';
import { AppError, type FieldError, Invalid, NotFound } from '../../errors.ts';
import type { MessageKey } from '../../http/messages.ts';
import { fenToYuan, MAX_AMOUNT_FEN, parseYuan } from '../../shared/money.ts';
import { findAreaNames } from '../areas/queries.ts';
import { recordAudit } from '../audit/audit.ts';
import { maskerFor } from '../auth/personal-data.ts';
import { maskName } from '../../shared/mask.ts';
import { APPROVED_STATES, BENEFIT_MECHANISMS, categoryOf, isAccepted } from '../projects/code-lists.ts';
import { ENTRY_KINDS, type EntryKind, FUND_SOURCES, isEntryKind, isFundSource } from './code-lists.ts';
import { applyDelta, type SourceTotals, spentOf, type Violation, violation, ZERO } from './ledger.ts';
import * as q from './queries.ts';

/** The permission recording each kind of entry needs (the permission table: 县级审批、乡镇报账). */
const POSTING: Record<EntryKind, Permission> = {
  下达: 'funds.allocate',
  拨付: 'funds.allocate',
  报账: 'funds.spend',
  到户: 'funds.spend',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_TEXT = 500;

export interface PostEntryInput {
  projectId: string;
  kind: EntryKind;
  source: string;
  /** The amount in fen (an integer) — or amountYuan, not both. */
  amountFen?: number;
  /** The amount as typed in yuan ('1234.56'; at most two decimals). */
  amountYuan?: string;
  /** 记账日期 (ISO date); not in the future. */
  bookedOn: string;
  /** 报账: the voucher number (required). */
  voucherNo?: string | null;
  /** 下达: the allocation document's number (文号). */
  documentNo?: string | null;
  /** 拨付 / 报账: who received the money (township, implementing unit, supplier). */
  payee?: string | null;
  /** 到户: the beneficiary household paid (required for 到户, refused otherwise). */
  householdId?: string | null;
  note?: string | null;
}

export interface ReverseEntryInput {
  entryId: string;
  reason: string;
  /** 记账日期 of the correction; defaults to today. */
  bookedOn?: string;
}

export type EntryView = ReturnType<typeof entryView>;

function entryView(r: q.EntryRow) {
  return {
    id: r.id,
    projectId: r.project_id,
    kind: r.kind,
    source: r.source,
    amountFen: Number(r.amount_fen),
    /** The signed effect: negative for a reversal. */
    deltaFen: Number(r.delta_fen),
    bookedOn: r.booked_on,
    reversalOf: r.reversal_of,
    reason: r.reason,
    voucherNo: r.voucher_no,
    documentNo: r.document_no,
    payee: r.payee,
    householdId: r.household_id,
    note: r.note,
    createdBy: { id: r.created_by, name: r.created_by_name, role: r.created_by_role },
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Today in China (the business dates' calendar). */
export const chinaDate = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

function validDate(v: unknown): v is string {
  if (typeof v !== 'string' || !ISO_DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function checkText(fields: FieldError[], path: string, v: unknown) {
  if (v === undefined || v === null) return;
  if (typeof v !== 'string') fields.push({ path, key: 'field.type', params: { expected: 'string' } });
  else if (v.length > MAX_TEXT) fields.push({ path, key: 'field.tooLong', params: { max: MAX_TEXT } });
}

/** The amount in fen, or the field error (amountFen / amountYuan). */
function amountOf(input: PostEntryInput, fields: FieldError[]): number {
  const hasFen = input.amountFen !== undefined && input.amountFen !== null;
  const hasYuan = input.amountYuan !== undefined && input.amountYuan !== null;
  if (hasFen === hasYuan) {
    fields.push({ path: 'amountFen', key: 'funds.amountOne' });
    return 0;
  }
  let fen: number;
  let path: string;
  if (hasYuan) {
    path = 'amountYuan';
    if (typeof input.amountYuan !== 'string') {
      fields.push({ path, key: 'field.type', params: { expected: 'string' } });
      return 0;
    }
    const p = parseYuan(input.amountYuan);
    if (!p.ok) {
      if (p.reason === 'decimals') fields.push({ path, key: 'funds.amountDecimals' });
      else if (p.reason === 'tooLarge') fields.push({ path, key: 'funds.amountTooLarge', params: { max: fenToYuan(MAX_AMOUNT_FEN) } });
      else if (/^\s*-/.test(input.amountYuan)) fields.push({ path, key: 'funds.amountPositive' });
      else fields.push({ path, key: 'field.format' });
      return 0;
    }
    fen = p.fen;
  } else {
    path = 'amountFen';
    fen = input.amountFen as number;
    if (typeof fen !== 'number' || !Number.isInteger(fen)) {
      fields.push({ path, key: typeof fen === 'number' && Number.isFinite(fen) ? 'funds.amountFen' : 'field.type', params: { expected: 'integer' } });
      return 0;
    }
  }
  if (fen <= 0) fields.push({ path, key: 'funds.amountPositive' });
  else if (fen > MAX_AMOUNT_FEN) fields.push({ path, key: 'funds.amountTooLarge', params: { max: fenToYuan(MAX_AMOUNT_FEN) } });
  return fen;
}

/** Everything that can be said about the input without the database: all problems at once. */
function validatePost(input: PostEntryInput, now: Date): number {
  const fields: FieldError[] = [];
  if (typeof input.projectId !== 'string' || !UUID.test(input.projectId)) fields.push({ path: 'projectId', key: 'field.format' });
  if (!isEntryKind(input.kind)) fields.push({ path: 'kind', key: 'field.oneOf', params: { values: ENTRY_KINDS.join('、') } });
  if (!isFundSource(input.source)) fields.push({ path: 'source', key: 'field.oneOf', params: { values: FUND_SOURCES.join('、') } });
  const fen = amountOf(input, fields);
  if (!validDate(input.bookedOn)) fields.push({ path: 'bookedOn', key: input.bookedOn === undefined ? 'field.required' : 'field.format' });
  else if (input.bookedOn > chinaDate(now)) fields.push({ path: 'bookedOn', key: 'funds.bookedInFuture' });
  for (const k of ['voucherNo', 'documentNo', 'payee', 'note'] as const) checkText(fields, k, input[k]);
  if (input.kind === '报账' && text(input.voucherNo) === null) fields.push({ path: 'voucherNo', key: 'funds.voucherRequired' });
  const household = input.householdId ?? null;
  if (input.kind === '到户') {
    if (household === null) fields.push({ path: 'householdId', key: 'funds.householdRequired' });
    else if (typeof household !== 'string' || !UUID.test(household)) fields.push({ path: 'householdId', key: 'field.format' });
  } else if (household !== null && isEntryKind(input.kind)) {
    fields.push({ path: 'householdId', key: 'funds.householdOnlyForPayment' });
  }
  if (fields.length) throw Invalid(fields);
  return fen;
}

function totalsBySource(rows: { source: string; kind: string; net: number | string }[]): Map<string, SourceTotals> {
  const out = new Map<string, SourceTotals>();
  for (const r of rows) out.set(r.source, applyDelta(out.get(r.source) ?? ZERO, r.kind as EntryKind, Number(r.net)));
  return out;
}

function violationError(v: Violation, field: string): AppError {
  const { rule, ...params } = v;
  const key = `funds.${rule}` as MessageKey;
  return new AppError('CONFLICT', key, params, [{ path: field, key, params }], { rule });
}

/** The project, locked, inside the scope and the role's reach for `kind` (403 audited otherwise). */
async function lockForPosting(trx: DbOrTrx, ctx: Ctx, projectId: string, kind: EntryKind): Promise<q.ProjectRow> {
  const project = await q.lockProject(trx, projectId);
  if (!project) throw NotFound('funds.projectNotFound', { id: projectId });
  ctx.scope.assertCanWrite(project.village_code, 'project', projectId);
  if (!can(ctx.scope.role, POSTING[kind])) {
    throw new AppError('FORBIDDEN', 'funds.roleMayNotPost', { kind }, [], {
      audit: { code: project.village_code, entity: 'project', entityId: projectId, kind: 'write' },
    });
  }
  return project;
}

/** Inserts the entry and its audit entry; returns its view. */
async function writeEntry(
  trx: DbOrTrx,
  ctx: Ctx,
  project: q.ProjectRow,
  entry: Omit<q.NewEntry, 'county_code' | 'project_id' | 'created_by' | 'created_by_name' | 'created_by_role' | 'created_at'>,
) {
  const row = await q.insertEntry(trx, {
    ...entry,
    county_code: project.county_code,
    project_id: project.id,
    created_by: ctx.actor.id,
    created_by_name: ctx.actor.name,
    created_by_role: ctx.actor.role,
    created_at: ctx.now,
  });
  const view = entryView(row);
  const { createdBy: _by, createdAt: _at, ...audited } = view;
  await recordAudit(trx, {
    actor: ctx.actor,
    action: entry.reversal_of ? 'ledger.reverse' : 'ledger.post',
    entity: 'ledger_entry',
    entityId: row.id,
    // The project's history: its entries and steps share its id as subject.
    subjectId: project.id,
    areaCode: project.village_code,
    after: audited,
    note: entry.reversal_of ? { reason: entry.reason, reversalOf: entry.reversal_of } : undefined,
    origin: ctx.origin,
  });
  return view;
}

/**
 * Posts one entry. Refused, with nothing written: malformed input (400 naming each field); an
 * unknown or out-of-scope project (404); a role that may not post this kind (403); an allocation
 * from a source the project does not budget, a payment to a household that is not a beneficiary,
 * an entry breaking an invariant (409 naming the field).
 */
export async function postEntry(ctx: Ctx, input: PostEntryInput): Promise<EntryView> {
  const fen = validatePost(input, ctx.now);
  return ctx.db.transaction().execute(async (trx) => {
    const project = await lockForPosting(trx, ctx, input.projectId, input.kind);
    if (input.kind === '下达' && !(await q.hasBudgetLine(trx, project.id, input.source))) {
      throw new AppError('CONFLICT', 'funds.noBudgetLine', { source: input.source }, [
        { path: 'source', key: 'funds.noBudgetLine', params: { source: input.source } },
      ]);
    }
    if (input.kind === '到户' && !(await q.isBeneficiary(trx, project.id, input.householdId as string))) {
      throw new AppError('CONFLICT', 'funds.notBeneficiary', {}, [{ path: 'householdId', key: 'funds.notBeneficiary' }]);
    }
    const totals = totalsBySource(await q.projectTotals(trx, project.county_code, project.id));
    const broken = violation(totals, { kind: input.kind, source: input.source, delta: fen }, isAccepted(project.state));
    if (broken) throw violationError(broken, input.amountYuan !== undefined && input.amountYuan !== null ? 'amountYuan' : 'amountFen');
    return writeEntry(trx, ctx, project, {
      kind: input.kind,
      source: input.source,
      amount_fen: fen,
      booked_on: input.bookedOn,
      reversal_of: null,
      reason: null,
      voucher_no: text(input.voucherNo),
      document_no: text(input.documentNo),
      payee: text(input.payee),
      household_id: input.kind === '到户' ? (input.householdId ?? null) : null,
      note: text(input.note),
    });
  });
}

/**
 * Corrects an entry by a reversing entry (same project, kind, source, amount and household; the
 * reason required). Refused when the entry is a reversal itself, is reversed already, or when
 * undoing it would break an invariant (an allocation already paid out, a disbursement already spent).
 */
export async function reverseEntry(ctx: Ctx, input: ReverseEntryInput): Promise<EntryView> {
  const fields: FieldError[] = [];
  if (typeof input.entryId !== 'string' || !UUID.test(input.entryId)) fields.push({ path: 'entryId', key: 'field.format' });
  if (text(input.reason) === null) fields.push({ path: 'reason', key: 'field.required' });
  else checkText(fields, 'reason', input.reason);
  const bookedOn = input.bookedOn ?? chinaDate(ctx.now);
  if (!validDate(bookedOn)) fields.push({ path: 'bookedOn', key: 'field.format' });
  else if (bookedOn > chinaDate(ctx.now)) fields.push({ path: 'bookedOn', key: 'funds.bookedInFuture' });
  if (fields.length) throw Invalid(fields);
  return ctx.db.transaction().execute(async (trx) => {
    const original = await q.findEntry(trx, input.entryId);
    if (!original) throw NotFound('funds.entryNotFound', { id: input.entryId });
    const project = await lockForPosting(trx, ctx, original.project_id, original.kind);
    if (original.reversal_of) throw new AppError('CONFLICT', 'funds.reversalOfReversal', {}, [{ path: 'entryId', key: 'funds.reversalOfReversal' }]);
    const already = await q.reversalOf(trx, original.id);
    if (already)
      throw new AppError('CONFLICT', 'funds.alreadyReversed', { id: already.id }, [
        { path: 'entryId', key: 'funds.alreadyReversed', params: { id: already.id } },
      ]);
    const amount = Number(original.amount_fen);
    const totals = totalsBySource(await q.projectTotals(trx, project.county_code, project.id));
    const broken = violation(totals, { kind: original.kind, source: original.source, delta: -amount }, isAccepted(project.state));
    if (broken) throw violationError(broken, 'entryId');
    return writeEntry(trx, ctx, project, {
      kind: original.kind,
      source: original.source,
      amount_fen: amount,
      booked_on: bookedOn,
      reversal_of: original.id,
      reason: text(input.reason),
      voucher_no: original.voucher_no,
      document_no: original.document_no,
      payee: original.payee,
      household_id: original.household_id,
      note: null,
    });
  });
}

/** A project's entries, oldest first (scoped: an unknown or out-of-scope project has none). */
export async function projectEntries(ctx: Ctx, projectId: string): Promise<EntryView[]> {
  if (!UUID.test(projectId)) throw Invalid([{ path: 'projectId', key: 'field.format' }]);
  return (await q.listProjectEntries(ctx.db, ctx.scope, projectId)).map(entryView);
}

// ── Derived figures ─────────────────────────────────────────────────────────────────────────────

/** The figures of a set of entries, in fen; progress (资金支出进度) = spent ÷ allocated. */
export interface Figures {
  allocatedFen: number;
  disbursedFen: number;
  reimbursedFen: number;
  householdPaidFen: number;
  /** 报账 + 到户. */
  spentFen: number;
  /** Allocated, not yet disbursed (at the county). */
  undisbursedFen: number;
  /** Disbursed, not yet spent (at the township or implementing unit). */
  unspentFen: number;
  /** spent ÷ allocated, 0…1 to four decimals; null when nothing is allocated. */
  progress: number | null;
  entries: number;
}

export function figures(t: {
  allocated: number | string;
  disbursed: number | string;
  reimbursed: number | string;
  household_paid: number | string;
  entries: number | string;
}): Figures {
  const s: SourceTotals = {
    allocated: Number(t.allocated),
    disbursed: Number(t.disbursed),
    reimbursed: Number(t.reimbursed),
    householdPaid: Number(t.household_paid),
  };
  const spent = spentOf(s);
  return {
    allocatedFen: s.allocated,
    disbursedFen: s.disbursed,
    reimbursedFen: s.reimbursed,
    householdPaidFen: s.householdPaid,
    spentFen: spent,
    undisbursedFen: s.allocated - s.disbursed,
    unspentFen: s.disbursed - spent,
    progress: s.allocated > 0 ? Math.round((spent / s.allocated) * 10_000) / 10_000 : null,
    entries: Number(t.entries),
  };
}

export const DIMENSIONS: readonly q.Dimension[] = ['project', 'village', 'township', 'county', 'source', 'year'];

export interface BalanceQuery {
  /** Group by these (any combination; none: one total). */
  by: q.Dimension[];
  /** A period of business dates (inclusive); open ends allowed. */
  from?: string;
  to?: string;
  /** Plan year (年度). */
  year?: number;
  source?: string;
  /** An area inside the scope (a township, a village …). */
  areaCode?: string;
  projectId?: string;
}

export interface BalanceItem extends Figures {
  projectId?: string;
  projectName?: string;
  villageCode?: string;
  villageName?: string | null;
  townshipCode?: string;
  townshipName?: string | null;
  countyCode?: string;
  countyName?: string | null;
  source?: string;
  year?: number;
}

/**
 * Balances and 资金支出进度 of every entry in scope, grouped as asked — one set-based statement.
 * A project's money counts at its lead village (every project once in the area roll-ups).
 */
export async function balances(ctx: Ctx, query: BalanceQuery): Promise<BalanceItem[]> {
  const fields: FieldError[] = [];
  if (!Array.isArray(query.by) || query.by.some((d) => !DIMENSIONS.includes(d)))
    fields.push({ path: 'by', key: 'field.oneOf', params: { values: DIMENSIONS.join('、') } });
  if (query.from !== undefined && !validDate(query.from)) fields.push({ path: 'from', key: 'field.format' });
  if (query.to !== undefined && !validDate(query.to)) fields.push({ path: 'to', key: 'field.format' });
  if (query.from && query.to && validDate(query.from) && validDate(query.to) && query.from > query.to) fields.push({ path: 'from', key: 'funds.periodOrder' });
  if (query.year !== undefined && !(Number.isInteger(query.year) && query.year >= 2000 && query.year <= 2100))
    fields.push({ path: 'year', key: 'field.invalid' });
  if (query.source !== undefined && !isFundSource(query.source))
    fields.push({ path: 'source', key: 'field.oneOf', params: { values: FUND_SOURCES.join('、') } });
  if (query.areaCode !== undefined && !/^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$/.test(query.areaCode)) fields.push({ path: 'areaCode', key: 'area.badCode' });
  if (query.projectId !== undefined && !UUID.test(query.projectId)) fields.push({ path: 'projectId', key: 'field.format' });
  if (fields.length) throw Invalid(fields);
  if (query.areaCode !== undefined) ctx.scope.assertCovers(query.areaCode);
  const rows = await q.balances(ctx.db, ctx.scope, query);
  const by = new Set(query.by);
  // The areas' names, for the rows grouped by area (the rows are in scope: so are their areas).
  const codes = new Set<string>();
  for (const r of rows) for (const c of [r.village_code, r.township_code, r.county_code]) if (typeof c === 'string') codes.add(c);
  const names = new Map((await findAreaNames(ctx.db, [...codes])).map((a) => [a.code, a.name]));
  const named = (code: unknown) => names.get(code as string) ?? null;
  return rows.map((r) => ({
    ...(by.has('project') ? { projectId: r.project_id as string, projectName: r.project_name as string } : {}),
    ...(by.has('village') ? { villageCode: r.village_code as string, villageName: named(r.village_code) } : {}),
    ...(by.has('township') ? { townshipCode: r.township_code as string, townshipName: named(r.township_code) } : {}),
    ...(by.has('county') ? { countyCode: r.county_code as string, countyName: named(r.county_code) } : {}),
    ...(by.has('source') ? { source: r.source as string } : {}),
    ...(by.has('year') ? { year: Number(r.year) } : {}),
    ...figures(r),
  }));
}

// ── A village's figures (public page, map, SMS) ────────────────────────────────────────────────

export interface Period {
  /** ISO dates, inclusive. */
  from: string;
  to: string;
}

/** The calendar year as a period. */
export const yearPeriod = (year: number): Period => ({ from: `${year}-01-01`, to: `${year}-12-31` });

/** The ledger's first business date: a period without a start begins here. */
export const LEDGER_BEGINNING = '2000-01-01';

/**
 * The period a reader asks for: a calendar year, or from/to (each end open: the ledger's beginning,
 * today in China). A year together with from/to is refused (400 naming `year`).
 */
export function periodOf(q: { year?: number; from?: string; to?: string }, now: Date): Period {
  if (q.year !== undefined) {
    if (q.from !== undefined || q.to !== undefined) throw Invalid([{ path: 'year', key: 'funds.yearOrPeriod' }]);
    return yearPeriod(q.year);
  }
  return { from: q.from ?? LEDGER_BEGINNING, to: q.to ?? chinaDate(now) };
}

/** A beneficiary household of the village, as the public may see it: the head's name masked (张*三). */
export interface VillageBeneficiary {
  name: string;
  /** 联农带农方式, in the code list's order. */
  mechanisms: string[];
  /** What the project's 到户 entries of the period paid the household (net), in fen. */
  paidFen: number;
}

export interface VillageProject extends Figures {
  id: string;
  name: string;
  type: string;
  category: string | undefined;
  state: string;
  planYear: number;
  leadVillage: string;
  /** Covers other villages too: the figures are the whole project's, not this village's share. */
  shared: boolean;
  /** Beneficiary households of the project, in every village it covers. */
  beneficiaryCount: number;
  /** Those living in this village (masked names). */
  beneficiaries: VillageBeneficiary[];
}

/** A project's public notice (公告公示): from the county's approval, at least NOTICE_DAYS days. */
export interface VillageNotice {
  projectId: string;
  projectName: string;
  /** China dates (YYYY-MM-DD), inclusive. */
  startsOn: string;
  endsOn: string;
}

export interface VillageFunds {
  village: { code: string; name: string; townshipName: string | null; countyName: string | null; fullName: string };
  period: Period;
  totals: Figures;
  bySource: (Figures & { source: string })[];
  projects: VillageProject[];
  /** What the period's 到户 entries paid to the village's own households (net), and to how many. */
  households: { paidFen: number; households: number };
  /** The village's own households that benefit from a listed project (each once, however many projects). */
  beneficiaryHouseholds: number;
  /** The listed projects' notices, newest first. */
  notices: VillageNotice[];
}

/** 公告公示 lasts at least this many days (docs/domain/projects-funds.md). */
export const NOTICE_DAYS = 10;

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const add = (
  a: SourceTotals & { entries: number },
  r: { allocated: number | string; disbursed: number | string; reimbursed: number | string; household_paid: number | string; entries: number | string },
) => {
  a.allocated += Number(r.allocated);
  a.disbursed += Number(r.disbursed);
  a.reimbursed += Number(r.reimbursed);
  a.householdPaid += Number(r.household_paid);
  a.entries += Number(r.entries);
};
const fresh = () => ({ ...ZERO, entries: 0 });
const asFigures = (a: SourceTotals & { entries: number }) => figures({ ...a, household_paid: a.householdPaid });

/**
 * A village's fund figures for a period of business dates: every project covering the village
 * that is approved (入库) or has money recorded in the period, with its figures; the totals and
 * the figures per fund source over those projects; and what was paid to the village's households.
 * With each project its beneficiaries living in the village (head names masked: 张*三, never a
 * number of theirs) and what it paid them, and the projects' notices (公告公示, NOTICE_DAYS days).
 * Public data (no personal data, no scope): the public page, the map and the SMS summaries use it.
 * An unknown village → 404; a malformed period → 400.
 */
export async function villageFunds(db: DbOrTrx, villageCode: string, period: Period): Promise<VillageFunds> {
  const fields: FieldError[] = [];
  if (typeof villageCode !== 'string' || !/^\d{12}$/.test(villageCode)) fields.push({ path: 'villageCode', key: 'area.badCode' });
  if (!validDate(period?.from)) fields.push({ path: 'period.from', key: 'field.format' });
  if (!validDate(period?.to)) fields.push({ path: 'period.to', key: 'field.format' });
  else if (validDate(period.from) && period.from > period.to) fields.push({ path: 'period.from', key: 'funds.periodOrder' });
  if (fields.length) throw Invalid(fields);
  const village = await q.findVillage(db, villageCode);
  if (!village) throw NotFound('funds.villageNotFound', { code: villageCode });
  const [rows, paid, people, noticeRows] = await Promise.all([
    q.villageFigures(db, villageCode, period.from, period.to, APPROVED_STATES),
    q.villageHouseholdPayments(db, villageCode, period.from, period.to),
    q.villageBeneficiaries(db, villageCode),
    q.villageNotices(db, villageCode),
  ]);
  // Payments by project and household; the village's households paid (net, over every project).
  const paidTo = new Map<string, number>();
  const perHousehold = new Map<string, number>();
  for (const r of paid) {
    const household = r.household_id ?? '';
    paidTo.set(`${r.project_id} ${household}`, Number(r.paid));
    perHousehold.set(household, (perHousehold.get(household) ?? 0) + Number(r.paid));
  }
  let paidFen = 0;
  let paidHouseholds = 0;
  for (const v of perHousehold.values()) {
    paidFen += v;
    if (v > 0) paidHouseholds++;
  }
  // Beneficiaries by project, one per household (a household may benefit by several mechanisms).
  const beneficiaries = new Map<string, Map<string, VillageBeneficiary>>();
  for (const b of people) {
    let byHousehold = beneficiaries.get(b.project_id);
    if (!byHousehold) beneficiaries.set(b.project_id, (byHousehold = new Map()));
    const known = byHousehold.get(b.household_id);
    if (known) known.mechanisms.push(b.mechanism);
    else
      byHousehold.set(b.household_id, {
        name: maskName(b.head_name) ?? '',
        mechanisms: [b.mechanism],
        paidFen: paidTo.get(`${b.project_id} ${b.household_id}`) ?? 0,
      });
  }
  const order = (m: string) => (BENEFIT_MECHANISMS as readonly string[]).indexOf(m);
  for (const byHousehold of beneficiaries.values()) for (const v of byHousehold.values()) v.mechanisms.sort((a, b) => order(a) - order(b));
  const total = fresh();
  const bySource = new Map<string, ReturnType<typeof fresh>>();
  const projects = new Map<string, { row: (typeof rows)[number]; sums: ReturnType<typeof fresh> }>();
  for (const r of rows) {
    let p = projects.get(r.id);
    if (!p) projects.set(r.id, (p = { row: r, sums: fresh() }));
    add(p.sums, r);
    add(total, r);
    if (r.source) {
      let s = bySource.get(r.source);
      if (!s) bySource.set(r.source, (s = fresh()));
      add(s, r);
    }
  }
  const listed = [...projects.values()].map(({ row, sums }) => ({
    id: row.id,
    name: row.name,
    type: row.type,
    category: categoryOf(row.type),
    state: row.state,
    planYear: Number(row.plan_year),
    leadVillage: row.lead_village,
    shared: Number(row.villages) > 1,
    beneficiaryCount: Number(row.beneficiaries),
    beneficiaries: [...(beneficiaries.get(row.id)?.values() ?? [])],
    ...asFigures(sums),
  }));
  const names = new Map(listed.map((p) => [p.id, p.name]));
  const notices = noticeRows
    .filter((n) => names.has(n.project_id))
    .map((n) => {
      const startsOn = chinaDate(new Date(n.at));
      return { projectId: n.project_id, projectName: names.get(n.project_id) as string, startsOn, endsOn: addDays(startsOn, NOTICE_DAYS) };
    });
  return {
    village: {
      code: village.code,
      name: village.name,
      townshipName: village.township_name,
      countyName: village.county_name,
      fullName: `${village.county_name ?? ''}${village.township_name ?? ''}${village.name}`,
    },
    period: { from: period.from, to: period.to },
    totals: asFigures(total),
    bySource: FUND_SOURCES.filter((s) => bySource.has(s)).map((s) => ({ source: s, ...asFigures(bySource.get(s) as ReturnType<typeof fresh>) })),
    projects: listed,
    households: { paidFen, households: paidHouseholds },
    beneficiaryHouseholds: new Set(people.filter((b) => names.has(b.project_id)).map((b) => b.household_id)).size,
    notices,
  };
}

// ── The ledger as a list (资金台账) ────────────────────────────────────────────────────────────

export type LedgerFilter = q.EntryFilter;

export type LedgerItem = EntryView & {
  projectName: string;
  /** The project's lead village (its own area). */
  villageCode: string;
  /** 到户: the household head's name, masked where the household is outside the reader's area. */
  householdName: string | null;
};

/** The filter checked as the domain checks it (periods in order, the village inside the scope). */
export function checkLedgerFilter(ctx: Ctx, f: LedgerFilter): void {
  const fields: FieldError[] = [];
  if (f.projectId !== undefined && !UUID.test(f.projectId)) fields.push({ path: 'project', key: 'field.format' });
  if (f.villageCode !== undefined && !/^\d{12}$/.test(f.villageCode)) fields.push({ path: 'village', key: 'area.badCode' });
  if (f.source !== undefined && !isFundSource(f.source)) fields.push({ path: 'source', key: 'field.oneOf', params: { values: FUND_SOURCES.join('、') } });
  if (f.kind !== undefined && !isEntryKind(f.kind)) fields.push({ path: 'kind', key: 'field.oneOf', params: { values: ENTRY_KINDS.join('、') } });
  if (f.from !== undefined && !validDate(f.from)) fields.push({ path: 'from', key: 'field.format' });
  if (f.to !== undefined && !validDate(f.to)) fields.push({ path: 'to', key: 'field.format' });
  if (f.from && f.to && validDate(f.from) && validDate(f.to) && f.from > f.to) fields.push({ path: 'from', key: 'funds.periodOrder' });
  if (fields.length) throw Invalid(fields);
  if (f.villageCode !== undefined) ctx.scope.assertCovers(f.villageCode);
}

/** What a reader of `role` in `scope` is shown of a listed entry: free text with typed-in numbers masked, names by area. */
export function ledgerItem(ctx: Ctx, r: q.EntryListRow): LedgerItem {
  const mask = maskerFor({ role: ctx.scope.role });
  const view = entryView(r);
  return {
    ...view,
    reason: mask.text(view.reason),
    payee: mask.text(view.payee),
    note: mask.text(view.note),
    voucherNo: mask.text(view.voucherNo),
    documentNo: mask.text(view.documentNo),
    projectName: r.project_name,
    villageCode: r.project_village,
    householdName: r.household_name === null ? null : mask.name(r.household_name, r.household_village !== null && ctx.scope.covers(r.household_village)),
  };
}

/** A page of the ledger in the caller's scope (every entry of the projects whose lead village it covers). */
export async function listLedger(ctx: Ctx, f: LedgerFilter, page: { page: number; pageSize: number }): Promise<{ total: number; items: LedgerItem[] }> {
  checkLedgerFilter(ctx, f);
  const [total, rows] = await Promise.all([
    q.countEntries(ctx.db, ctx.scope, f),
    q.listEntries(ctx.db, ctx.scope, f, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize }),
  ]);
  return { total, items: rows.map((r) => ledgerItem(ctx, r)) };
}
