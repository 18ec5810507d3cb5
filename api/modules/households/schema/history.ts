// Reveal (audited) and the card's history.
import { z } from '@hono/zod-openapi';
import { Uuid } from './fields.ts';
import { HouseholdIdParam } from './params.ts';

export const RevealRequest = z
  .object({ field: z.enum(['id_number', 'phone', 'bank_account']), memberId: Uuid.optional() })
  .strict()
  .openapi('RevealRequest');
export const RevealResponse = z.object({ field: z.string(), memberId: z.string().nullable(), value: z.string().nullable() }).openapi('RevealResponse');

export const HistoryEntry = z
  .object({
    id: z.number(),
    at: z.string(),
    actorName: z.string().nullable(),
    actorRole: z.string().nullable(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
    memberId: z.string().nullable().openapi({ description: 'The member the entry concerns (its name is in `members`)' }),
    version: z.number().nullable().openapi({ description: 'The record’s version after this change' }),
    changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])).openapi({
      description:
        '{ key: [before, after] }. A key is a column (`phone`) or a key path (`members.<member id>.id_number` in a registry import); every value is masked by its grade (红 masked, health withheld from roles that do not see it) at any depth',
    }),
    revealable: z
      .array(z.string())
      .openapi({ description: 'Keys of `changes` whose masked 红 value this caller may reveal (POST …/history/{entryId}/reveal, audited)' }),
    note: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Facts about the action (reason, procedure, import), masked like the changes' }),
  })
  .openapi('HistoryEntry');
export const HistoryResponse = z
  .object({
    householdId: z.string(),
    currentVersion: z.number(),
    members: z.record(z.string(), z.string()).openapi({ description: 'Names of the members the entries concern, by member id' }),
    entries: z.array(HistoryEntry).openapi({ description: 'Card versions and sub-record changes, newest first' }),
    procedures: z.array(HistoryEntry).openapi({ description: 'Procedure steps (entity "procedure"), newest first' }),
  })
  .openapi('HouseholdHistory');

export const HistoryEntryParam = HouseholdIdParam.extend({
  entryId: z.coerce
    .number()
    .int()
    .min(1)
    .openapi({ param: { name: 'entryId', in: 'path' }, description: 'The history entry (audit entry id)' }),
});
export const HistoryRevealRequest = z
  .object({
    key: z.string().min(1).max(200).openapi({ description: 'A key of the entry’s `changes` listed in `revealable`' }),
    side: z.enum(['before', 'after']),
  })
  .strict()
  .openapi('HistoryRevealRequest');
export const HistoryRevealResponse = z
  .object({ entryId: z.number(), key: z.string(), side: z.enum(['before', 'after']), value: z.string().nullable() })
  .openapi('HistoryRevealResponse');
