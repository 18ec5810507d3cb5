// Path and query parameters shared by the card's routes, and the answer of a soft delete.
import { z } from '@hono/zod-openapi';

export const HouseholdIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
export const MemberParam = HouseholdIdParam.extend({ memberId: z.uuid().openapi({ param: { name: 'memberId', in: 'path' } }) });
export const RecordParam = HouseholdIdParam.extend({ recordId: z.uuid().openapi({ param: { name: 'recordId', in: 'path' } }) });
export const YearParam = HouseholdIdParam.extend({
  year: z.coerce
    .number()
    .int()
    .min(2013)
    .max(2100)
    .openapi({ param: { name: 'year', in: 'path' } }),
});
export const PhotoParam = HouseholdIdParam.extend({ photoId: z.uuid().openapi({ param: { name: 'photoId', in: 'path' } }) });
export const VersionQuery = z.object({
  version: z.coerce.number().int().min(1).optional().openapi({ description: 'Current version (409 when stale)' }),
});

export const Deleted = z.object({ id: z.string(), deleted: z.literal(true), version: z.number() }).openapi('Deleted');
