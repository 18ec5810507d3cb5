// Notice-board sheets (A4, more pages when long). The 村内公示 notice that the village posts for
// the 7 days of the notice: the households whose procedures are in 村内公示, what is proposed for
// each, and the notice period, so that villagers can object in time (domain doc: 公示 periods).
// The county's 公告 (announcement) lists what it approved in a period, in the same form.
// Both are public by design: they name the 户主 (the point of 公示) but carry no ID number, no
// phone and no free-text reason (reasons may hold health details) — only code-list values.
import { PUBLICITY_DAYS, PUBLICITY_MS } from '../procedures/state-machine.ts';
import { type Doc, fontFiles } from './pdf.ts';
import type * as q from './queries.ts';

/** Table rows per page below the title and above the footer. */
const ROWS_PER_PAGE = 24;

export interface NoticeEntry {
  headName: string;
  group: string;
  members: number;
  type: string;
  detail: string;
  from: string;
  to: string;
}

type Row = Awaited<ReturnType<typeof q.listPublicityEntries>>[number];
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join('、') : '');
const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** What the notice says of a procedure: code-list values from its payload, never its free text. */
export function noticeDetail(type: string, payload: Record<string, unknown>, mainCause: string | null): string {
  switch (type) {
    case '识别纳入':
    case '返贫':
      return `主要致贫原因：${str(payload.mainCause) || mainCause || '—'}`;
    case '监测对象认定':
    case '再次纳入':
      return `${str(payload.monitoringCategory)}（${list(payload.riskTypes) || '—'}）`;
    case '标注脱贫':
      return str(payload.exitYear) ? `${str(payload.exitYear)} 年脱贫` : '两不愁三保障及饮水安全达标，收入高于贫困线';
    case '风险消除':
      return '收入稳定高于监测线，两不愁三保障及饮水安全达标，风险已消除';
    default:
      return `原因：${str(payload.reasonCode) || '—'}`;
  }
}

/** Notice entries from the query's rows; dates in China's local time. */
export function noticeEntries(rows: Row[], localDate: (d: Date) => string): NoticeEntry[] {
  return rows.map((r) => {
    const start = new Date(r.publicity_started_at as Date);
    return {
      headName: r.head_name,
      group: r.group_name ?? '—',
      members: Number(r.member_count ?? 0),
      type: r.type,
      detail: noticeDetail(r.type, r.payload ?? {}, r.main_cause),
      from: localDate(start),
      to: localDate(new Date(start.getTime() + PUBLICITY_MS)),
    };
  });
}

type Cell = string | PDFKit.Mixins.CellOptions;
const head = (text: string): Cell => ({ text, backgroundColor: '#f0f0f0', font: { src: fontFiles().bold } });

/** A notice-board sheet: title, an opening paragraph, a numbered table (paged), the signing body and date. */
export interface Sheet {
  title: string;
  intro: string;
  headers: string[];
  widths: (number | string)[];
  rows: string[][];
  signature: string;
  date: string;
  /** The small print at the foot of each page (area, printed by, when). */
  footer: string;
}

/** Draws a sheet; the table continues on further pages, each with the title and the signature. */
export function renderSheet(doc: Doc, sheet: Sheet) {
  const pages = Math.max(1, Math.ceil(sheet.rows.length / ROWS_PER_PAGE));
  for (let page = 0; page < pages; page++) {
    doc.addPage();
    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;
    doc.font(fontFiles().bold).fontSize(20).text(sheet.title, left, doc.page.margins.top, { width, align: 'center' });
    doc.font(fontFiles().regular).fontSize(10).moveDown(0.5);
    if (page === 0) doc.text(sheet.intro, { width, lineGap: 3 }).moveDown(0.6);
    const first = page * ROWS_PER_PAGE;
    doc.fontSize(9).table({
      position: { x: left },
      maxWidth: width,
      columnStyles: [28, ...sheet.widths],
      rowStyles: () => ({ height: 20 }),
      defaultStyle: { border: 0.5, borderColor: '#555', padding: [4, 3], textOptions: { ellipsis: true } },
      data: [['序号', ...sheet.headers].map(head), ...sheet.rows.slice(first, first + ROWS_PER_PAGE).map((r, i) => [String(first + i + 1), ...r])],
    });
    const bottom = doc.page.height - doc.page.margins.bottom;
    doc.fontSize(11).text(sheet.signature, left, bottom - 58, { width, align: 'right', lineBreak: false });
    doc.text(sheet.date, left, bottom - 40, { width, align: 'right', lineBreak: false });
    doc
      .fontSize(7)
      .fillColor('#666')
      .text(`${sheet.footer}    第 ${page + 1} / ${pages} 页`, left, bottom - 14, { width, lineBreak: false })
      .fillColor('#000');
  }
}

export interface PrintedBy {
  printedBy: string;
  printedAt: string;
  date: string;
}

/** The 村内公示 sheet of a village. */
export function renderNotice(doc: Doc, village: { name: string; area: string }, entries: NoticeEntry[], by: PrintedBy) {
  renderSheet(doc, {
    title: `${village.name}村内公示`,
    intro:
      `根据防止返贫动态监测和帮扶工作程序，经村民代表会议评议，拟对以下 ${entries.length} 户办理下列事项，现予公示，公示期 ${PUBLICITY_DAYS} 天。` +
      '如有异议，请在公示期内以书面、电话或当面方式向村民委员会、驻村工作队或乡（镇）人民政府反映。',
    headers: ['户主姓名', '村民小组', '家庭人口', '公示事项', '类别及原因', '公示期'],
    widths: [56, 50, 48, 62, '*', 120],
    rows: entries.map((e) => [e.headName, e.group, `${e.members} 人`, e.type, e.detail, `${e.from} 至 ${e.to}`]),
    signature: `${village.name}村民委员会`,
    date: by.date,
    footer: `${village.area}    打印：${by.printedBy} ${by.printedAt}（滴灌）`,
  });
}

export interface AnnouncementEntry {
  township: string;
  village: string;
  headName: string;
  members: number;
  type: string;
  detail: string;
  approvedOn: string;
}

type AnnouncementRow = Awaited<ReturnType<typeof q.listAnnouncementEntries>>[number];

export function announcementEntries(rows: AnnouncementRow[], localDate: (d: Date) => string): AnnouncementEntry[] {
  return rows.map((r) => ({
    township: r.township_name ?? '—',
    village: r.village_name,
    headName: r.head_name,
    members: Number(r.member_count ?? 0),
    type: r.type,
    detail: noticeDetail(r.type, r.payload ?? {}, r.main_cause),
    approvedOn: localDate(new Date(r.closed_at as Date)),
  }));
}

/**
 * The 公告 that ends the chain (村级评议 → 村内公示 → 乡镇审核 → 县级审定 → 公告): the households
 * whose procedures the county approved in a period, announced by the county office.
 */
export function renderAnnouncement(
  doc: Doc,
  area: { name: string; countyName: string; fullName: string },
  period: { from: string; to: string },
  entries: AnnouncementEntry[],
  by: PrintedBy,
) {
  renderSheet(doc, {
    title: `${area.name}扶贫对象动态调整公告`,
    intro:
      `经农户申请或干部走访、部门预警，村级评议、村内公示、乡（镇）审核和县级审定，${period.from} 至 ${period.to} 期间对以下 ${entries.length} 户办理了动态调整，现予公告。` +
      `如有异议，请向${area.countyName}扶贫开发办公室反映。`,
    headers: ['乡（镇）', '村', '户主姓名', '家庭人口', '事项', '类别及原因', '审定日期'],
    widths: [54, 54, 50, 44, 60, '*', 60],
    rows: entries.map((e) => [e.township, e.village, e.headName, `${e.members} 人`, e.type, e.detail, e.approvedOn]),
    signature: `${area.countyName}扶贫开发办公室`,
    date: by.date,
    footer: `${area.fullName}    打印：${by.printedBy} ${by.printedAt}（滴灌）`,
  });
}
