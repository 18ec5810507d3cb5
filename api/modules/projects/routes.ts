// HTTP for the project library (/api/projects) and a household's projects
// (/api/households/{id}/projects). Validation and response shaping only; the rules are in
// projects.ts, the chain in api/shared/project-chain.ts, who may do what in the permission table.
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { body, err, json } from '../../http/openapi.ts';
import { requirePermission } from '../../http/permission.ts';
import { createRouter } from '../../http/router.ts';
import { fileResponse, sendDownload, XLSX } from '../../http/download.ts';
import { exportAnnualPlan, exportProjectList } from './projects-xlsx.ts';
import {
  annualPlan,
  approvalQueue,
  createProject,
  getProject,
  householdProjects,
  listProjects,
  projectFeatures,
  projectSteps,
  registerAssets,
  step,
  updateProject,
} from './projects.ts';
import {
  AnnualPlan,
  AssetsBody,
  CreateProjectBody,
  HouseholdIdParam,
  HouseholdProjects,
  PatchProjectBody,
  PlanQuery,
  ProjectDetail,
  ProjectFeatureCollection,
  ProjectFeaturesQuery,
  ProjectIdParam,
  ProjectExportQuery,
  ProjectList,
  ProjectListQuery,
  ProjectQueue,
  QueueQuery,
  ProjectStepList,
  StepBody,
} from './schema.ts';

export const projectsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/queue',
      tags: ['projects'],
      summary: 'The approval queue: projects in your area waiting for the step your role takes, the longest-waiting first',
      middleware: [requirePermission('project.read')] as const,
      request: { query: QueueQuery },
      responses: { 200: json(ProjectQueue, 'Waiting projects with the days they have waited'), 400: err('Bad paging') },
    }),
    async (c) => c.json(await approvalQueue(ctxOf(c), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/plan',
      tags: ['projects'],
      summary: '年度项目计划: the approved projects of a plan year in your area, with the budget by fund source (integer fen)',
      middleware: [requirePermission('project.read')] as const,
      request: { query: PlanQuery },
      responses: { 200: json(AnnualPlan, 'The plan'), 400: err('Invalid year') },
    }),
    async (c) => c.json(await annualPlan(ctxOf(c), c.req.valid('query').year), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/plan.xlsx',
      tags: ['projects'],
      summary: 'Excel export of the 年度项目计划 of a year (approved projects, budget by source, the ledger’s figures; audited)',
      middleware: [requirePermission('project.read')] as const,
      request: { query: PlanQuery },
      responses: { 200: fileResponse(XLSX, 'The workbook'), 400: err('Invalid year, or more projects than an export may hold') },
    }),
    async (c) => {
      const file = await exportAnnualPlan(ctxOf(c), c.req.valid('query').year);
      return sendDownload(c, file, XLSX);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/export.xlsx',
      tags: ['projects'],
      summary: 'Excel export of the project library with the list’s filters (every matching project up to a cap; audited)',
      middleware: [requirePermission('project.read')] as const,
      request: { query: ProjectExportQuery },
      responses: {
        200: fileResponse(XLSX, 'The workbook'),
        400: err('Invalid filter, or more projects than an export may hold'),
        403: err('Village outside your area'),
      },
    }),
    async (c) => {
      const file = await exportProjectList(ctxOf(c), c.req.valid('query'));
      return sendDownload(c, file, XLSX);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/features',
      tags: ['projects'],
      summary: 'The map layer: the located projects of your area as GeoJSON (filters as the list: state, type, plan year, covered village)',
      middleware: [requirePermission('project.read')] as const,
      request: { query: ProjectFeaturesQuery },
      responses: {
        200: json(ProjectFeatureCollection, 'A FeatureCollection; properties: id, name, type, state, plan year, budget, allocated and spent (fen)'),
        400: err('Invalid filter'),
        403: err('Village outside your area'),
      },
    }),
    async (c) => c.json(await projectFeatures(ctxOf(c), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['projects'],
      summary: 'Projects in your area, newest first (filters: state, type, plan year, covered village)',
      middleware: [requirePermission('project.read')] as const,
      request: { query: ProjectListQuery },
      responses: { 200: json(ProjectList, 'A page of projects'), 400: err('Invalid filter'), 403: err('Village outside your area') },
    }),
    async (c) => c.json(await listProjects(ctxOf(c), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['projects'],
      summary: 'Draft a project (村申报): villages (lead first), type, plan year, geometry, budget by fund source, beneficiaries',
      middleware: [requirePermission('project.create', 'project.cannotCreate')] as const,
      request: body(CreateProjectBody),
      responses: {
        201: json(ProjectDetail, 'Drafted; waiting for 村申报 (submit)'),
        400: err('Invalid fields: amounts, villages, a geometry invalid or outside the villages, beneficiaries not of the villages'),
        403: err('A role that cannot draft, or a village outside your area'),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const { id } = await createProject(ctx, c.req.valid('json'));
      return c.json(await getProject(ctx, id), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['projects'],
      summary: 'One project: villages, budget, beneficiaries, assets, steps, ledger figures and what you may do now',
      middleware: [requirePermission('project.read')] as const,
      request: { params: ProjectIdParam },
      responses: { 200: json(ProjectDetail, 'The project'), 403: err('Outside your area'), 404: err('No such project') },
    }),
    async (c) => c.json(await getProject(ctxOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      tags: ['projects'],
      summary: 'Revise a draft (村申报 only): a field left out stays; a list given replaces the list; version required',
      middleware: [requirePermission('project.create', 'project.cannotCreate')] as const,
      request: { params: ProjectIdParam, ...body(PatchProjectBody) },
      responses: {
        200: json(ProjectDetail, 'The revised project'),
        400: err('Invalid fields'),
        403: err('Outside your area or a role that cannot revise'),
        404: err('No such project'),
        409: err('Not a draft any more, or a stale version'),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const { id } = c.req.valid('param');
      await updateProject(ctx, id, c.req.valid('json'));
      return c.json(await getProject(ctx, id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/steps',
      tags: ['projects'],
      summary: 'The project’s step log, oldest first',
      middleware: [requirePermission('project.read')] as const,
      request: { params: ProjectIdParam },
      responses: { 200: json(ProjectStepList, 'The steps'), 403: err('Outside your area'), 404: err('No such project') },
    }),
    async (c) => c.json(await projectSteps(ctxOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/steps',
      tags: ['projects'],
      summary: 'Take a step of the approval chain',
      description:
        '村申报 (submit, withdraw: village cadre) → 乡镇审核 (approve, return, reject: township officer) → 县级审定 (approve = 入库, return, reject: ' +
        'county official) → 公告公示 (object, answer, approve after 10 days with every objection answered: county official) → 实施 ' +
        '(progress, approve: township officer) → 验收 (approve: township officer or county official) → 资产移交 (approve with at least one ' +
        'asset: county official) → 绩效评价 (approve: county official) → 已完成. Return and reject need the reason (note); withdraw is ' +
        'possible until 县级审定. An illegal step is refused with 409 and details.allowed.',
      request: { params: ProjectIdParam, ...body(StepBody) },
      responses: {
        200: json(ProjectDetail, 'The project after the step'),
        400: err('A required reason or text missing, or invalid fields'),
        403: err('Your role does not take this step, or the project is outside your area'),
        404: err('No such project'),
        409: err('Not a step of the current state (details.allowed), stale version, notice running, objections open, no assets'),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const { id } = c.req.valid('param');
      await step(ctx, id, c.req.valid('json'));
      return c.json(await getProject(ctx, id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/assets',
      tags: ['projects'],
      summary: 'Register assets (确权) at 资产移交: kind, value, owner, manager, and the household for 到户类',
      middleware: [requirePermission('project.handover')] as const,
      request: { params: ProjectIdParam, ...body(AssetsBody) },
      responses: {
        201: json(ProjectDetail, 'The project with its assets'),
        400: err('Invalid fields'),
        403: err('Not the county office of this project'),
        404: err('No such project'),
        409: err('Not at 资产移交, or a stale version'),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const { id } = c.req.valid('param');
      await registerAssets(ctx, id, c.req.valid('json'));
      return c.json(await getProject(ctx, id), 201);
    },
  );

/** Mounted at /api/households beside the households module's own routes. */
export const householdProjectsRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/{id}/projects',
    tags: ['projects'],
    summary: 'The projects benefiting a household (带贫益贫) and its 到户 payments, for its card',
    middleware: [requirePermission('project.read')] as const,
    request: { params: HouseholdIdParam },
    responses: { 200: json(HouseholdProjects, 'Projects and payments'), 403: err('Outside your area'), 404: err('No such household') },
  }),
  async (c) => c.json(await householdProjects(ctxOf(c), c.req.valid('param').id), 200),
);
