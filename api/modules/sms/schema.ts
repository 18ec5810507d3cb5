// Request and response schemas of /api/sms (zod → OpenAPI, the typed client, the domain's inputs).
import { z } from '@hono/zod-openapi';

const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
  .openapi({ description: 'YYYY-MM', example: '2026-05' });
const Position = z.enum(['村监委会成员', '群众监督员']);

export const PreviewQuery = z.object({
  area: z
    .string()
    .regex(/^\d{6}(\d{3}(\d{3})?)?$/)
    .openapi({ description: 'A county, township or village code in your area' }),
  month: Month,
});

export const VillagePreview = z
  .object({
    villageCode: z.string(),
    villageName: z.string(),
    text: z.string().openapi({ description: 'Exactly what the village’s supervisors receive, signature included' }),
    segments: z.number().int().openapi({ description: 'SMS segments (UCS-2: 70 characters in one, 67 per part above)' }),
    recipients: z.number().int(),
    optedOut: z.number().int(),
  })
  .openapi('SmsVillagePreview');
export const PreviewList = z.array(VillagePreview);

export const Recipient = z
  .object({
    id: z.string(),
    villageCode: z.string(),
    villageName: z.string().optional(),
    name: z.string(),
    phone: z.string().openapi({ description: 'Masked (138****5678); the full number only through …/reveal (audited)' }),
    position: Position,
    optedIn: z.boolean(),
    optedOutVia: z.enum(['sms', 'app']).nullable(),
    optedOutAt: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('SmsRecipient');
export const RecipientList = z.array(Recipient);

export const RosterQuery = z.object({
  area: z
    .string()
    .regex(/^\d{2,12}$/)
    .optional(),
});
export const RecipientBody = z
  .object({ villageCode: z.string(), name: z.string(), phone: z.string(), position: Position.optional() })
  .strict()
  .openapi('SmsRecipientInput');
export const RecipientPatch = z
  .object({
    version: z.number().int(),
    name: z.string().optional(),
    phone: z.string().optional(),
    position: Position.optional(),
    optedIn: z.boolean().optional(),
  })
  .strict()
  .openapi('SmsRecipientChange');
export const IdParam = z.object({ id: z.uuid() });
export const Revealed = z.object({ id: z.string(), phone: z.string() });

const State = z.enum(['queued', 'sending', 'submitted', 'delivered', 'failed', 'unknown', 'received']);
export const MessageQuery = z.object({
  state: z
    .string()
    .regex(/^[a-z]+(,[a-z]+)*$/)
    .optional()
    .openapi({ description: 'States, comma-separated: queued, sending, submitted, delivered, failed, unknown (in doubt), received' }),
  direction: z.enum(['out', 'in']).optional(),
  period: Month.optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export const Message = z
  .object({
    id: z.string(),
    direction: z.enum(['out', 'in']),
    kind: z.string(),
    villageCode: z.string().nullable(),
    villageName: z.string().nullable(),
    phone: z.string().openapi({ description: 'Masked' }),
    period: z.string().nullable(),
    text: z.string(),
    segments: z.number().int(),
    state: State,
    handling: z.string().nullable(),
    attempts: z.number().int(),
    provider: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('SmsMessage');
export const MessageList = z.array(Message);
export const STATES = State.options;

export const RetryBody = z.object({ ids: z.array(z.uuid()).min(1).max(500) }).strict();
export const RetryResult = z.object({ retried: z.number().int() });

export const BatchBody = z
  .object({
    month: Month,
    county: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  })
  .strict();
export const BatchResult = z
  .object({ batchId: z.string(), period: z.string(), villages: z.number(), queued: z.number(), alreadyQueued: z.number(), optedOut: z.number() })
  .openapi('SmsBatch');

export const RosterUpload = z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }) });
export const RosterImportResult = z
  .object({
    ok: z.boolean(),
    rows: z.number().int(),
    added: z.number().int(),
    updated: z.number().int(),
    errors: z.array(z.object({ rowNo: z.number().int(), column: z.string(), key: z.string(), message: z.string() })),
  })
  .openapi('SmsRosterImport');
