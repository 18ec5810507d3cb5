// Request schemas of printing and export. The export filter is the household list's own query
// (api/modules/households/schema/) without paging, so both accept exactly the same filters.
import { z } from '@hono/zod-openapi';
import { DateString, HouseholdListQuery } from '../households/schema/index.ts';

export { HouseholdIdParam } from '../households/schema/index.ts';

export const HouseholdExportQuery = HouseholdListQuery.omit({ page: true, pageSize: true, limit: true, offset: true }).extend({
  reveal: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional()
    .openapi({ description: 'Unmasked ID numbers and phones (roles that see personal data only; audited)' }),
});

export const VillageCodeParam = z.object({
  code: z
    .string()
    .regex(/^\d{12}$/)
    .openapi({ param: { name: 'code', in: 'path' }, description: '12-digit village (村/社区) code' }),
});

export const AreaCodeParam = z.object({
  code: z
    .string()
    .regex(/^\d{6}(\d{3})?$/)
    .openapi({ param: { name: 'code', in: 'path' }, description: 'County (6-digit) or township (9-digit) code' }),
});

export const AnnouncementQuery = z.object({
  from: DateString.optional().openapi({ description: 'First day (China time, YYYY-MM-DD); default: 29 days before `to`' }),
  to: DateString.optional().openapi({ description: 'Last day (China time, YYYY-MM-DD); default: today' }),
});
