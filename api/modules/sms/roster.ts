// The SMS roster (监督员名册): each village's supervisors — 村监委会成员 and other 群众监督员 — with
// their phone and opt-in state. Phones are personal data: every read masks them; the one way to a
// full number is reveal(), audited as the household card's reveal is. Who keeps the roster is the
// permission table's sms.roster.manage (county office, township); where, the caller's scope.
// Imports from Excel/CSV are all or nothing: one bad row and nothing is written, every bad row named.
import type { Ctx } from '../../context.ts';
import { inTransaction } from '../../context.ts';
import type { SmsPosition } from '../../db/schema.ts';
import { AppError, type FieldError, Invalid, NotFound } from '../../errors.ts';
import { can, type Permission } from '../../shared/permissions.ts';
import { isMobilePhone, maskPhone } from '../../shared/mask.ts';
import { recordAudit } from '../audit/audit.ts';
import { cellReader, type ColumnSpec, mapHeaders } from '../imports/headers.ts';
import { cleanCell } from '../imports/normalize.ts';
import { openTable, TableReadError } from '../imports/read-table.ts';
import * as q from './queries.ts';

export const POSITIONS: readonly SmsPosition[] = ['村监委会成员', '群众监督员'];

export interface RecipientView {
  id: string;
  villageCode: string;
  villageName?: string;
  name: string;
  /** Masked (138****5678); the full number only through reveal(). */
  phone: string;
  position: SmsPosition;
  optedIn: boolean;
  optedOutVia: 'sms' | 'app' | null;
  optedOutAt: string | null;
  version: number;
}

type RecipientRow = Awaited<ReturnType<typeof q.findRecipient>> & object;

const view = (r: RecipientRow & { village_name?: string }): RecipientView => ({
  id: r.id,
  villageCode: r.village_code,
  ...(r.village_name !== undefined ? { villageName: r.village_name } : {}),
  name: r.name,
  phone: maskPhone(r.phone) ?? '',
  position: r.position,
  optedIn: r.opted_in,
  optedOutVia: r.opted_out_via,
  optedOutAt: r.opted_out_at ? new Date(r.opted_out_at).toISOString() : null,
  version: Number(r.version),
});

/** The role may do `permission` (403, audited by the error middleware, otherwise). */
export function assertMay(ctx: Ctx, permission: Permission, code: string = ctx.scope.areaCode): void {
  if (!can(ctx.scope.role, permission))
    throw new AppError('FORBIDDEN', 'sms.notAllowed', {}, [], { audit: { code, entity: 'sms', entityId: permission, kind: 'read' } });
}

export async function listRoster(ctx: Ctx, f: { areaCode?: string | undefined }): Promise<RecipientView[]> {
  assertMay(ctx, 'sms.roster.read');
  if (f.areaCode !== undefined) ctx.scope.assertCovers(f.areaCode);
  return (await q.listRecipients(ctx.db, ctx.scope, f)).map(view);
}

export interface RecipientInput {
  villageCode: string;
  name: string;
  phone: string;
  position?: SmsPosition | undefined;
}

function checkInput(r: Partial<RecipientInput>, prefix = ''): FieldError[] {
  const fields: FieldError[] = [];
  if (r.villageCode !== undefined && !/^\d{12}$/.test(r.villageCode)) fields.push({ path: `${prefix}villageCode`, key: 'area.badCode' });
  if (r.name !== undefined && (cleanCell(r.name) === '' || r.name.length > 50)) fields.push({ path: `${prefix}name`, key: 'sms.badName' });
  if (r.phone !== undefined && !isMobilePhone(r.phone)) fields.push({ path: `${prefix}phone`, key: 'sms.badPhone' });
  if (r.position !== undefined && !POSITIONS.includes(r.position))
    fields.push({ path: `${prefix}position`, key: 'field.oneOf', params: { values: POSITIONS.join('、') } });
  return fields;
}

const auditRow = (r: { name: string; phone: string; position: string; opted_in?: boolean }) => ({
  name: r.name,
  phone: maskPhone(r.phone),
  position: r.position,
  ...(r.opted_in !== undefined ? { opted_in: r.opted_in } : {}),
});

export async function addRecipient(ctx: Ctx, input: RecipientInput): Promise<RecipientView> {
  assertMay(ctx, 'sms.roster.manage');
  const fields = checkInput(input);
  if (fields.length) throw Invalid(fields);
  ctx.scope.assertCanWrite(input.villageCode, 'sms_recipient');
  return inTransaction(ctx, async (trx) => {
    const village = await q.findVillages(trx, input.villageCode);
    if (!village.length) throw NotFound('sms.villageNotFound', { code: input.villageCode });
    const row = { villageCode: input.villageCode, name: cleanCell(input.name), phone: input.phone, position: input.position ?? '群众监督员' };
    const [made] = await q.insertRecipients(trx, [row]).catch((e: unknown) => {
      if (/sms_recipients_village_phone_key|duplicate key/.test(String((e as Error).message))) throw new AppError('CONFLICT', 'sms.duplicatePhone');
      throw e;
    });
    if (!made) throw new Error('insert returned nothing');
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'sms.roster.add',
      entity: 'sms_recipient',
      entityId: made.id,
      areaCode: input.villageCode,
      after: auditRow(row),
      origin: ctx.origin,
    });
    return view((await q.findRecipient(trx, made.id)) as RecipientRow);
  });
}

export interface RecipientChange {
  version: number;
  name?: string | undefined;
  phone?: string | undefined;
  position?: SmsPosition | undefined;
  optedIn?: boolean | undefined;
}

export async function updateRecipient(ctx: Ctx, id: string, change: RecipientChange): Promise<RecipientView> {
  assertMay(ctx, 'sms.roster.manage');
  const fields = checkInput(change);
  if (fields.length) throw Invalid(fields);
  return inTransaction(ctx, async (trx) => {
    const before = await q.lockRecipient(trx, id);
    if (!before) throw NotFound('sms.recipientNotFound', { id });
    ctx.scope.assertCanWrite(before.village_code, 'sms_recipient', id);
    if (Number(before.version) !== change.version) throw new AppError('CONFLICT', 'sms.rosterVersionConflict');
    const after = await q.updateRecipient(trx, id, {
      ...(change.name !== undefined ? { name: cleanCell(change.name) } : {}),
      ...(change.phone !== undefined ? { phone: change.phone } : {}),
      ...(change.position !== undefined ? { position: change.position } : {}),
      ...(change.optedIn !== undefined ? { optedIn: change.optedIn, optedOutVia: 'app' as const } : {}),
      at: ctx.now,
    });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'sms.roster.update',
      entity: 'sms_recipient',
      entityId: id,
      areaCode: before.village_code,
      before: auditRow(before),
      after: auditRow(after),
      origin: ctx.origin,
    });
    return view(after);
  });
}

/** One full phone number to a role that keeps the roster; the fact (never the number) is audited. */
export async function revealPhone(ctx: Ctx, id: string): Promise<{ id: string; phone: string }> {
  return inTransaction(ctx, async (trx) => {
    const r = await q.findRecipient(trx, id);
    if (!r) throw NotFound('sms.recipientNotFound', { id });
    ctx.scope.assertCovers(r.village_code, 'sms_recipient', id);
    if (!can(ctx.scope.role, 'sms.roster.manage'))
      throw new AppError('FORBIDDEN', 'reveal.notAllowed', {}, [], { audit: { code: r.village_code, entity: 'sms_recipient', entityId: id, kind: 'reveal' } });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'sms.roster.reveal',
      entity: 'sms_recipient',
      entityId: id,
      areaCode: r.village_code,
      note: { field: 'phone' },
      origin: ctx.origin,
    });
    return { id, phone: r.phone };
  });
}

// ── Import (Excel/CSV) ────────────────────────────────────────────────────────────────────────
type RosterColumn = 'villageCode' | 'name' | 'phone' | 'position';
export const ROSTER_COLUMNS: readonly ColumnSpec<RosterColumn>[] = [
  { key: 'villageCode', name: '村代码', aliases: ['行政村代码', '村级区划代码', '区划代码'], required: true },
  { key: 'name', name: '姓名', aliases: ['监督员姓名'], required: true },
  { key: 'phone', name: '手机号码', aliases: ['手机号', '手机', '联系电话', '电话'], required: true },
  { key: 'position', name: '职务', aliases: ['身份', '类别'] },
];

export interface RowError {
  /** The row as Excel numbers it (the header is row 1); 0 for the file as a whole. */
  rowNo: number;
  column: string;
  key: string;
  params?: Record<string, string | number>;
}

export interface RosterImportResult {
  ok: boolean;
  rows: number;
  added: number;
  updated: number;
  errors: RowError[];
}

/** Reads the roster file and writes it in one transaction — or nothing, with every bad row named. */
export async function importRoster(ctx: Ctx, file: string): Promise<RosterImportResult> {
  assertMay(ctx, 'sms.roster.manage');
  let table;
  try {
    table = await openTable(file);
  } catch (e) {
    if (e instanceof TableReadError)
      return {
        ok: false,
        rows: 0,
        added: 0,
        updated: 0,
        errors: [{ rowNo: 0, column: '', key: e.key === 'import.empty' ? 'sms.emptyFile' : 'sms.unreadableFile' }],
      };
    throw e;
  }
  const map = mapHeaders(table.headers, ROSTER_COLUMNS);
  if (map.missing.length)
    return {
      ok: false,
      rows: 0,
      added: 0,
      updated: 0,
      errors: map.missing.map((c) => ({ rowNo: 1, column: c, key: 'sms.missingColumn', params: { column: c } })),
    };
  const cell = cellReader(map);
  const errors: RowError[] = [];
  const rows: (RecipientInput & { position: SmsPosition; rowNo: number })[] = [];
  const seen = new Map<string, number>();
  const villageCodes = new Set<string>();
  for await (const r of table.rows) {
    cell.values = r.values;
    const villageCode = cell.get('villageCode');
    const name = cell.get('name');
    const phone = cell
      .get('phone')
      .replace(/[\s-]/g, '')
      .replace(/^\+?86/, '');
    const position = (cell.get('position') || '群众监督员') as SmsPosition;
    const before = errors.length;
    if (!/^\d{12}$/.test(villageCode)) errors.push({ rowNo: r.rowNo, column: '村代码', key: 'area.badCode' });
    else if (!ctx.scope.covers(villageCode)) errors.push({ rowNo: r.rowNo, column: '村代码', key: 'sms.outsideArea', params: { code: villageCode } });
    if (!name || name.length > 50) errors.push({ rowNo: r.rowNo, column: '姓名', key: 'sms.badName' });
    if (!isMobilePhone(phone)) errors.push({ rowNo: r.rowNo, column: '手机号码', key: 'sms.badPhone' });
    if (!POSITIONS.includes(position)) errors.push({ rowNo: r.rowNo, column: '职务', key: 'field.oneOf', params: { values: POSITIONS.join('、') } });
    if (errors.length > before) continue;
    const key = `${villageCode} ${phone}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ rowNo: r.rowNo, column: '手机号码', key: 'sms.duplicateRow', params: { row: first } });
      continue;
    }
    seen.set(key, r.rowNo);
    villageCodes.add(villageCode);
    rows.push({ villageCode, name, phone, position, rowNo: r.rowNo });
  }
  if (!rows.length && !errors.length) errors.push({ rowNo: 0, column: '', key: 'sms.emptyFile' });
  return inTransaction(ctx, async (trx) => {
    // Codes that are no village's.
    for (const code of villageCodes) {
      if (!(await q.findVillages(trx, code)).length)
        for (const r of rows.filter((x) => x.villageCode === code))
          errors.push({ rowNo: r.rowNo, column: '村代码', key: 'sms.villageNotFound', params: { code } });
    }
    if (errors.length) {
      errors.sort((a, b) => a.rowNo - b.rowNo);
      return { ok: false, rows: rows.length, added: 0, updated: 0, errors };
    }
    let added = 0;
    for (let i = 0; i < rows.length; i += 1000) {
      const done = await q.upsertRecipients(trx, rows.slice(i, i + 1000));
      added += done.filter((d) => d.inserted).length;
    }
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'sms.roster.import',
      entity: 'sms_recipient',
      areaCode: ctx.scope.areaCode.length >= 6 ? ctx.scope.areaCode : [...villageCodes][0],
      note: { rows: rows.length, added, updated: rows.length - added, villages: villageCodes.size },
      origin: ctx.origin,
    });
    return { ok: true, rows: rows.length, added, updated: rows.length - added, errors: [] };
  });
}
