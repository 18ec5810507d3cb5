// The villages of the synthetic registry: how many households each gets, its 村民小组 and their
// centres, and the people it leans towards.
import type { VillageInput } from './generate.ts';
import { ETHNICITIES } from './people.ts';
import { hash32, Rng } from './random.ts';

// ---------------------------------------------------------------------------------------------
// Villages: weights (some villages bigger) and group centres — geography, so independent of seed
// ---------------------------------------------------------------------------------------------

interface VillagePlan {
  village: VillageInput;
  groups: { name: string; lon: number; lat: number }[];
  dominantEthnicity: string;
}

export function planVillages(villages: VillageInput[], seed: number): { plans: VillagePlan[]; cumulative: number[] } {
  const plans: VillagePlan[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const v of villages) {
    if (!/^\d{12}$/.test(v.code)) throw new Error(`village code must be 12 digits: ${v.code}`);
    const r = new Rng(hash32('village', v.code));
    const drawn = 0.4 + 3 * r.float() ** 2;
    const weight = v.weight ?? drawn;
    if (!(weight > 0)) throw new Error(`village ${v.code}: weight must be positive`);
    const groupCount = r.int(4, 12);
    const groups = [];
    for (let g = 1; g <= groupCount; g++) {
      groups.push({ name: `${g}组`, lon: v.lon + (r.float() - 0.5) * 0.024, lat: v.lat + (r.float() - 0.5) * 0.02 });
    }
    total += weight;
    cumulative.push(total);
    plans.push({ village: v, groups, dominantEthnicity: '汉族' });
  }
  assignDominantEthnicities(plans, cumulative, seed);
  return { plans, cumulative };
}

/**
 * Villages lean towards one people. Dominant groups are dealt out in proportion to village size
 * (villages in seeded order, each taking the group whose share band holds its midpoint), so the
 * county-wide mix stays near ETHNICITIES' weights even with only ~100 villages.
 */
function assignDominantEthnicities(plans: VillagePlan[], cumulative: number[], seed: number): void {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const shareTotal = ETHNICITIES.reduce((sum, [, w]) => sum + w, 0);
  const order = plans
    .map((plan, i) => ({
      plan,
      weight: (cumulative[i] ?? 0) - (cumulative[i - 1] ?? 0),
      key: hash32(seed, 'ethnicity', plan.village.code),
    }))
    .sort((a, b) => a.key - b.key || a.plan.village.code.localeCompare(b.plan.village.code));
  let walked = 0;
  for (const { plan, weight } of order) {
    const mid = ((walked + weight / 2) / total) * shareTotal;
    walked += weight;
    let band = 0;
    for (const [ethnicity, w] of ETHNICITIES) {
      band += w;
      plan.dominantEthnicity = ethnicity;
      if (mid < band) break;
    }
  }
}

export function pickVillage(rng: Rng, plans: VillagePlan[], cumulative: number[]): VillagePlan {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const r = rng.float() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 0) > r) hi = mid;
    else lo = mid + 1;
  }
  const plan = plans[lo];
  if (!plan) throw new Error('no villages');
  return plan;
}
