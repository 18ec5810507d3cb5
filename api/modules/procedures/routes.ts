// HTTP for status procedures (/api/procedures) and county settings (/api/county-settings).
// Validation and response shaping only; the rules are in procedures.ts and county-settings.ts.
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { body, err, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { getCountySettings, listCountySettings, putCountySettings } from './county-settings.ts';
import { getProcedure, listProcedures, startProcedure, takeStep } from './procedures.ts';
import {
  CountyParam,
  CountySettingsBody,
  CountySettingsList,
  CountySettingsView,
  CountyYearParam,
  ProcedureIdParam,
  ProcedureList,
  ProcedureListQuery,
  ProcedureView,
  StartProcedureBody,
  StepBody,
} from './schema.ts';

export const proceduresRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['procedures'],
      summary: 'Procedures in the caller’s area (the review queue with actionable=true)',
      request: { query: ProcedureListQuery },
      responses: { 200: json(ProcedureList, 'A page of procedures, newest first'), 400: err('Invalid filter'), 403: err('Area outside your scope') },
    }),
    async (c) => c.json(await listProcedures(ctxOf(c), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['procedures'],
      summary: 'Start a status procedure on a household (识别纳入, 监测对象认定, 标注脱贫, 风险消除, 返贫, 再次纳入, 自然减少, 清退)',
      request: body(StartProcedureBody),
      responses: {
        201: json(ProcedureView, 'Started; waiting for 村级评议'),
        200: json(ProcedureView, 'Already started with this id (retry)'),
        400: err('Invalid fields or payload'),
        403: err('Outside your area or a role that cannot start procedures'),
        404: err('No such household'),
        409: err('Illegal transition, another open procedure, or a guard not met (named in the message)'),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const input = c.req.valid('json');
      const r = await startProcedure(ctx, input);
      const view = await getProcedure(ctx, r.id);
      return r.created ? c.json(view, 201) : c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['procedures'],
      summary: 'One procedure with its sign-off steps and the actions the caller may take',
      request: { params: ProcedureIdParam },
      responses: { 200: json(ProcedureView, 'The procedure'), 403: err('Outside your area'), 404: err('No such procedure') },
    }),
    async (c) => c.json(await getProcedure(ctxOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/steps',
      tags: ['procedures'],
      summary: 'Sign off (approve), reject or withdraw; during 村内公示 also record (object) and answer objections',
      description:
        'Chain: 村级评议 (village cadre; note = appraisal result) → 村内公示 (7 full days; objections answered) → ' +
        '乡镇审核 (township officer) → 县级审定 (county official; applies the change to the household).',
      request: { params: ProcedureIdParam, ...body(StepBody) },
      responses: {
        200: json(ProcedureView, 'The procedure after the step'),
        400: err('Invalid fields'),
        403: err('Wrong role for this stage, outside your area, or a read-only role'),
        404: err('No such procedure'),
        409: err('Closed, stale version, notice still running, objections open, or a guard no longer met'),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      await takeStep(ctx, id, input);
      return c.json(await getProcedure(ctx, id), 200);
    },
  );

export const countySettingsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/{countyCode}/years',
      tags: ['county-settings'],
      summary: 'Every year a county has set: lines (integer fen), medical threshold, months before 风险消除',
      request: { params: CountyParam },
      responses: { 200: json(CountySettingsList, 'The years, latest first'), 403: err('Another county') },
    }),
    async (c) => c.json(await listCountySettings(ctxOf(c), c.req.valid('param').countyCode), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{countyCode}/years/{year}',
      tags: ['county-settings'],
      summary: 'Poverty line and monitoring line of a county for a year (integer fen per capita per year)',
      request: { params: CountyYearParam },
      responses: { 200: json(CountySettingsView, 'The settings'), 403: err('Another county'), 404: err('Not set for this year') },
    }),
    async (c) => {
      const { countyCode, year } = c.req.valid('param');
      return c.json(await getCountySettings(ctxOf(c), countyCode, year), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/{countyCode}/years/{year}',
      tags: ['county-settings'],
      summary: 'Create (no version) or change (with version) a county’s lines for a year — county office only; audited',
      request: { params: CountyYearParam, ...body(CountySettingsBody) },
      responses: {
        200: json(CountySettingsView, 'The saved settings'),
        400: err('Invalid fields'),
        403: err('Not the county office of this county'),
        409: err('Exists already (send version) or stale version'),
      },
    }),
    async (c) => {
      const { countyCode, year } = c.req.valid('param');
      const input = c.req.valid('json');
      return c.json(await putCountySettings(ctxOf(c), countyCode, year, input), 200);
    },
  );
