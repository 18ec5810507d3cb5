// Request/response schemas of the spatial QA report (shared with the web through the typed client).
// Owns the shapes only; it must never query or decide access. No personal data: households are
// named by id, 户编号 and village, never by a person.
import { z } from '@hono/zod-openapi';
import { AreaCode, AreaLevelSchema } from '../areas/schema.ts';

export const QA_DEFAULT_LIMIT = 500;

export const QaQuery = z.object({
  area: AreaCode.optional().openapi({ description: 'The area to check (default: the account’s own area)' }),
  limit: z.coerce.number().int().min(1).max(5000).default(QA_DEFAULT_LIMIT).openapi({ description: 'At most this many items per check' }),
});

const check = <T extends z.ZodTypeAny>(item: T) =>
  z.object({
    total: z.number().int().openapi({ description: 'Items found (the list holds at most `limit` of them)' }),
    truncated: z.boolean(),
    items: z.array(item),
  });

export const QaOutsideHousehold = z
  .object({
    householdId: z.string(),
    householdNo: z.string().openapi({ description: '户编号' }),
    villageCode: z.string(),
    villageName: z.string(),
    lon: z.number(),
    lat: z.number(),
    distanceM: z.number().openapi({ description: 'Metres from the point to the village boundary' }),
    foundInVillageCode: z.string().nullable().openapi({ description: 'The village whose boundary holds the point, if any' }),
  })
  .openapi('QaOutsideHousehold');

export const QaSharedPoint = z
  .object({
    lon: z.number(),
    lat: z.number(),
    count: z.number().int().openapi({ description: 'Households at exactly this point' }),
    households: z
      .array(z.object({ householdId: z.string(), householdNo: z.string(), villageCode: z.string() }))
      .openapi({ description: 'The first 20 of them by village and 户编号' }),
  })
  .openapi('QaSharedPoint');

export const QaOutsideProject = z
  .object({
    projectId: z.string(),
    name: z.string(),
    state: z.string(),
    villageCode: z.string().openapi({ description: 'The lead village (申报村)' }),
    villageCodes: z.array(z.string()),
    entirelyOutside: z.boolean().openapi({ description: 'No part of the geometry touches its villages' }),
  })
  .openapi('QaOutsideProject');

export const QaVillageWithoutBoundary = z
  .object({
    code: z.string(),
    name: z.string(),
    parentCode: z.string().nullable(),
    householdCount: z.number().int(),
  })
  .openapi('QaVillageWithoutBoundary');

export const QaReport = z
  .object({
    area: z.object({ code: z.string(), name: z.string(), level: AreaLevelSchema }).nullable().openapi({ description: 'The area checked (null: everything)' }),
    limit: z.number().int(),
    projectToleranceM: z.number().openapi({ description: 'A project may reach this far outside its villages (the rule it is saved under)' }),
    householdsOutsideVillage: check(QaOutsideHousehold),
    sharedPoints: check(QaSharedPoint),
    projectsOutsideVillages: check(QaOutsideProject).openapi({ description: 'Empty when the role may not read projects' }),
    villagesWithoutBoundary: check(QaVillageWithoutBoundary),
  })
  .openapi('QaReport');
