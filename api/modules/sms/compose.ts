// The monthly summary a village's supervisors receive, and the reply to a villager's query: the
// village's figures from the fund ledger (funds.villageFunds, the public page's query) put into a
// short Chinese text. Never personal data: the composer is handed counts and sums only — no name,
// phone or number of anyone (compose.test.ts checks the text against the village's people).
//
// Length (UCS-2, data_coding 8): 70 characters fit one segment; a longer text is sent in parts of
// 67 (the rest of each part carries the UDH). The provider's signature 【…】 counts. A summary fits
// one segment where it can and never takes more than two parts: detail is dropped until it fits.
import type { DbOrTrx } from '../../db/schema.ts';
import { Invalid } from '../../errors.ts';
import { type Period, villageFunds } from '../funds/funds.ts';

export const SINGLE_SEGMENT = 70;
export const PART_LENGTH = 67;
export const MAX_PARTS = 2;

/** Characters as UCS-2 counts them (UTF-16 code units). */
export const ucs2Length = (text: string) => text.length;

/** How many SMS a text takes in UCS-2: one up to 70 characters, else parts of 67. */
export function segmentsOf(text: string): number {
  const n = ucs2Length(text);
  return n <= SINGLE_SEGMENT ? 1 : Math.ceil(n / PART_LENGTH);
}

/** The parts of a long text (67 characters each, never splitting a surrogate pair); a short text is one part. */
export function partsOf(text: string): string[] {
  if (ucs2Length(text) <= SINGLE_SEGMENT) return [text];
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + PART_LENGTH, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(text.slice(i, end));
    i = end;
  }
  return parts;
}

/** 【签名】: what the provider puts before every text (DRIPLINE_SMS_SIGNATURE). */
export const signed = (signature: string) => `【${signature}】`;

/** An amount in fen as a short Chinese figure: 12.5万元 from 1万 up, else 8600元 / 86.5元. */
export function amountText(fen: number, short = false): string {
  const unit = short ? '' : '元';
  if (Math.abs(fen) >= 1_000_000) return `${trim((fen / 1_000_000).toFixed(2))}万${unit}`;
  return `${trim((fen / 100).toFixed(2))}${short ? '元' : unit}`;
}
const trim = (s: string) => s.replace(/\.?0+$/, '');

/** What a summary says: counts and sums, nothing about a person. */
export interface SummaryFigures {
  villageName: string;
  /** YYYY-MM: the figures run from the year's start to the month's end. */
  month: string;
  projects: number;
  allocatedFen: number;
  disbursedFen: number;
  reimbursedFen: number;
  households: number;
  /** The largest projects (name and allocated fen), for the detail a long-enough text has room for. */
  topProjects: { name: string; allocatedFen: number }[];
}

export interface ComposeOptions {
  signature: string;
  /** Add 回复CX查询 / 退订 hints (summaries to supervisors; replies carry the query hint only). */
  hints?: 'summary' | 'reply';
}

/**
 * The text for `f`: the most detailed wording that fits one segment, else the most detailed that fits
 * two parts; the village name is cut only if nothing else fits (an absurdly long name).
 */
export function composeSummary(f: SummaryFigures, opts: ComposeOptions): { text: string; segments: number } {
  const sig = signed(opts.signature);
  const [y, m] = f.month.split('-').map(Number) as [number, number];
  const when = `${y}年1-${m}月`;
  const base = (name: string) =>
    `${name}${when}扶贫项目${f.projects}个，下达${amountText(f.allocatedFen)}，拨付${amountText(f.disbursedFen)}，报账${amountText(f.reimbursedFen)}，受益${f.households}户。`;
  const terse = (name: string) =>
    `${name}${y}.${m}累计:项目${f.projects}个 下达${amountText(f.allocatedFen, true)} 拨付${amountText(f.disbursedFen, true)} 报账${amountText(f.reimbursedFen, true)} 受益${f.households}户`;
  const detail = (k: number) => {
    const top = f.topProjects.slice(0, k);
    return top.length ? `其中${top.map((p) => `${p.name}${amountText(p.allocatedFen)}`).join('、')}。` : '';
  };
  const tail = opts.hints === 'summary' ? '回复CX查询，回复退订停收' : opts.hints === 'reply' ? '回复CX加村名查询他村' : '';
  const shortTail = opts.hints === 'summary' ? '回退订停收' : '';
  const wordings = (name: string) => [
    sig + base(name) + detail(3) + tail,
    sig + base(name) + detail(2) + tail,
    sig + base(name) + detail(1) + tail,
    sig + base(name) + tail,
    sig + base(name) + shortTail,
    sig + base(name),
    sig + terse(name) + shortTail,
    sig + terse(name),
  ];
  const all = wordings(f.villageName);
  const fits = (limit: number) => all.find((t) => segmentsOf(t) <= limit);
  let text = fits(1) ?? fits(MAX_PARTS);
  for (let keep = f.villageName.length - 1; !text && keep > 0; keep--)
    text = wordings(`${f.villageName.slice(0, keep)}…`).find((t) => segmentsOf(t) <= MAX_PARTS);
  if (!text) throw new Error('a summary cannot fit two parts'); // only a signature of over 100 characters gets here
  return { text, segments: segmentsOf(text) };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** YYYY-MM → the period from the year's first day to the month's last. Bad input: 400 naming `month`. */
export function monthPeriod(month: string): Period {
  const m = MONTH.exec(month ?? '');
  if (!m) throw Invalid([{ path: 'month', key: 'sms.badMonth' }]);
  const y = Number(m[1]);
  const mm = Number(m[2]);
  const last = new Date(Date.UTC(y, mm, 0)).getUTCDate();
  return { from: `${y}-01-01`, to: `${m[1]}-${m[2]}-${String(last).padStart(2, '0')}` };
}

/** The month `now` is in, in China (UTC+8). */
export const chinaMonth = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 7);

/** The village's summary figures for the month, from the ledger (villageFunds). Unknown village: 404. */
export async function summaryFigures(db: DbOrTrx, villageCode: string, month: string): Promise<SummaryFigures> {
  const f = await villageFunds(db, villageCode, monthPeriod(month));
  return {
    villageName: f.village.name,
    month,
    projects: f.projects.length,
    allocatedFen: f.totals.allocatedFen,
    disbursedFen: f.totals.disbursedFen,
    reimbursedFen: f.totals.reimbursedFen,
    households: f.beneficiaryHouseholds,
    topProjects: [...f.projects]
      .filter((p) => p.allocatedFen > 0)
      .sort((a, b) => b.allocatedFen - a.allocatedFen || a.name.localeCompare(b.name))
      .map((p) => ({ name: p.name, allocatedFen: p.allocatedFen })),
  };
}

/** The summary a village's supervisors receive for `month` (what `sms preview` prints). */
export async function villageSummary(db: DbOrTrx, villageCode: string, month: string, signature: string) {
  return composeSummary(await summaryFigures(db, villageCode, month), { signature, hints: 'summary' });
}
