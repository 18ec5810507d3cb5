// Test helpers: projects with villages, budget lines and beneficiaries, written straight into the
// tables (the project library's own writes come with the projects module), and request contexts
// for a role in an area with an injected clock.
import type { Ctx } from '../../context.ts';
import type { Db, Role } from '../../db/schema.ts';
import { Scope } from '../auth/scope.ts';
import type { BenefitMechanism, ProjectState, ProjectType } from '../projects/code-lists.ts';
import type { FundSource } from './code-lists.ts';

export const BAOJIA = '522324101209'; // 沙子镇保家村
export const SANHE = '522324101002'; // 沙子镇三合社区 (same township)
export const OTHER_TOWNSHIP_VILLAGE = '522324106204';
export const SOURCE_A: FundSource = '中央财政衔接推进乡村振兴补助资金';
export const SOURCE_B: FundSource = '省级财政资金';
export const SOURCE_C: FundSource = '东西部协作资金';

export interface TestProjectOptions {
  villages?: string[];
  name?: string;
  type?: ProjectType;
  state?: ProjectState;
  planYear?: number;
  budget?: Partial<Record<FundSource, number>>;
  beneficiaries?: { householdId: string; mechanism: BenefitMechanism }[];
}

let n = 0;

/** A project (lead village first) with its villages, budget lines and beneficiaries. */
export async function createProject(db: Db, o: TestProjectOptions = {}): Promise<{ id: string; countyCode: string; villageCode: string }> {
  const villages = o.villages ?? [BAOJIA];
  const lead = villages[0] as string;
  const county = lead.slice(0, 6);
  n++;
  const p = await db
    .insertInto('projects')
    .values({
      county_code: county,
      village_code: lead,
      plan_year: o.planYear ?? 2026,
      name: o.name ?? `测试项目${process.pid}-${n}`,
      type: o.type ?? '农村道路',
      state: o.state ?? '实施',
      created_by_name: '测试',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('project_villages')
    .values(villages.map((v) => ({ project_id: p.id, county_code: county, village_code: v })))
    .execute();
  const budget = Object.entries(o.budget ?? { [SOURCE_A]: 10_000_000, [SOURCE_B]: 5_000_000 });
  if (budget.length) {
    await db
      .insertInto('project_budget_lines')
      .values(budget.map(([source, amount]) => ({ project_id: p.id, county_code: county, source, amount_fen: amount })))
      .execute();
  }
  if (o.beneficiaries?.length) {
    await db
      .insertInto('project_beneficiaries')
      .values(o.beneficiaries.map((b) => ({ project_id: p.id, county_code: county, household_id: b.householdId, mechanism: b.mechanism })))
      .execute();
  }
  return { id: p.id, countyCode: county, villageCode: lead };
}

/** Moves the project to a state as if the chain had (the ledger takes the state as given). */
export async function setProjectState(db: Db, id: string, state: ProjectState): Promise<void> {
  await db.updateTable('projects').set({ state }).where('id', '=', id).execute();
}

export const NOW = new Date('2026-06-30T04:00:00Z');

/** A context acting as `role` over `areaCode` (the whole prefecture for an admin by default). */
export function ctxAs(db: Db, role: Role, areaCode: string, now: Date = NOW): Ctx {
  return { db, scope: new Scope(areaCode, role), actor: { id: null, name: `测试${role}`, role }, origin: { via: 'test' }, now };
}
