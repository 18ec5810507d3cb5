// Values as they really arrive (docs/data-formats.md, "Values as they really arrive"): spaces of both widths, full-width
// digits, dates in four forms and Excel serials, amounts with thousands separators or 元, names with
// spaces and differing minority-name separators, 15-digit ID numbers.
import { digitsAt, foldIdNumber, type IdProblem, parseIdNumber, validDate } from '../../shared/id-number.ts';

const FULLWIDTH = /[\uFF01-\uFF5E]/g;
const HAS_FULLWIDTH = /[\uFF01-\uFF5E]/;

/** Trims half- and full-width spaces (and NBSP) and folds full-width ASCII. */
export function cleanCell(v: string | undefined | null): string {
  if (v == null || v === '') return '';
  // String#trim removes exactly \s (which includes U+3000, U+00A0 and U+FEFF). The fold runs only
  // when a full-width character is there: this is called for every cell of large imports.
  const folded = HAS_FULLWIDTH.test(v) ? v.replace(FULLWIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)) : v;
  return folded.trim();
}

/** 张 三 → 张三; 阿依古丽•买买提 / . / ． → 阿依古丽·买买提 */
export function normalizeName(v: string): string {
  return v.replace(/[\s\u3000\u00a0]/g, '').replace(/[•．.・]/g, '·');
}

const pad = (n: number) => String(n).padStart(2, '0');
function isoIfValid(y: number, m: number, d: number): string | undefined {
  if (!(y >= 1900 && y <= 2100) || !validDate(y, m, d)) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, YYYY年M月D日 or an Excel date serial → 'YYYY-MM-DD'; undefined if not a date. */
export function parseDate(raw: string): string | undefined {
  const v = cleanCell(raw);
  if (!v) return undefined;
  // Fast path: already ISO (the common case in large files), read by character codes.
  if (v.length === 10 && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45) {
    const y = digitsAt(v, 0, 4);
    const mo = digitsAt(v, 5, 7);
    const d = digitsAt(v, 8, 10);
    if (y >= 0 && mo >= 0 && d >= 0) return y >= 1900 && y <= 2100 && validDate(y, mo, d) ? v : undefined;
  }
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$/.exec(v);
  if (m) return isoIfValid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(v);
  if (m) return isoIfValid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (m) return isoIfValid(Number(m[1]), Number(m[2]), Number(m[3]));
  // Excel serial day numbers (1900 system; 25569 = 1970-01-01).
  if (/^\d{5}(\.\d+)?$/.test(v)) {
    const serial = Math.floor(Number(v));
    if (serial > 1 && serial < 80000) {
      const dt = new Date((serial - 25569) * 86400_000);
      return isoIfValid(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
    }
  }
  return undefined;
}

/** YYYY-MM or YYYYMM (also YYYY年M月, or a full date) → 'YYYY-MM'. */
export function parseYearMonth(raw: string): string | undefined {
  const v = cleanCell(raw);
  let m = /^(\d{4})[-/.年]?(\d{1,2})月?$/.exec(v);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return `${m[1]}-${pad(Number(m[2]))}`;
  const d = parseDate(v);
  if (d) return d.slice(0, 7);
  m = /^(\d{4})(\d{2})$/.exec(v);
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? `${m[1]}-${m[2]}` : undefined;
}

const PLAIN_AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;

/** '1,234.50元' → 123450 (fen); undefined if not an amount. */
export function parseAmountFen(raw: string): number | undefined {
  // Fast path: a plain amount in yuan with at most two decimals.
  if (PLAIN_AMOUNT.test(raw)) return Math.round(Number(raw) * 100);
  const v = cleanCell(raw).replace(/[,，]/g, '').replace(/元$/, '').replace(/^¥/, '');
  if (!/^-?\d+(\.\d+)?$/.test(v)) return undefined;
  return Math.round(Number(v) * 100);
}

/** A plain decimal number ('1,234.5' → 1234.5). */
export function parseDecimal(raw: string): number | undefined {
  const v = cleanCell(raw).replace(/[,，]/g, '');
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
}

export function parseInteger(raw: string): number | undefined {
  const n = parseDecimal(raw);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/** 是/否 (also Y/N, 1/0, true/false). */
export function parseYesNo(raw: string): boolean | undefined {
  const v = cleanCell(raw).toLowerCase();
  if (['是', 'y', 'yes', '1', 'true', '有'].includes(v)) return true;
  if (['否', 'n', 'no', '0', 'false', '无'].includes(v)) return false;
  return undefined;
}

export type MatchId = { id: string; upgraded: boolean } | { id: null; problem: IdProblem | 'empty' | 'scientific' };

/** The match key of a department row: the normalised 18-digit number, or why there is none. */
export function idForMatching(raw: string): MatchId {
  const v = cleanCell(raw);
  if (!v) return { id: null, problem: 'empty' };
  // Excel turned the number into a float: 5.22324E+17 — the digits are lost.
  if (/^\d(\.\d+)?e\+?\d+$/i.test(v)) return { id: null, problem: 'scientific' };
  const r = parseIdNumber(foldIdNumber(v));
  return r.ok ? { id: r.value.id, upgraded: r.value.upgraded } : { id: null, problem: r.problem };
}
