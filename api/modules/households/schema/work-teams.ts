// Village work teams (驻村工作队).
import { z } from '@hono/zod-openapi';
import { DateString, Uuid, dateOrder, optText, text } from './fields.ts';

export const WorkTeamView = z
  .object({
    id: z.string(),
    villageCode: z.string(),
    name: z.string(),
    dispatchingUnit: z.string().nullable(),
    firstSecretary: z.string().nullable(),
    members: z.array(z.string()),
    fromDate: z.string().nullable(),
    toDate: z.string().nullable(),
    version: z.number(),
  })
  .openapi('WorkTeam');

const workTeamFields = {
  name: text(100).min(1),
  dispatchingUnit: optText(100),
  firstSecretary: optText(50),
  members: z.array(text(50).min(1)).max(50).optional(),
  fromDate: DateString.nullable().optional(),
  toDate: DateString.nullable().optional(),
};
export const WorkTeamQuery = z.object({
  village: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
});
export const WorkTeamParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
export const WorkTeamCreate = z
  .object({ id: Uuid.optional(), villageCode: z.string().regex(/^\d{12}$/), ...workTeamFields })
  .strict()
  .superRefine(dateOrder)
  .openapi('WorkTeamCreate');
export const WorkTeamPatch = z
  .object({ version: z.number().int().min(1), ...workTeamFields, name: workTeamFields.name.optional() })
  .strict()
  .superRefine(dateOrder)
  .openapi('WorkTeamPatch');
export const WorkTeamList = z.object({ items: z.array(WorkTeamView) }).openapi('WorkTeamList');
