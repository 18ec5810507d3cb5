// `dripline areas qa [--area CODE] [--limit N] [--json]`: the spatial QA report (空间质检) as the
// operator sees it — the whole database, or one area — as counts and items, or the API's JSON.
// Read-only: no audit key needed, nothing written.
import { parseArgs } from 'node:util';
import { isAreaCode } from '../../../gis/area-code.ts';
import { systemCtx } from '../../context.ts';
import type { DbHandle } from '../../db/connect.ts';
import { AppError } from '../../errors.ts';
import { type QaReportOutput, spatialQa } from './qa.ts';

export const SPATIAL_QA_USAGE = `  dripline areas qa [--area CODE] [--limit N] [--json]
                                         spatial QA (空间质检): households outside their village, points shared
                                         by households, projects outside their villages, villages without a
                                         boundary — counts and at most N (500) items each; --json: the API's report`;

export class SpatialQaUsageError extends Error {}

/** Parses the arguments; throws SpatialQaUsageError with the message for the operator. */
export function parseQaArgs(args: string[]): { area?: string; limit?: number; json: boolean } {
  let values: { area?: string; limit?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { area: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } }));
  } catch (e) {
    throw new SpatialQaUsageError((e as Error).message);
  }
  if (values.area !== undefined && !isAreaCode(values.area))
    throw new SpatialQaUsageError(`--area must be an area code (2, 4, 6, 9, 12 or 15 digits), not "${values.area}"`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 5000)) {
    throw new SpatialQaUsageError(`--limit must be a whole number from 1 to 5000, not "${values.limit}"`);
  }
  return { ...(values.area ? { area: values.area } : {}), ...(limit ? { limit } : {}), json: values.json ?? false };
}

const more = (c: { total: number; items: unknown[] }) => (c.total > c.items.length ? [`    … and ${c.total - c.items.length} more`] : []);

/** The report as text: a heading per check with its count, then its items. */
export function formatReport(r: QaReportOutput): string {
  const lines = [
    `Spatial QA (空间质检) of ${r.area ? `${r.area.code} ${r.area.name}` : 'every area'} — at most ${r.limit} items per check`,
    '',
    `Households outside their village (户点位不在本村界内): ${r.householdsOutsideVillage.total}`,
    ...r.householdsOutsideVillage.items.map(
      (h) =>
        `    ${h.householdNo}  ${h.villageCode} ${h.villageName}  ${h.lon},${h.lat}  ${h.distanceM} m outside` +
        `${h.foundInVillageCode ? `, inside ${h.foundInVillageCode}` : ''}  household ${h.householdId}`,
    ),
    ...more(r.householdsOutsideVillage),
    `Points shared by households (多户同点): ${r.sharedPoints.total}`,
    ...r.sharedPoints.items.map(
      (p) => `    ${p.lon},${p.lat}  ${p.count} households: ${p.households.map((h) => h.householdNo).join(' ')}${p.count > p.households.length ? ' …' : ''}`,
    ),
    ...more(r.sharedPoints),
    `Projects outside their villages (项目位置超出所属村, > ${r.projectToleranceM} m): ${r.projectsOutsideVillages.total}`,
    ...r.projectsOutsideVillages.items.map(
      (p) =>
        `    ${p.villageCode}  ${p.name} [${p.state}]  ${p.entirelyOutside ? 'entirely' : 'partly'} outside ${p.villageCodes.join(',')}  project ${p.projectId}`,
    ),
    ...more(r.projectsOutsideVillages),
    `Villages without a boundary (村界缺失): ${r.villagesWithoutBoundary.total}`,
    ...r.villagesWithoutBoundary.items.map((v) => `    ${v.code} ${v.name}  ${v.householdCount} households`),
    ...more(r.villagesWithoutBoundary),
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs the command; the exit code (2: usage, 1: no such area). */
export async function spatialQaCommand(h: DbHandle, args: string[]): Promise<number> {
  let opts: ReturnType<typeof parseQaArgs>;
  try {
    opts = parseQaArgs(args);
  } catch (e) {
    if (!(e instanceof SpatialQaUsageError)) throw e;
    console.error(e.message);
    return 2;
  }
  try {
    const report = await spatialQa(systemCtx(h.db, { origin: { via: 'cli' } }), { area: opts.area, limit: opts.limit });
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return 0;
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') {
      console.error(`No area with code ${opts.area ?? ''}`);
      return 1;
    }
    throw e;
  }
}
