// Response schema of the workbench (工作台), shared with the web through the typed client. Owns the
// shapes only; it must never query or decide access. An item names where it is handled as a web
// route (name, params, query: what vue-router's push takes), so one tap opens the list or page.
import { z } from '@hono/zod-openapi';
import { AreaLevelSchema } from '../areas/schema.ts';

export const ITEM_KEYS = [
  // 村干部
  'visitOverdue',
  'villageReview',
  'noticesToPost',
  'findingsToVerify',
  'incomplete',
  'riskEliminationDue',
  // 乡镇干部 / 县扶贫办
  'signoff',
  'noticeEnding',
  'openFindings',
  'registryImports',
  'crosscheckRuns',
  'projectQueue',
  // 纪检监察 / 村监委 (read-only)
  'recentChanges',
  'findingsOpened',
  'findingsClosed',
  'accessDenied',
] as const;
export type ItemKey = (typeof ITEM_KEYS)[number];

export const Link = z
  .object({
    name: z.string().openapi({ description: 'The web route’s name (web/src/router.ts)' }),
    params: z.record(z.string(), z.string()).optional(),
    query: z.record(z.string(), z.string()).optional(),
  })
  .openapi('WorkbenchLink');

export const WorkbenchEntry = z
  .object({
    label: z.string().openapi({ description: 'What the entry is: a household (户主 · 户编号), a rule, a village, a file, an action' }),
    detail: z.string().nullable().openapi({ description: 'A second line (village, stage, who, status)' }),
    count: z.number().int().nullable().openapi({ description: 'How many, for a group (a rule, a village)' }),
    days: z.number().int().nullable().openapi({ description: 'Days waiting at its stage, or days left (a notice)' }),
    at: z.string().nullable().openapi({ description: 'When (ISO time)' }),
    link: Link.nullable(),
  })
  .openapi('WorkbenchEntry');

export const WorkbenchItem = z
  .object({
    key: z.enum(ITEM_KEYS),
    count: z.number().int(),
    capped: z.boolean().openapi({ description: 'There are more than `count` (shown as 1000+)' }),
    params: z.record(z.string(), z.number()).openapi({ description: 'Figures the item’s sentence names (interval days, missing fields …)' }),
    link: Link.nullable().openapi({ description: 'Where the item is handled (null: its entries link one by one)' }),
    entries: z.array(WorkbenchEntry).openapi({ description: 'The first few, in the order they are handled (the longest-waiting first)' }),
  })
  .openapi('WorkbenchItem');

export const Workbench = z
  .object({
    role: z.string(),
    readOnly: z.boolean(),
    area: z.object({ code: z.string(), name: z.string(), level: AreaLevelSchema }),
    since: z.string().openapi({ description: 'Start of the recent window (imports, runs, changes, refusals)' }),
    items: z.array(WorkbenchItem),
  })
  .openapi('Workbench');
