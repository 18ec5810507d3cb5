// Administrative areas (区划) as the caller may see them: lists for pickers and trees, one area
// with its breadcrumb and children, boundaries for the map. Domain rules only: who may read
// what (through Scope), what is "not found", how rows are shaped. SQL lives in queries.ts,
// HTTP in routes.ts. It must never write areas (seeds/areas.ts loads them) and never decide
// access itself — scope.assertCovers / scope.sql do.
import { type AreaLevel, ancestorsOf } from '../../../gis/area-code.ts';
import type { z } from '@hono/zod-openapi';
import type { Ctx } from '../../context.ts';
import { NotFound } from '../../errors.ts';
import * as q from './queries.ts';
import type { AreaListQuery } from './schema.ts';

export interface AreaItem {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  countyCode: string | null;
  householdCount: number;
}

const toItem = (r: q.AreaRow): AreaItem => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
  countyCode: r.county_code,
  householdCount: r.household_count,
});

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export type ListAreasInput = z.infer<typeof AreaListQuery>;

/**
 * Areas in the caller's scope. Without `parent`: the account's own area and its children.
 * A `parent` above the account's area is allowed (its in-scope part is listed); one beside it is 403.
 */
export async function listAreas({ db, scope }: Ctx, input: ListAreasInput) {
  const root = input.parent ?? scope.areaCode;
  if (!scope.isAncestor(root)) scope.assertCovers(root);
  const rows = await q.listAreas(db, scope, { root, level: input.level, q: input.q, limit: input.limit });
  return { items: rows.slice(0, input.limit).map(toItem), truncated: rows.length > input.limit };
}

/** One area with its ancestors (names shown even above the scope), children, bbox and label point. */
export async function getArea({ db, scope }: Ctx, code: string) {
  scope.assertCovers(code);
  const row = await q.findArea(db, scope, code);
  if (!row) throw NotFound('area.notFound', { code });
  const [path, children] = await Promise.all([q.findAreaNames(db, ancestorsOf(code)), q.listAreas(db, scope, { root: code, limit: 10_000 })]);
  const box = [row.min_lon, row.min_lat, row.max_lon, row.max_lat].map(num);
  const labelLon = num(row.label_lon);
  const labelLat = num(row.label_lat);
  return {
    ...toItem(row),
    path: path.map((p) => ({ code: p.code, name: p.name, level: p.level })),
    children: children.filter((c) => c.code !== code).map(toItem),
    bbox: box.every((v): v is number => v !== null) ? (box.map(round6) as [number, number, number, number]) : null,
    labelPoint: labelLon !== null && labelLat !== null ? ([round6(labelLon), round6(labelLat)] as [number, number]) : null,
    boundarySource: row.boundary_source,
  };
}

type Geometry = { type: 'MultiPolygon'; coordinates: number[][][][] } | { type: 'Polygon'; coordinates: number[][][] };

/** GeoJSON FeatureCollection of the children of `code` (or of the area itself with `self`). */
export async function getBoundaries({ db, scope }: Ctx, code: string, opts: { self: boolean; simplify?: number | undefined }) {
  scope.assertCovers(code);
  const [exists, rows] = await Promise.all([q.findArea(db, scope, code), q.listBoundaries(db, scope, code, opts)]);
  if (!exists) throw NotFound('area.notFound', { code });
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => {
      const lon = num(r.label_lon);
      const lat = num(r.label_lat);
      return {
        type: 'Feature' as const,
        id: r.code,
        geometry: r.geometry ? (JSON.parse(r.geometry) as Geometry) : null,
        properties: {
          code: r.code,
          name: r.name,
          level: r.level,
          householdCount: r.household_count,
          labelLon: lon === null ? null : round6(lon),
          labelLat: lat === null ? null : round6(lat),
          boundarySource: r.boundary_source,
        },
      };
    }),
  };
}
