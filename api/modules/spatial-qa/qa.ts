// The spatial QA report (空间质检, 挂图作战 part 4): what on the map is wrong and where to fix it —
// households whose GPS point lies outside their village, points shared by several households,
// projects reaching outside their villages, villages without a boundary. Domain rules only: which
// area the caller may check (Scope), the caps, how rows are shaped. SQL in queries.ts, HTTP in
// routes.ts, the operator's command in cli.ts. Read-only: it never fixes anything itself.
import type { z } from '@hono/zod-openapi';
import type { Ctx } from '../../context.ts';
import { NotFound } from '../../errors.ts';
import { can } from '../../shared/permissions.ts';
import { Scope } from '../auth/scope.ts';
import { GEOMETRY_TOLERANCE_M } from '../projects/projects.ts';
import * as q from './queries.ts';
import { QA_DEFAULT_LIMIT, type QaReport } from './schema.ts';

export type QaReportOutput = z.infer<typeof QaReport>;

/** Households listed per shared point (the count says how many there are). */
export const SHARED_POINT_HOUSEHOLDS = 20;

const round = (v: number | string, digits: number) => {
  const f = 10 ** digits;
  return Math.round(Number(v) * f) / f;
};

function listOf<R extends { total: number }, T>(rows: R[], limit: number, shape: (r: R) => T) {
  const total = Number(rows[0]?.total ?? 0);
  return { total, truncated: total > limit, items: rows.slice(0, limit).map(shape) };
}

export interface QaInput {
  /** The area to check: in the caller's scope, or above it (its in-scope part is checked). Default: the scope's area. */
  area?: string | undefined;
  limit?: number | undefined;
}

/** The spatial QA report of an area in the caller's scope. */
export async function spatialQa({ db, scope }: Ctx, input: QaInput = {}): Promise<QaReportOutput> {
  const root = input.area ?? scope.areaCode;
  if (!scope.isAncestor(root)) scope.assertCovers(root);
  const limit = input.limit ?? QA_DEFAULT_LIMIT;
  const area = root === '' ? null : await q.findArea(db, root);
  if (root !== '' && !area) throw NotFound('area.notFound', { code: root });
  // The narrower of the two: the checked area, or the caller's own when the area lies above it.
  const within = new Scope(root.length >= scope.areaCode.length ? root : scope.areaCode, scope.role);
  const [outside, shared, projects, villages] = await Promise.all([
    q.householdsOutsideVillage(db, within, limit),
    q.sharedPoints(db, within, limit, SHARED_POINT_HOUSEHOLDS),
    can(scope.role, 'project.read') ? q.projectsOutsideVillages(db, within, limit, GEOMETRY_TOLERANCE_M) : Promise.resolve([]),
    q.villagesWithoutBoundary(db, within, limit),
  ]);
  return {
    area: area ? { code: area.code, name: area.name, level: area.level } : null,
    limit,
    projectToleranceM: GEOMETRY_TOLERANCE_M,
    householdsOutsideVillage: listOf(outside, limit, (r) => ({
      householdId: r.id,
      householdNo: r.household_no,
      villageCode: r.village_code,
      villageName: r.village_name,
      lon: round(r.lon, 6),
      lat: round(r.lat, 6),
      distanceM: round(r.distance_m, 1),
      foundInVillageCode: r.found_in_code,
    })),
    sharedPoints: listOf(shared, limit, (r) => ({
      lon: round(r.lon, 6),
      lat: round(r.lat, 6),
      count: Number(r.n),
      households: r.ids.map((id, i) => ({ householdId: id, householdNo: r.household_nos[i] as string, villageCode: r.village_codes[i] as string })),
    })),
    projectsOutsideVillages: listOf(projects, limit, (r) => ({
      projectId: r.id,
      name: r.name,
      state: r.state,
      villageCode: r.village_code,
      villageCodes: r.village_codes,
      entirelyOutside: r.entirely_outside,
    })),
    villagesWithoutBoundary: listOf(villages, limit, (r) => ({
      code: r.code,
      name: r.name,
      parentCode: r.parent_code,
      householdCount: Number(r.household_count),
    })),
  };
}
