// HTTP for a project's attachments and photos (mounted at /api/projects beside routes.ts):
// uploads streamed to a temporary file after the role, area and state check (nothing of the body
// is read before it), the list, the bytes, and a removal with its reason. The rules are media.ts's.
import { createRoute, z } from '@hono/zod-openapi';
import { Invalid } from '../../errors.ts';
import { ctxOf } from '../../http/context.ts';
import { body, ErrorResponse, err, json } from '../../http/openapi.ts';
import { requirePermission } from '../../http/permission.ts';
import { createRouter } from '../../http/router.ts';
import { fileUpload, sendFile, uploadedBytes } from '../../http/upload.ts';
import { addAttachment, addProjectPhoto, assertMayAddMedia, getMediaFile, listMedia, removeMedia } from './media.ts';
import {
  AttachmentUpload,
  MediaParam,
  MediaRemoval,
  MediaRemoved,
  ProjectAttachmentView,
  ProjectIdParam,
  ProjectMediaList,
  ProjectPhotoUpload,
  ProjectPhotoView,
} from './schema.ts';

/** The project, the caller's role and area and the project's state, before a byte of the file is read. */
const upload = fileUpload({
  maxBytes: (c) => c.var.config.limits.photoBytes,
  tooLargeKey: 'media.tooLarge',
  authorize: async (c) => {
    const id = c.req.param('id') ?? '';
    if (!ProjectIdParam.shape.id.safeParse(id).success) throw Invalid([{ path: 'id', key: 'field.format' }]);
    await assertMayAddMedia(ctxOf(c), id);
  },
});

const uploadErrors = {
  400: err('Invalid field (each named), or a file whose content is not an accepted type'),
  403: err('Not your area, or not your step at the project’s state'),
  404: err('No such project'),
  413: json(ErrorResponse, 'The file is over DRIPLINE_MAX_PHOTO_BYTES'),
};

export const projectMediaRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/media',
      tags: ['projects'],
      summary: 'The project’s photos (by time taken) and attachments, and whether you may add now',
      middleware: [requirePermission('project.read')] as const,
      request: { params: ProjectIdParam },
      responses: { 200: json(ProjectMediaList, 'Photos and attachments'), 403: err('Outside your area'), 404: err('No such project') },
    }),
    async (c) => c.json(await listMedia(ctxOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/attachments',
      tags: ['projects'],
      summary: 'Attach a document (multipart: file — PDF, JPEG, PNG or WebP by content —, kind, title)',
      middleware: [requirePermission('project.read'), upload] as const,
      request: { params: ProjectIdParam, body: { content: { 'multipart/form-data': { schema: AttachmentUpload } }, required: true } },
      responses: { 201: json(ProjectAttachmentView, 'The attachment'), ...uploadErrors },
    }),
    async (c) => {
      const { file: _f, ...meta } = c.req.valid('form');
      const bytes = await uploadedBytes(c, 'media.fileRequired');
      return c.json(await addAttachment(ctxOf(c), c.req.valid('param').id, bytes, c.var.upload.file?.name, meta), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/photos',
      tags: ['projects'],
      summary: 'Add a photo (multipart: file — JPEG, PNG or WebP —, stage 实施前/实施中/实施后, takenAt, lon, lat, caption)',
      middleware: [requirePermission('project.read'), upload] as const,
      request: { params: ProjectIdParam, body: { content: { 'multipart/form-data': { schema: ProjectPhotoUpload } }, required: true } },
      responses: { 201: json(ProjectPhotoView, 'The photo'), ...uploadErrors },
    }),
    async (c) => {
      const { file: _f, ...meta } = c.req.valid('form');
      const bytes = await uploadedBytes(c, 'media.fileRequired');
      return c.json(await addProjectPhoto(ctxOf(c), c.req.valid('param').id, bytes, c.var.upload.file?.name, meta), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/media/{mediaId}',
      tags: ['projects'],
      summary: 'The file itself: a photo inline, a document as a download',
      middleware: [requirePermission('project.read')] as const,
      request: { params: MediaParam },
      responses: {
        200: { content: { 'application/pdf': { schema: z.any() }, 'image/*': { schema: z.any() } }, description: 'The file' },
        304: { description: 'Unchanged (If-None-Match)' },
        403: err('Outside your area'),
        404: err('No such project, photo or attachment'),
      },
    }),
    async (c) => {
      const { id, mediaId } = c.req.valid('param');
      return sendFile(c, await getMediaFile(ctxOf(c), id, mediaId));
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/media/{mediaId}/removal',
      tags: ['projects'],
      summary: 'Remove a photo or attachment from the lists, with a reason (audited; the file is kept)',
      middleware: [requirePermission('project.read')] as const,
      request: { params: MediaParam, ...body(MediaRemoval) },
      responses: {
        200: json(MediaRemoved, 'Removed'),
        400: err('No reason'),
        403: err('Not your area, or not your step at the project’s state'),
        404: err('No such project, photo or attachment'),
      },
    }),
    async (c) => {
      const { id, mediaId } = c.req.valid('param');
      return c.json(await removeMedia(ctxOf(c), id, mediaId, c.req.valid('json')), 200);
    },
  );
