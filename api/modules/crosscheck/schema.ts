// Request and response schemas of the cross-check API (/api/crosscheck).
import { z } from '@hono/zod-openapi';
import { SOURCE_CODES } from '../datasets/sources.ts';
import { FINDING_STATUSES, REVIEW_ACTIONS } from './review.ts';
import { RULE_CODES } from './rules/index.ts';

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

export const SEVERITIES = ['exclude', 'update', 'risk', 'review'] as const;

export const FindingQuery = z.object({
  rule: csv(RULE_CODES as [string, ...string[]]),
  severity: csv(SEVERITIES),
  status: csv(FINDING_STATUSES),
  area: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional()
    .openapi({ description: 'County, township or village code' }),
  householdId: z.uuid().optional(),
  all: z.enum(['true', 'false']).optional().openapi({ description: 'true: include findings gone from the latest run' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const Finding = z
  .object({
    id: z.string(),
    countyCode: z.string(),
    rule: z.string(),
    ruleTitle: z.string(),
    householdNo: z.string(),
    idNumber: z.string().nullable().openapi({ description: 'Masked (5223**********1234)' }),
    householdId: z.string().nullable(),
    memberId: z.string().nullable(),
    villageCode: z.string().nullable(),
    villageName: z.string().nullable(),
    headName: z.string().nullable(),
    memberName: z.string().nullable(),
    personName: z
      .string()
      .nullable()
      .openapi({ description: 'Who the finding is about: the member on the card, or the name on the department roll (疑似漏评)' }),
    severity: z.enum(SEVERITIES),
    evidence: z.record(z.string(), z.unknown()),
    evidenceText: z.string(),
    status: z.enum(FINDING_STATUSES),
    statusReason: z.string().nullable(),
    present: z.boolean(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    reviewedByName: z.string().nullable(),
    reviewedAt: z.string().nullable(),
    consequence: z.record(z.string(), z.unknown()).nullable(),
    procedureId: z.string().nullable(),
    version: z.number(),
  })
  .openapi('Finding');

export const FindingList = z.object({ total: z.number(), items: z.array(Finding) }).openapi('FindingList');

export const FindingCounts = z
  .object({
    byVillage: z.array(z.object({ village_code: z.string(), n: z.number() })),
    byRule: z.array(z.object({ rule: z.string(), n: z.number() })),
    byStatus: z.array(z.object({ status: z.string(), n: z.number() })),
  })
  .openapi('FindingCounts');

export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const ReviewBody = z
  .object({
    action: z.enum(REVIEW_ACTIONS),
    reason: z.string().trim().max(2000).optional().openapi({ description: 'Required to dismiss or reopen' }),
    version: z.number().int().min(1).optional().openapi({ description: 'The finding version the reviewer saw; a stale one gets 409' }),
    monitoringCategory: z.enum(['脱贫不稳定户', '边缘易致贫户', '突发严重困难户']).optional(),
  })
  .strict()
  .openapi('FindingReview');

export const ReviewResult = z
  .object({ id: z.string(), status: z.string(), consequence: z.record(z.string(), z.unknown()).nullable(), procedureId: z.string().nullable() })
  .openapi('FindingReviewResult');

export const RevealQuery = z.object({
  reveal: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional()
    .openapi({ description: 'Unmasked ID numbers (roles that see personal data only; audited). Default: masked' }),
});

export const CountyQuery = z.object({
  county: z
    .string()
    .regex(/^\d{6}$/)
    .optional()
    .openapi({ description: 'County code (needed above county level)' }),
});

export const RunBody = z
  .object({
    asOf: z.iso.date().optional().openapi({ description: 'Date the run is for (default today)' }),
    county: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  })
  .strict()
  .openapi('CrosscheckRunRequest');

export const RunResult = z
  .object({
    runId: z.string(),
    asOf: z.string(),
    counts: z.record(z.string(), z.number()),
    skipped: z.array(z.object({ rule: z.string(), missing: z.array(z.string()) })),
    newFindings: z.number(),
    reopened: z.number(),
    totalPresent: z.number(),
    timings: z.record(z.string(), z.number()),
  })
  .openapi('CrosscheckRunResult');

export const RunList = z
  .array(
    z.object({
      id: z.string(),
      as_of: z.string(),
      status: z.string(),
      counts: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Findings per rule code; `_skipped`: rules left out for want of data' }),
      dataset_versions: z.unknown(),
      settings: z.unknown(),
      started_by_name: z.string().nullable(),
      started_at: z.string(),
      finished_at: z.string().nullable(),
    }),
  )
  .openapi('CrosscheckRunList');
export const VersionList = z
  .array(
    z.object({
      id: z.string(),
      source: z.string(),
      status: z.string(),
      file_name: z.string(),
      sha256: z.string(),
      byte_size: z.number(),
      encoding: z.string().nullable(),
      format: z.string().nullable(),
      rows_read: z.number(),
      rows_loaded: z.number(),
      rows_unusable: z.number(),
      unusable_reasons: z.unknown(),
      imported_by_name: z.string().nullable(),
      started_at: z.string(),
      finished_at: z.string().nullable(),
    }),
  )
  .openapi('DatasetVersionList');

export const DatasetUpload = z
  .object({
    source: z.enum(SOURCE_CODES),
    county: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    file: z.any().openapi({ type: 'string', format: 'binary', description: 'CSV (UTF-8 or GBK) or XLSX of one source (docs/data-formats.md §2)' }),
  })
  .openapi('DatasetUpload');

export const DatasetJob = z.record(z.string(), z.unknown()).openapi('DatasetImportJob');

export const RuleInfo = z
  .array(z.object({ code: z.string(), severity: z.string(), title: z.string(), sources: z.array(z.string()) }))
  .openapi('CrosscheckRules');
