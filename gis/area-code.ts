// Administrative area codes (统计用区划代码) and their hierarchy: 2-digit province, 4-digit
// prefecture, 6-digit county, 9-digit township, 12-digit village, 15-digit 村民小组.
// Owns the pure arithmetic on codes, shared by api and web. It must never touch a database,
// the network or Node-only APIs, and never guess: a string that is not a code is rejected.

export type AreaLevel = 'province' | 'prefecture' | 'county' | 'township' | 'village' | 'group';

/** Code length of each level, top down. */
export const AREA_LEVELS: readonly AreaLevel[] = ['province', 'prefecture', 'county', 'township', 'village', 'group'];
export const AREA_CODE_LENGTHS: readonly number[] = [2, 4, 6, 9, 12, 15];

const LEVEL_BY_LENGTH: ReadonlyMap<number, AreaLevel> = new Map(AREA_CODE_LENGTHS.map((n, i) => [n, AREA_LEVELS[i] as AreaLevel]));

/** Length of the codes of a level: county → 6. */
export function codeLengthOf(level: AreaLevel): number {
  return AREA_CODE_LENGTHS[AREA_LEVELS.indexOf(level)] as number;
}

/**
 * Whether `code` is a canonical (unpadded) area code: digits only, one of the six lengths,
 * and no all-zero segment — '522324000' is the padded form of a county, not a township.
 */
export function isAreaCode(code: string): boolean {
  if (!/^[0-9]+$/.test(code) || !LEVEL_BY_LENGTH.has(code.length)) return false;
  let start = 0;
  for (const end of AREA_CODE_LENGTHS) {
    if (end > code.length) break;
    if (/^0+$/.test(code.slice(start, end))) return false;
    start = end;
  }
  return true;
}

/** The level a code denotes by its length ('522324' → 'county'), or undefined for a non-code. */
export function areaLevelOf(code: string): AreaLevel | undefined {
  return isAreaCode(code) ? LEVEL_BY_LENGTH.get(code.length) : undefined;
}

function assertAreaCode(code: string): void {
  if (!isAreaCode(code)) throw new RangeError(`Not an area code: "${code}"`);
}

/** The code of the enclosing area ('522324101209' → '522324101'); null for a province. Throws on a non-code. */
export function parentCodeOf(code: string): string | null {
  assertAreaCode(code);
  const i = AREA_CODE_LENGTHS.indexOf(code.length);
  return i === 0 ? null : code.slice(0, AREA_CODE_LENGTHS[i - 1]);
}

/** The 6-digit county a code lies in ('522324101209' → '522324'); null above county level. Throws on a non-code. */
export function countyCodeOf(code: string): string | null {
  assertAreaCode(code);
  return code.length >= 6 ? code.slice(0, 6) : null;
}

/** Ancestors from the province down, without the code itself: a village → ['52', '5223', '522324', '522324101']. */
export function ancestorsOf(code: string): string[] {
  assertAreaCode(code);
  return AREA_CODE_LENGTHS.filter((n) => n < code.length).map((n) => code.slice(0, n));
}

/** Whether `code` is `ancestor` itself or lies inside it ('522324101209' in '522324'). */
export function isWithin(code: string, ancestor: string): boolean {
  return code.startsWith(ancestor);
}

/**
 * The canonical code of a zero-padded official code: '522324000000' → '522324',
 * '522324101000' → '522324101', '520000' → '52'. Unpadded codes come back unchanged; surrounding
 * spaces are ignored. Undefined for anything that is not a (padded) area code.
 */
export function shortAreaCode(code: string): string | undefined {
  const s = code.trim();
  if (!/^[0-9]+$/.test(s) || !LEVEL_BY_LENGTH.has(s.length)) return undefined;
  let end = s.length;
  while (end > 2 && /^0*$/.test(s.slice(end))) {
    const i = AREA_CODE_LENGTHS.indexOf(end);
    const prev = AREA_CODE_LENGTHS[i - 1] as number;
    if (!/^0+$/.test(s.slice(prev, end))) break;
    end = prev;
  }
  const short = s.slice(0, end);
  return isAreaCode(short) ? short : undefined;
}
