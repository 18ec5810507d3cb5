// Request/response schemas of the statistics dashboards (shared with the web through the typed
// client). Owns the shapes only; it must never query or decide access. Counts only: no household
// or person is named.
import { z } from '@hono/zod-openapi';
import { AreaCode, AreaLevelSchema, AreaRef } from '../areas/schema.ts';
import { SEVERITIES } from '../crosscheck/schema.ts';
import { Figures } from '../funds/schema.ts';

export const StatsParam = z.object({
  code: AreaCode.openapi({ param: { name: 'code', in: 'path' } }),
});

const count = z.number().int();

export const FINDING_STATUSES = ['open', 'confirmed', 'dismissed', 'needs_visit', 'resolved'] as const;

/** One area's figures on the map and in the dashboard's children table (counts only, no person). */
export const ChildFigures = z
  .object({
    code: z.string(),
    name: z.string(),
    level: AreaLevelSchema,
    households: count.openapi({ description: '在册 households' }),
    people: count.openapi({ description: 'Their living members' }),
    monitoringHouseholds: count.openapi({ description: '在册 监测户' }),
    monitoringRate: z.number().nullable().openapi({ description: '监测户 ÷ 在册 households (0…1, four decimals); null without households' }),
    visitsOverdue: count.openapi({ description: '在册 households not visited within the visit interval (never visited included)' }),
    openFindings: count.openapi({ description: 'Findings present and not yet reviewed' }),
    openFindingsBySeverity: z.object(Object.fromEntries(SEVERITIES.map((s) => [s, count])) as Record<(typeof SEVERITIES)[number], typeof count>),
    funds: Figures.nullable().openapi({
      description: 'The ledger’s figures of the projects whose lead village lies in the area, with 资金支出进度; null without funds.read',
    }),
  })
  .openapi('ChildAreaFigures');

export const ChildAreaFiguresList = z
  .object({
    area: z.object({ code: z.string(), name: z.string(), level: AreaLevelSchema }),
    visitIntervalDays: count.openapi({ description: 'A household not visited for longer is overdue (default 90: the county settings have no interval yet)' }),
    fundsShown: z.boolean().openapi({ description: 'Whether the role reads the ledger (funds.read): otherwise every `funds` is null' }),
    items: z.array(ChildFigures),
  })
  .openapi('ChildAreaFiguresList');

export const StatsReport = z
  .object({
    area: z.object({ code: z.string(), name: z.string(), level: AreaLevelSchema }),
    path: z.array(AreaRef).openapi({ description: 'The area’s ancestors, from the province down (breadcrumbs)' }),
    registry: z.object({
      inRegistry: z.object({ households: count, people: count }).openapi({ description: '在册: households in the registry and their living members' }),
      byStatus: z
        .array(z.object({ status: z.string(), households: count, people: count }))
        .openapi({ description: '在册 households by 户状态, every status of the code list (zeros included)' }),
      byRegistryState: z
        .array(z.object({ state: z.string(), households: count, people: count }))
        .openapi({ description: 'Households by 在册状态 (在册, 待识别, 自然减少, 清退), zeros included' }),
      monitoringByCategory: z
        .array(z.object({ category: z.string(), households: count, people: count }))
        .openapi({ description: '在册 监测户 by 监测对象类别 (未填 for none)' }),
    }),
    causes: z.array(z.object({ cause: z.string(), households: count })).openapi({ description: '在册 households by 主要致贫原因, most first (未填 for none)' }),
    guarantees: z
      .object({
        households: count.openapi({ description: '在册 households' }),
        withYearRecord: count.openapi({ description: 'Of them, with a yearly record (收入年度)' }),
        latestYear: z.number().int().nullable(),
        items: z.array(
          z.object({
            key: z.enum(['food', 'clothing', 'education', 'medical', 'housing', 'water']),
            label: z.string().openapi({ description: 'zh-CN name, as the guards name it' }),
            unmet: count.openapi({ description: 'The latest yearly record says no (未保障)' }),
            unrecorded: count.openapi({ description: 'Left open (未填) or no yearly record at all' }),
          }),
        ),
      })
      .openapi({ description: '两不愁三保障 + 饮水 by each household’s latest yearly record' }),
    findings: z
      .object({
        total: count,
        byStatus: z.object(Object.fromEntries(FINDING_STATUSES.map((s) => [s, count])) as Record<(typeof FINDING_STATUSES)[number], typeof count>),
        byRule: z.array(
          z.object({
            rule: z.string(),
            title: z.string().openapi({ description: 'zh-CN one-line description of the rule' }),
            total: count,
            ...(Object.fromEntries(FINDING_STATUSES.map((s) => [s, count])) as Record<(typeof FINDING_STATUSES)[number], typeof count>),
          }),
        ),
      })
      .openapi({ description: 'Cross-check findings still present (the latest run found them again), by rule and review status' }),
    funds: z
      .object({
        totals: Figures,
        bySource: z.array(Figures.extend({ source: z.string() })),
      })
      .nullable()
      .openapi({
        description: 'The fund ledger’s balances and 资金支出进度 of the area’s projects (by lead village), by fund source; null without funds.read',
      }),
    children: z
      .array(ChildFigures)
      .openapi({ description: 'The area’s children in scope (townships of a county, villages of a township); none for a village' }),
  })
  .openapi('StatsReport');

/** The dashboard as GET /api/stats/{code} answers it: the figures, when they were computed, and whether newer ones are on their way. */
export const StatsAnswer = StatsReport.extend({
  asOf: z.string().openapi({ description: 'When these figures were computed (ISO 8601)' }),
  stale: z
    .boolean()
    .openapi({ description: 'The data changed and the new figures took too long: these are the previous ones (asOf), the next request has the new' }),
}).openapi('StatsAnswer');
