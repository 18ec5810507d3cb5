// 公民身份号码 (GB 11643-1999): normalisation, 15→18-digit upgrade, checksum, birth date and sex.
// Pure functions shared by the API, the importers and the web forms.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type IdProblem = 'length' | 'chars' | 'date' | 'checksum' | 'region';

/** What is wrong, in words: the server's error messages and the web's field message (before sending). */
export const ID_NUMBER_MESSAGES = {
  'idNumber.length': { 'zh-CN': '身份证号码应为 18 位（或 15 位旧号）', en: 'An ID number has 18 characters (or 15 for old IDs)' },
  'idNumber.chars': { 'zh-CN': '身份证号码只能包含数字和末位 X', en: 'An ID number has digits only, with X allowed last' },
  'idNumber.date': { 'zh-CN': '身份证号码中的出生日期无效', en: 'The birth date inside the ID number is invalid' },
  'idNumber.checksum': { 'zh-CN': '身份证号码校验位错误', en: 'The ID number checksum is wrong' },
  'idNumber.region': { 'zh-CN': '身份证号码的地区码无效', en: 'The region part of the ID number is invalid' },
} as const satisfies Record<`idNumber.${IdProblem}`, { 'zh-CN': string; en: string }>;

export interface ParsedId {
  /** The normalised 18-character number (upper-case X). */
  id: string;
  birthDate: string;
  sex: '男' | '女';
  /** 6-digit region code of registration. */
  region: string;
  /** True when the input was a 15-digit number that was upgraded. */
  upgraded: boolean;
}

const PLAIN_ID = /^(\d{15}|\d{17}[\dX])$/;

/** Folds full-width digits/letters, removes all spaces (half/full-width), upper-cases x. */
export function foldIdNumber(raw: string): string {
  // Fast path: most numbers arrive already clean (imports call this for every row).
  if (PLAIN_ID.test(raw)) return raw;
  return raw
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]/g, '')
    .toUpperCase();
}

export function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

/** The number written by the decimal digits s[from, to), or -1 if one of them is not a digit. */
export function digitsAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
/** A real calendar day (Gregorian leap years). */
export function validDate(y: number, m: number, d: number): boolean {
  if (!(m >= 1 && m <= 12 && d >= 1)) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (DAYS_IN_MONTH[m - 1] as number) + (leap ? 1 : 0);
}

/** Upgrades a 15-digit pre-1999 number (YYMMDD birth, no checksum) to 18 digits. */
export function upgrade15(id15: string): string {
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + checkChar(first17);
}

export type ParseResult = { ok: true; value: ParsedId } | { ok: false; problem: IdProblem };

// Called for every row of county-scale imports: character codes, no regular expressions or
// Date objects on the way to a valid number.
export function parseIdNumber(raw: string, today?: Date): ParseResult {
  let id = foldIdNumber(raw);
  let upgraded = false;
  if (id.length === 15) {
    if (!/^\d{15}$/.test(id)) return { ok: false, problem: 'chars' };
    id = upgrade15(id);
    upgraded = true;
  }
  if (id.length !== 18) return { ok: false, problem: 'length' };
  for (let i = 0; i < 17; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return { ok: false, problem: 'chars' };
  }
  const last = id.charCodeAt(17);
  if (!((last >= 48 && last <= 57) || last === 88)) return { ok: false, problem: 'chars' };
  if (id.charCodeAt(0) === 48) return { ok: false, problem: 'region' };
  const y = digitsAt(id, 6, 10);
  const m = digitsAt(id, 10, 12);
  const d = digitsAt(id, 12, 14);
  if (y < 1880 || !validDate(y, m, d) || Date.UTC(y, m - 1, d) > (today ? today.getTime() : Date.now())) return { ok: false, problem: 'date' };
  if (checkChar(id) !== id[17]) return { ok: false, problem: 'checksum' };
  return {
    ok: true,
    value: {
      id,
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      sex: (id.charCodeAt(16) - 48) % 2 === 1 ? '男' : '女',
      region: id.slice(0, 6),
      upgraded,
    },
  };
}

export const isValidIdNumber = (raw: string) => parseIdNumber(raw).ok;

/** Age in whole years on `on` for a birth date 'YYYY-MM-DD'. */
export function ageOn(birthDate: string, on: Date = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = on.getUTCFullYear() - y;
  if (on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d)) age--;
  return age;
}
