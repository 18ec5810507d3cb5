// HTTP of the workbench (工作台), mounted at /api/workbench behind requireAuth: GET /api/workbench,
// the signed-in account's to-dos in its area. HTTP only: the domain (workbench.ts) decides.
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { Workbench } from './schema.ts';
import { workbench } from './workbench.ts';

export const workbenchRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['workbench'],
    summary: 'The account’s workbench (工作台): its role’s to-dos in its area, with counts and where each is handled',
    description:
      'Every count is the scoped list query the linked page shows (households, procedures, findings, projects, imports, runs, the audit log), capped at 1000.',
    responses: { 200: json(Workbench, 'The to-dos') },
  }),
  async (c) => c.json(await workbench(ctxOf(c)), 200),
);
