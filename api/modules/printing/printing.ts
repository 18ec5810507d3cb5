// Printing and export (明白卡 PDF per household and per village; Excel export of a filtered
// household list). Owns: scope checks before any data is read, masking by role, and the audit entry
// of every export (who exported what filter, how many rows) written before the first byte leaves.
// Never: writes to the card tables, or personal data in logs.
import type { Readable } from 'node:stream';
import { type Ctx, inTransaction } from '../../context.ts';
import { AppError, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { maskerFor } from '../auth/personal-data.ts';
import { type ExportFilter, exportHouseholdsXlsx } from './households-xlsx.ts';
import { loadCards, renderCard } from './mingbai-card.ts';
import { createA4Document, whileBacklogged } from './pdf.ts';
import { announcementEntries, noticeEntries, renderAnnouncement, renderNotice } from './notices.ts';
import * as q from './queries.ts';

/** Cards loaded per round trip in a village batch. */
const BATCH = 25;
/** An export larger than this is refused: narrow the filter (a county has tens of thousands of households). */
export const MAX_EXPORT_ROWS = 200_000;

/** Dates on paper are China's local time, whatever the server's zone. */
const local = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(d);
const localDate = (d: Date) => local(d).slice(0, 10);

async function auditExport(ctx: Ctx, entry: { action: string; entity: string; entityId?: string; areaCode: string; note: Record<string, unknown> }) {
  await inTransaction(ctx, (trx) => recordAudit(trx, { actor: ctx.actor, origin: ctx.origin, ...entry }));
}

export interface Download {
  filename: string;
  stream: Readable;
}

/** One household's 明白卡 (one A4 page). 404 for no such household, 403 (audited) outside the scope. */
export async function printHouseholdCard(ctx: Ctx, id: string): Promise<Download> {
  const { db, scope } = ctx;
  const h = await q.findHouseholdArea(db, id);
  if (!h) throw NotFound('household.notFound', { id });
  scope.assertCovers(h.village_code, 'household', id);
  const now = ctx.now;
  const [card] = await loadCards(db, scope, [id], maskerFor({ role: scope.role }), localDate(now));
  if (!card) throw NotFound('household.notFound', { id });
  await auditExport(ctx, {
    action: 'export.mingbai_card',
    entity: 'household',
    entityId: id,
    areaCode: h.village_code,
    note: { format: 'pdf', filter: { householdId: id }, rows: 1 },
  });
  const doc = createA4Document(`明白卡 ${card.householdNo}`);
  renderCard(doc, card, { printedBy: ctx.actor.name, printedAt: local(now), masked: true });
  doc.end();
  return { filename: `mingbai-card-${card.householdNo}.pdf`, stream: doc };
}

/**
 * The village a per-village printout is for, with its full name (县乡村): 404 for no such area, 403
 * (audited) outside the scope, 400 for an area that is not a village.
 */
async function villageInScope({ db, scope }: Ctx, villageCode: string) {
  const village = await q.findVillage(db, villageCode);
  if (!village) throw NotFound('area.notFound', { code: villageCode });
  scope.assertCovers(villageCode, 'area', villageCode);
  if (village.level !== 'village') throw new AppError('INVALID', 'print.notVillage', { code: villageCode });
  return { ...village, fullName: `${village.county_name ?? ''}${village.township_name ?? ''}${village.name}` };
}

/** Every household of a village, one page each, streamed as the pages are drawn. */
export async function printVillageCards(ctx: Ctx, villageCode: string): Promise<Download> {
  const { db, scope } = ctx;
  const village = await villageInScope(ctx, villageCode);
  const ids = (await q.listVillageHouseholdIds(db, scope, villageCode)).map((r) => r.id);
  await auditExport(ctx, {
    action: 'export.mingbai_cards',
    entity: 'area',
    entityId: villageCode,
    areaCode: villageCode,
    note: { format: 'pdf', filter: { village: villageCode }, rows: ids.length },
  });
  const now = ctx.now;
  const mask = maskerFor({ role: scope.role });
  const footer = { printedBy: ctx.actor.name, printedAt: local(now), masked: true };
  const doc = createA4Document(`明白卡 ${village.fullName}`);
  const draw = async () => {
    if (ids.length === 0) {
      // A village without households still gets a valid document that says so.
      doc.addPage().fontSize(14).text(`${village.name}：没有登记的户`, { align: 'center' });
    }
    for (let i = 0; i < ids.length && !doc.destroyed; i += BATCH) {
      for (const card of await loadCards(db, scope, ids.slice(i, i + BATCH), mask, localDate(now))) renderCard(doc, card, footer);
      await whileBacklogged(doc);
    }
    doc.end();
  };
  draw().catch((e: unknown) => doc.destroy(e instanceof Error ? e : new Error(String(e))));
  return { filename: `mingbai-cards-${villageCode}.pdf`, stream: doc };
}

/**
 * The village's 村内公示 notice: the households whose procedures are in their 7-day notice, for the
 * notice board (names shown, no personal numbers; notices.ts). 404 when none is running.
 */
export async function printPublicityNotice(ctx: Ctx, villageCode: string): Promise<Download> {
  const { db, scope } = ctx;
  const village = await villageInScope(ctx, villageCode);
  const rows = await q.listPublicityEntries(db, scope, villageCode);
  if (rows.length === 0) throw NotFound('print.noPublicity', { village: village.name });
  await auditExport(ctx, {
    action: 'export.publicity_notice',
    entity: 'area',
    entityId: villageCode,
    areaCode: villageCode,
    note: { format: 'pdf', filter: { village: villageCode, stage: '村内公示' }, rows: rows.length, procedures: rows.map((r) => r.id) },
  });
  const now = ctx.now;
  const doc = createA4Document(`村内公示 ${village.fullName}`);
  renderNotice(doc, { name: village.name, area: village.fullName }, noticeEntries(rows, localDate), {
    printedBy: ctx.actor.name,
    printedAt: local(now),
    date: chineseDate(now),
  });
  doc.end();
  return { filename: `publicity-notice-${villageCode}-${localDate(now)}.pdf`, stream: doc };
}

/** Days an announcement may cover at most. */
export const MAX_ANNOUNCEMENT_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Midnight at the start of a China-local date. */
const chinaMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`);

/**
 * The county's 公告 of a county or township: the households whose procedures the county approved
 * between `from` and `to` (China-local dates, inclusive; by default the last 30 days). 404 when none.
 */
export async function printAnnouncement(ctx: Ctx, areaCode: string, period: { from?: string; to?: string }): Promise<Download> {
  const { db, scope } = ctx;
  const area = await q.findArea(db, areaCode);
  if (!area) throw NotFound('area.notFound', { code: areaCode });
  scope.assertCovers(areaCode, 'area', areaCode);
  if (area.level !== 'county' && area.level !== 'township') throw new AppError('INVALID', 'print.notCountyOrTownship', { code: areaCode });
  const now = ctx.now;
  const to = period.to ?? localDate(now);
  const from = period.from ?? localDate(new Date(chinaMidnight(to).getTime() - 29 * DAY_MS));
  const days = (chinaMidnight(to).getTime() - chinaMidnight(from).getTime()) / DAY_MS + 1;
  if (days < 1 || days > MAX_ANNOUNCEMENT_DAYS) throw new AppError('INVALID', 'print.badPeriod', { from, to, max: MAX_ANNOUNCEMENT_DAYS });
  const rows = await q.listAnnouncementEntries(db, scope, areaCode, chinaMidnight(from), new Date(chinaMidnight(to).getTime() + DAY_MS));
  if (rows.length === 0) throw NotFound('print.noAnnouncement', { area: area.name, from, to });
  await auditExport(ctx, {
    action: 'export.announcement',
    entity: 'area',
    entityId: areaCode,
    areaCode,
    note: { format: 'pdf', filter: { area: areaCode, from, to }, rows: rows.length, procedures: rows.map((r) => r.id) },
  });
  const countyName = area.county_name ?? area.name;
  const fullName = area.level === 'county' ? area.name : `${countyName}${area.name}`;
  const doc = createA4Document(`公告 ${fullName} ${from}—${to}`);
  renderAnnouncement(doc, { name: fullName, countyName, fullName }, { from, to }, announcementEntries(rows, localDate), {
    printedBy: ctx.actor.name,
    printedAt: local(now),
    date: chineseDate(now),
  });
  doc.end();
  return { filename: `announcement-${areaCode}-${from}-${to}.pdf`, stream: doc };
}

/** 2026年12月2日, in China's local time. */
const chineseDate = (d: Date) => {
  const [y, m, day] = localDate(d).split('-').map(Number);
  return `${y}年${m}月${day}日`;
};

/** A readable summary of the filter for the workbook's 导出说明 sheet. */
function describeFilter(f: ExportFilter): string {
  const parts = Object.entries(f)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join('; ') : '（全部）';
}

/** Every household matching the list filter, as an .xlsx workbook streamed page by page. */
export async function exportHouseholds(ctx: Ctx, filter: ExportFilter, reveal: boolean): Promise<Download> {
  const { scope } = ctx;
  const mask = maskerFor({ role: scope.role }, { reveal });
  const now = ctx.now;
  const { stream } = await exportHouseholdsXlsx(
    ctx,
    filter,
    mask,
    { exportedBy: ctx.actor.name, exportedAt: local(now), filterText: describeFilter(filter), masked: !reveal },
    async (total) => {
      if (total > MAX_EXPORT_ROWS) throw new AppError('INVALID', 'print.tooMany', { count: total, max: MAX_EXPORT_ROWS });
      await auditExport(ctx, {
        action: 'export.households_xlsx',
        entity: 'households',
        areaCode: filter.area ?? scope.areaCode,
        note: { format: 'xlsx', filter, rows: total, revealed: reveal },
      });
    },
  );
  return { filename: `households-${localDate(now)}.xlsx`, stream };
}
