// Request and response schemas of oversight (/api/oversight): alerts and comments.
import { z } from '@hono/zod-openapi';
import { OVERSIGHT_RULE_CODES } from './rules/index.ts';

export const ALERT_STATUSES = ['open', 'answered', 'closed'] as const;
export const ALERT_SEVERITIES = ['high', 'medium', 'low'] as const;
export const ALERT_RULES: [string, ...string[]] = ['manual', ...OVERSIGHT_RULE_CODES];

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)))
    .optional()
    .openapi({ type: 'string', description: `Comma-separated: ${values.join(', ')}` });

const text = (max = 4000) => z.string().trim().min(1).max(max);

export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const AlertQuery = z
  .object({
    status: csv(ALERT_STATUSES),
    rule: csv(ALERT_RULES),
    projectId: z.uuid().optional(),
    area: z
      .string()
      .regex(/^\d{6}(\d{3}(\d{3})?)?$/)
      .optional()
      .openapi({ description: 'A county, township or village code inside your area: the alerts whose subject lies there' }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const Alert = z
  .object({
    id: z.string(),
    countyCode: z.string(),
    villageCode: z
      .string()
      .openapi({ description: "The subject's area: a project's lead village, a procedure's village, or the villages' common township or county" }),
    rule: z.string().openapi({ description: "A rule code (docs/domain/oversight-rules.md) or 'manual'" }),
    ruleTitle: z.string(),
    severity: z.enum(ALERT_SEVERITIES),
    subjectKind: z.enum(['project', 'ledger_entry', 'project_step', 'procedure_step', 'account']),
    projectId: z.string().nullable(),
    projectName: z.string().nullable(),
    ledgerEntryId: z.string().nullable(),
    projectStepId: z.string().nullable(),
    procedureId: z.string().nullable(),
    procedureStepId: z.string().nullable(),
    evidence: z.record(z.string(), z.unknown()).openapi({ description: 'Masked for the reader: bank accounts always (****1234)' }),
    evidenceText: z.string(),
    status: z.enum(ALERT_STATUSES),
    raisedByName: z.string().nullable(),
    raisedByRun: z.string().nullable(),
    raisedAt: z.string(),
    answer: z.string().nullable(),
    answeredByName: z.string().nullable(),
    answeredByRole: z.string().nullable(),
    answeredAt: z.string().nullable(),
    closeNote: z.string().nullable(),
    closedByName: z.string().nullable(),
    closedAt: z.string().nullable(),
    version: z.number(),
  })
  .openapi('OversightAlert');

export const AlertList = z.array(Alert).openapi('OversightAlertList');

export const RaiseAlertBody = z
  .object({
    projectId: z.uuid().optional(),
    ledgerEntryId: z.uuid().optional().openapi({ description: 'An alert on one ledger entry (its project follows)' }),
    text: text().openapi({ description: 'What the inspector found (the evidence)' }),
    severity: z.enum(ALERT_SEVERITIES).default('medium'),
  })
  .strict()
  .openapi('OversightRaiseAlert');

export const AnswerBody = z
  .object({ answer: text().openapi({ description: "The responsible office's answer" }) })
  .strict()
  .openapi('OversightAnswer');

export const CloseBody = z
  .object({ note: text().openapi({ description: "The inspector's conclusion" }) })
  .strict()
  .openapi('OversightClose');

export const Comment = z
  .object({
    id: z.string(),
    projectId: z.string(),
    ledgerEntryId: z.string().nullable(),
    authorName: z.string(),
    authorRole: z.string(),
    text: z.string(),
    at: z.string(),
  })
  .openapi('ProjectComment');

export const CommentList = z.array(Comment).openapi('ProjectCommentList');

export const CommentBody = z
  .object({
    text: text(),
    ledgerEntryId: z.uuid().optional().openapi({ description: "A comment on one of the project's ledger entries" }),
  })
  .strict()
  .openapi('ProjectCommentNew');

export const RunBody = z
  .object({
    countyCode: z
      .string()
      .regex(/^\d{6}$/)
      .optional()
      .openapi({ description: 'The county (6 digits); default: the county of your account' }),
    asOf: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .openapi({ description: 'The day the rules look at (YYYY-MM-DD); default: today, China time' }),
  })
  .strict()
  .openapi('OversightRunNew');

export const RunResult = z
  .object({
    runId: z.string(),
    countyCode: z.string(),
    asOf: z.string(),
    counts: z.record(z.string(), z.object({ found: z.number(), raised: z.number(), kept: z.number() })),
    found: z.number().openapi({ description: 'Subjects the rules found now' }),
    raised: z.number().openapi({ description: 'New alerts raised by this run' }),
    kept: z.number().openapi({ description: 'Active alerts the run found again and kept as they were' }),
  })
  .openapi('OversightRun');

export type AlertQueryInput = z.infer<typeof AlertQuery>;
export type RaiseAlertInput = z.input<typeof RaiseAlertBody>;
export type AnswerInput = z.infer<typeof AnswerBody>;
export type CloseInput = z.infer<typeof CloseBody>;
export type CommentInput = z.infer<typeof CommentBody>;
