// ID numbers (GB 11643-1999) and birth dates for the synthetic registry: valid check
// characters, unique per person, ages counted against a fixed date.
import type { Sex } from './contract.ts';
import { checkChar } from '../../api/shared/id-number.ts';
import { hash32, type Rng } from './random.ts';

// ---------------------------------------------------------------------------------------------
// ID numbers (GB 11643-1999)
// ---------------------------------------------------------------------------------------------

// The check character is the shared one (api/shared/id-number.ts, checkChar).

// ---------------------------------------------------------------------------------------------
// Dates and ages (UTC epoch days; no time zones, no clock)
// ---------------------------------------------------------------------------------------------

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

export function parseYmd(s: string): Ymd {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`asOf must be YYYY-MM-DD: ${s}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

const DAY_MS = 86_400_000;
const toEpochDay = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / DAY_MS;
function fromEpochDay(day: number): Ymd {
  const dt = new Date(day * DAY_MS);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

/** Whole years from birth to asOf. */
export function ageAt(birth: Ymd, asOf: Ymd): number {
  const beforeBirthday = asOf.m < birth.m || (asOf.m === birth.m && asOf.d < birth.d);
  return asOf.y - birth.y - (beforeBirthday ? 1 : 0);
}

/** Epoch-day range [first, last] of birth dates giving exactly `age` at asOf. */
function birthDayRange(age: number, asOf: Ymd): [number, number] {
  // latest birth: the asOf date `age` years back (Feb 29 → Feb 28 via Date.UTC overflow guard)
  const lastY = asOf.y - age;
  const lastD = asOf.m === 2 && asOf.d === 29 && !isLeap(lastY) ? 28 : asOf.d;
  const last = toEpochDay(lastY, asOf.m, lastD);
  const firstY = asOf.y - age - 1;
  const firstD = asOf.m === 2 && asOf.d === 29 && !isLeap(firstY) ? 28 : asOf.d;
  const first = toEpochDay(firstY, asOf.m, firstD) + 1;
  return [first, last];
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
export const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const ymdDigits = (d: Ymd): string => `${d.y}${pad(d.m, 2)}${pad(d.d, 2)}`;

/**
 * Hands out unique ID numbers. The 3-digit sequence walks a per-(date, sex) permutation of the
 * 500 values of the right parity, so IDs look scattered but never repeat; a full bucket moves the
 * birth date to a neighbouring day of the same age. Memory grows with distinct dates, not people.
 */
export class IdAllocator {
  private readonly used = new Map<string, number>();
  constructor(
    private readonly areaCode: string,
    private readonly seed: number,
  ) {}

  allocate(rng: Rng, age: number, sex: Sex, asOf: Ymd): { id: string; birth: Ymd } {
    const [first, last] = birthDayRange(age, asOf);
    const start = rng.int(first, last);
    const span = last - first + 1;
    for (let step = 0; step < span; step++) {
      // start, start+1, start-1, start+2, … wrapped into the range
      const delta = step % 2 === 1 ? (step + 1) / 2 : -(step / 2);
      const day = first + ((((start - first + delta) % span) + span) % span);
      const birth = fromEpochDay(day);
      const seq = this.nextSequence(ymdDigits(birth), sex);
      if (seq === undefined) continue;
      const first17 = `${this.areaCode}${ymdDigits(birth)}${seq}`;
      return { id: first17 + checkChar(first17), birth };
    }
    throw new Error(`no free ID number for age ${age} ${sex}`);
  }

  private nextSequence(date: string, sex: Sex): string | undefined {
    const key = date + sex;
    const offset = hash32(this.seed, key) % 500;
    for (let k = this.used.get(key) ?? 0; k < 500; k++) {
      const v = (offset + k * 173) % 500; // 173 is coprime with 500: a permutation of 0..499
      const seq = v * 2 + (sex === '男' ? 1 : 0); // 17th digit odd for men, even for women
      if (seq === 0) continue; // 000 is not issued
      this.used.set(key, k + 1);
      return pad(seq, 3);
    }
    this.used.set(key, 500);
    return undefined;
  }
}
