// The village's public page (公示平台, no login): what the village's notice board shows about
// poverty-alleviation money — the approved projects covering the village and any with money
// recorded, amounts allocated and spent with 资金支出进度, beneficiary households with masked names
// (张*三) and their mechanism, what was paid to the village's households, and the projects'
// notices with their dates. Built from funds.villageFunds (the village's one set of figures,
// also the map's and the SMS summaries'), reduced to what the public may read: never an ID
// number, phone, bank account, 户编号 or internal id.
import type { DbOrTrx } from '../../db/schema.ts';
import { NotFound } from '../../errors.ts';
import { type Figures, periodOf, villageFunds } from '../funds/funds.ts';

export interface PublicFigures {
  allocatedFen: number;
  disbursedFen: number;
  /** 报账 + 到户. */
  spentFen: number;
  householdPaidFen: number;
  /** 资金支出进度 = spent ÷ allocated (0…1); null when nothing is allocated. */
  progress: number | null;
}

export interface PublicVillage {
  village: { code: string; name: string; fullName: string };
  period: { from: string; to: string };
  totals: PublicFigures;
  projects: (PublicFigures & {
    name: string;
    type: string;
    category: string | null;
    state: string;
    planYear: number;
    /** Covers other villages too: the amounts are the whole project's. */
    shared: boolean;
    beneficiaryCount: number;
    beneficiaries: { name: string; mechanisms: string[]; paidFen: number }[];
  })[];
  households: { paidFen: number; households: number };
  notices: { projectName: string; startsOn: string; endsOn: string }[];
  generatedAt: string;
}

const publicFigures = (f: Figures): PublicFigures => ({
  allocatedFen: f.allocatedFen,
  disbursedFen: f.disbursedFen,
  spentFen: f.spentFen,
  householdPaidFen: f.householdPaidFen,
  progress: f.progress,
});

/**
 * The village's public figures: all recorded so far, or the business dates of one calendar year.
 * A code that is not 12 digits, or no village's: 404 (the first says what a village code is).
 */
export async function publicVillage(db: DbOrTrx, code: string, query: { year?: number }, now: Date): Promise<PublicVillage> {
  if (!/^\d{12}$/.test(code)) throw NotFound('public.badVillageCode', { code: code.slice(0, 40) });
  const f = await villageFunds(db, code, periodOf(query.year === undefined ? {} : { year: query.year }, now));
  return {
    village: { code: f.village.code, name: f.village.name, fullName: f.village.fullName },
    period: f.period,
    totals: publicFigures(f.totals),
    projects: f.projects.map((p) => ({
      name: p.name,
      type: p.type,
      category: p.category ?? null,
      state: p.state,
      planYear: p.planYear,
      shared: p.shared,
      ...publicFigures(p),
      beneficiaryCount: p.beneficiaryCount,
      beneficiaries: p.beneficiaries.map((b) => ({ name: b.name, mechanisms: b.mechanisms, paidFen: b.paidFen })),
    })),
    households: f.households,
    notices: f.notices.map((n) => ({ projectName: n.projectName, startsOn: n.startsOn, endsOn: n.endsOn })),
    generatedAt: now.toISOString(),
  };
}
