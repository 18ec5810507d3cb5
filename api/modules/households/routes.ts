// HTTP for the household card (一户一卡), mounted at /api/households, and village work teams at
// /api/work-teams. HTTP only: validate (zod, 400 naming each field), call the domain, shape the
// response. Access, transactions and audit happen in the domain functions, given the request
// context ctxOf(c) (api/context.ts).
import { createRoute, z } from '@hono/zod-openapi';
import { Invalid } from '../../errors.ts';
import { ctxOf } from '../../http/context.ts';
import { body, ErrorResponse, err, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { fileUpload, sendFile, uploadedBytes } from '../../http/upload.ts';
import { getCard, getHistory, listHouseholds, reveal, revealHistoryValue, updateContact, updateHousehold } from './households.ts';
import { registerCandidate } from './candidates.ts';
import { cadreSpec, createChild, deleteChild, measureSpec, updateChild, visitSpec } from './children.ts';
import { addMember, deleteMember, updateMember } from './members.ts';
import { addPhoto, assertMayAddPhoto, getPhoto } from './photos.ts';
import { createWorkTeam, listWorkTeams, updateWorkTeam } from './work-teams.ts';
import { putYear } from './years.ts';
import {
  CadreCreate,
  CadrePatch,
  CadreView,
  CandidateCreate,
  CandidateCreated,
  ContactPatch,
  Deleted,
  HistoryEntryParam,
  HistoryResponse,
  HistoryRevealRequest,
  HistoryRevealResponse,
  HouseholdIdParam,
  HouseholdList,
  HouseholdListQuery,
  HouseholdPatch,
  HouseholdView,
  LIST_COUNT_LIMIT,
  MeasureCreate,
  MeasurePatch,
  MeasureView,
  MemberCreate,
  MemberParam,
  MemberPatch,
  MemberView,
  PhotoParam,
  PhotoUpload,
  PhotoView,
  RecordParam,
  RevealRequest,
  RevealResponse,
  VersionQuery,
  VisitCreate,
  VisitPatch,
  VisitView,
  WorkTeamCreate,
  WorkTeamList,
  WorkTeamParam,
  WorkTeamPatch,
  WorkTeamQuery,
  WorkTeamView,
  YearParam,
  YearPut,
  YearView,
} from './schema/index.ts';

const readErrors = { 403: err('Outside your area'), 404: err('No such household or record') };
const writeErrors = {
  400: err('Invalid fields (field-level messages)'),
  403: err('Outside your area or read-only role'),
  404: err('No such household or record'),
  409: err('Out-of-date version (details.currentVersion), id in use, or person in another household'),
};

/** The three child collections share their routes. */
// Inside the generic helper the validated types cannot be inferred; the schemas above enforce them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
const valid = (c: { req: { valid: unknown } }, target: 'param' | 'json' | 'query') => (c.req.valid as (t: string) => any)(target);

function childRoutes<N extends 'cadres' | 'measures' | 'visits', C extends z.ZodType, P extends z.ZodType, V extends z.ZodType>(
  path: N,
  spec: Parameters<typeof createChild>[2],
  schemas: { create: C; patch: P; view: V },
  tag = 'households',
) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: `/{id}/${path}`,
        tags: [tag],
        summary: `Add a ${path.slice(0, -1)} (client may supply its UUID)`,
        request: { params: HouseholdIdParam, ...body(schemas.create) },
        responses: { 201: json(schemas.view, 'Created'), ...writeErrors },
      }),
      async (c) => {
        const out = await createChild(ctxOf(c), valid(c, 'param').id, spec, valid(c, 'json'));
        return c.json(out as z.infer<V>, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: `/{id}/${path}/{recordId}`,
        tags: [tag],
        summary: `Edit a ${path.slice(0, -1)} (with version)`,
        request: { params: RecordParam, ...body(schemas.patch) },
        responses: { 200: json(schemas.view, 'Updated'), ...writeErrors },
      }),
      async (c) => {
        const { id, recordId } = valid(c, 'param');
        const patch = valid(c, 'json');
        return c.json((await updateChild(ctxOf(c), id, spec, recordId, patch)) as z.infer<V>, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: `/{id}/${path}/{recordId}`,
        tags: [tag],
        summary: `Soft-delete a ${path.slice(0, -1)} (?version= checks staleness)`,
        request: { params: RecordParam, query: VersionQuery },
        responses: { 200: json(Deleted, 'Deleted'), ...writeErrors },
      }),
      async (c) => {
        const { id, recordId } = valid(c, 'param');
        const out = await deleteChild(ctxOf(c), id, spec.table, spec.entity, recordId, valid(c, 'query').version);
        return c.json(out, 200);
      },
    );
}

export const householdsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['households'],
      summary: 'Households in the caller’s area: filters, search (name, pinyin initials, ID number, 户编号), pages',
      request: { query: HouseholdListQuery },
      responses: { 200: json(HouseholdList, 'A page of households'), 400: err('Invalid filter'), 403: err('Outside your area') },
    }),
    async (c) => {
      const { exactTotal, ...filter } = c.req.valid('query');
      return c.json(await listHouseholds(ctxOf(c), { ...filter, countLimit: exactTotal ? undefined : LIST_COUNT_LIMIT }), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['households'],
      summary: '登记待识别农户: a household not yet in the registry, with its 户主, in the state 待识别 (识别纳入 starts from it)',
      request: body(CandidateCreate),
      responses: { 201: json(CandidateCreated, 'Registered'), ...writeErrors },
    }),
    async (c) => c.json(await registerCandidate(ctxOf(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['households'],
      summary: 'The full card: household, members, years, cadres, measures, visits, photos, work teams (masked per role)',
      request: { params: HouseholdIdParam },
      responses: { 200: json(HouseholdView, 'The card'), ...readErrors },
    }),
    async (c) => c.json(await getCard(ctxOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      tags: ['households'],
      summary: 'Edit the household’s non-status fields (status changes only through procedures)',
      request: { params: HouseholdIdParam, ...body(HouseholdPatch) },
      responses: { 200: json(HouseholdView, 'The updated card'), ...writeErrors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await updateHousehold(ctxOf(c), id, c.req.valid('json'));
      return c.json(await getCard(ctxOf(c), id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/{id}/contact',
      tags: ['households'],
      summary: 'Edit address, 村民小组 and phone (optimistic version check)',
      request: { params: HouseholdIdParam, ...body(ContactPatch) },
      responses: { 200: json(HouseholdView, 'The updated card'), ...writeErrors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await updateContact(ctxOf(c), id, c.req.valid('json'));
      return c.json(await getCard(ctxOf(c), id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/members',
      tags: ['households'],
      summary: 'Add a member (birth date and sex from the ID number; one household per person; one 户主)',
      request: { params: HouseholdIdParam, ...body(MemberCreate) },
      responses: { 201: json(MemberView, 'The member (masked)'), ...writeErrors },
    }),
    async (c) => {
      const out = await addMember(ctxOf(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json(out, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/{id}/members/{memberId}',
      tags: ['households'],
      summary: 'Edit a member (with version); making a member 户主 needs previousHeadRelation',
      request: { params: MemberParam, ...body(MemberPatch) },
      responses: { 200: json(MemberView, 'The member (masked)'), ...writeErrors },
    }),
    async (c) => {
      const { id, memberId } = c.req.valid('param');
      const out = await updateMember(ctxOf(c), id, memberId, c.req.valid('json'));
      return c.json(out, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/{id}/members/{memberId}',
      tags: ['households'],
      summary: 'Soft-delete a member (not the 户主; ?version= checks staleness)',
      request: { params: MemberParam, query: VersionQuery },
      responses: { 200: json(Deleted, 'Deleted'), ...writeErrors },
    }),
    async (c) => {
      const { id, memberId } = c.req.valid('param');
      const out = await deleteMember(ctxOf(c), id, memberId, c.req.valid('query').version);
      return c.json(out, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/{id}/years/{year}',
      tags: ['households'],
      summary: 'Create or update one 收入年度 snapshot: conditions, income (fen), guarantees (version required when it exists)',
      request: { params: YearParam, ...body(YearPut) },
      responses: { 200: json(YearView, 'The snapshot with computed per-capita income'), ...writeErrors },
    }),
    async (c) => {
      const { id, year } = c.req.valid('param');
      const out = await putYear(ctxOf(c), id, year, c.req.valid('json'));
      return c.json(out, 200);
    },
  )
  .route('/', childRoutes('cadres', cadreSpec, { create: CadreCreate, patch: CadrePatch, view: CadreView }))
  .route('/', childRoutes('measures', measureSpec, { create: MeasureCreate, patch: MeasurePatch, view: MeasureView }))
  .route('/', childRoutes('visits', visitSpec, { create: VisitCreate, patch: VisitPatch, view: VisitView }))
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/photos',
      tags: ['households'],
      summary: 'Upload a photo (multipart: file, kind, caption, takenAt, visitId, memberId, lon, lat)',
      middleware: [
        fileUpload({
          maxBytes: (c) => c.var.config.limits.photoBytes,
          tooLargeKey: 'photo.tooLarge',
          // The household and the caller's right to write to it, before a byte of the photo is read.
          authorize: async (c) => {
            const id = c.req.param('id') ?? '';
            if (!HouseholdIdParam.shape.id.safeParse(id).success) throw Invalid([{ path: 'id', key: 'field.format' }]);
            await assertMayAddPhoto(ctxOf(c), id);
          },
        }),
      ] as const,
      request: { params: HouseholdIdParam, body: { content: { 'multipart/form-data': { schema: PhotoUpload } }, required: true } },
      responses: { 201: json(PhotoView, 'Photo metadata'), 413: json(ErrorResponse, 'The photo is over DRIPLINE_MAX_PHOTO_BYTES'), ...writeErrors },
    }),
    async (c) => {
      const form = c.req.valid('form');
      // At most DRIPLINE_MAX_PHOTO_BYTES, kept in the database as it is.
      const bytes = await uploadedBytes(c, 'photo.fileRequired');
      const { file: _f, ...meta } = form;
      const out = await addPhoto(ctxOf(c), c.req.valid('param').id, bytes, meta);
      return c.json(out, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/photos/{photoId}',
      tags: ['households'],
      summary: 'The photo itself (photos that may show people: roles that see personal data only)',
      request: { params: PhotoParam },
      responses: { 200: { content: { 'image/*': { schema: z.any() } }, description: 'The image' }, ...readErrors },
    }),
    async (c) => {
      const { id, photoId } = c.req.valid('param');
      return sendFile(c, await getPhoto(ctxOf(c), id, photoId));
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/{id}/photos/{photoId}',
      tags: ['households'],
      summary: 'Soft-delete a photo',
      request: { params: PhotoParam, query: VersionQuery },
      responses: { 200: json(Deleted, 'Deleted'), ...writeErrors },
    }),
    async (c) => {
      const { id, photoId } = c.req.valid('param');
      const out = await deleteChild(ctxOf(c), id, 'photos', 'photo', photoId, c.req.valid('query').version);
      return c.json(out, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/reveal',
      tags: ['households'],
      summary: 'Reveal one ID number, phone or bank account (audited; roles that need personal data only)',
      request: { params: HouseholdIdParam, ...body(RevealRequest) },
      responses: { 200: json(RevealResponse, 'The unmasked value'), ...writeErrors },
    }),
    async (c) => {
      const out = await reveal(ctxOf(c), c.req.valid('param').id, c.req.valid('json'));
      c.header('cache-control', 'no-store');
      return c.json(out, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/history',
      tags: ['households'],
      summary: 'Every version of the card and its records (audited diffs, personal data masked) and every procedure step',
      request: { params: HouseholdIdParam },
      responses: { 200: json(HistoryResponse, 'History, newest first'), ...readErrors },
    }),
    async (c) => c.json(await getHistory(ctxOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/history/{entryId}/reveal',
      tags: ['households'],
      summary: 'Reveal one masked ID number, phone or bank account of a history entry (audited; roles that need personal data only)',
      request: { params: HistoryEntryParam, ...body(HistoryRevealRequest) },
      responses: { 200: json(HistoryRevealResponse, 'The unmasked value'), ...writeErrors },
    }),
    async (c) => {
      const { id, entryId } = c.req.valid('param');
      const out = await revealHistoryValue(ctxOf(c), id, entryId, c.req.valid('json'));
      c.header('cache-control', 'no-store');
      return c.json(out, 200);
    },
  );

export const workTeamsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['work-teams'],
      summary: '驻村工作队 in the caller’s area (or one village)',
      request: { query: WorkTeamQuery },
      responses: { 200: json(WorkTeamList, 'Work teams'), 400: err('Invalid filter'), 403: err('Outside your area') },
    }),
    async (c) => c.json(await listWorkTeams(ctxOf(c), c.req.valid('query').village), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['work-teams'],
      summary: 'Create a village work team',
      request: body(WorkTeamCreate),
      responses: { 201: json(WorkTeamView, 'Created'), ...writeErrors },
    }),
    async (c) => c.json(await createWorkTeam(ctxOf(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      tags: ['work-teams'],
      summary: 'Edit a village work team (with version)',
      request: { params: WorkTeamParam, ...body(WorkTeamPatch) },
      responses: { 200: json(WorkTeamView, 'Updated'), ...writeErrors },
    }),
    async (c) => {
      const out = await updateWorkTeam(ctxOf(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json(out, 200);
    },
  );
