// A project's attachments and photos (项目影音, docs/domain/projects-funds.md): documents (批复文件,
// 合同, 验收报告, 报账凭证 … scans as PDF or image, a kind and a title) and dated, geotagged photos by
// stage (实施前 / 实施中 / 实施后). The bytes go to the county's content-addressed store
// (files/files.ts, shared with the card's photos), the upload is streamed by the route after
// assertMayAddMedia (api/http/upload.ts), the real type is sniffed from the bytes.
//
// Who adds: whoever acts on the project in its current state — the drafters at 村申报, the reviewers
// at their review, the county during the notice, the implementing township at 实施 (progress
// photos), the acceptors at 验收 … (the chain's permissions, api/shared/project-chain.ts) — inside
// their area. Who reads: project.read in the area. Removal (same people) is a soft removal with a
// reason; every add and removal is audited. Must never: delete a row or a blob, or log file content.
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import type { DbOrTrx } from '../../db/schema.ts';
import { Forbidden, Invalid, NotFound } from '../../errors.ts';
import { can } from '../../shared/permissions.ts';
import { actionsFrom, chainStep, PROJECT_EN, type ProjectState } from '../../shared/project-chain.ts';
import type { Role } from '../../shared/roles.ts';
import { recordAudit } from '../audit/audit.ts';
import { type Masker, maskerFor } from '../auth/personal-data.ts';
import { readBlob, sniffDocument, sniffImage, storeBlob } from '../files/files.ts';
import type { AttachmentKind, PhotoStage } from './code-lists.ts';
import { readOwn } from './projects.ts';
import * as q from './queries.ts';
import type { AttachmentUpload, MediaRemoval, ProjectPhotoUpload } from './schema.ts';

export type AttachmentInput = Omit<z.output<typeof AttachmentUpload>, 'file'>;
export type PhotoInput = Omit<z.output<typeof ProjectPhotoUpload>, 'file'>;
export type RemovalInput = z.output<typeof MediaRemoval>;

/** How far ahead of the server's clock a photo's time may be (a tablet's clock runs a little fast). */
const CLOCK_SLACK_MS = 24 * 60 * 60 * 1000;

/**
 * Whether `role` may add media to a project at `state`: at 村申报 those who draft, after that those
 * who take one of the state's steps (withdrawing is not editing). End states take nothing.
 */
export function mayAddMedia(role: Role | null | undefined, state: ProjectState): boolean {
  if (state === '村申报') return can(role, 'project.create');
  return actionsFrom(state).some((a) => {
    const s = chainStep(state, a);
    return a !== 'withdraw' && !!s && can(role, s.permission);
  });
}

const stateParams = (state: string) => ({ stateZh: state, stateEn: PROJECT_EN[state] ?? state });

/** The project's area and state for a write: 404 / 403 (audited, outside the area) / 403 (not at this state). */
async function projectForWrite(db: DbOrTrx, ctx: Ctx, projectId: string, lock: boolean) {
  const area = await q.projectArea(db, projectId);
  if (!area) throw NotFound('project.notFound', { id: projectId });
  ctx.scope.assertCanWrite(area.village_code, 'project', projectId);
  const p = lock ? await q.lockProject(db, projectId) : await q.findProject(db, ctx.scope, projectId);
  if (!p) throw NotFound('project.notFound', { id: projectId });
  if (!mayAddMedia(ctx.scope.role, p.state as ProjectState)) throw Forbidden('media.cannotAdd', stateParams(p.state));
  return { id: projectId, county_code: p.county_code, village_code: p.village_code, state: p.state };
}

/** Checked by the upload route before a byte of the file is read. */
export async function assertMayAddMedia(ctx: Ctx, projectId: string): Promise<void> {
  await projectForWrite(ctx.db, ctx, projectId, false);
}

/** The client's file name (upload.ts keeps its base name) as a download name: no control characters, at most 200 characters. */
function cleanFileName(name: string | undefined, fallback: string): string {
  const printable = [...(name ?? '')].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f).join('');
  return printable.trim().slice(0, 200) || fallback;
}

const iso = (d: Date | string) => new Date(d).toISOString();

// What people typed (file name, title, caption) is free text: an ID number or mobile in it is masked
// like any note (maskText), for every reader including the uploader.
const maskOf = (ctx: Ctx): Masker => maskerFor({ role: ctx.scope.role, inArea: true });

function common(r: q.MediaRow, mask: Masker) {
  return {
    id: r.id,
    fileName: mask.text(r.file_name) as string,
    contentType: r.content_type,
    byteSize: Number(r.byte_size),
    sha256: r.sha256,
    addedByName: r.added_by_name,
    addedByRole: r.added_by_role,
    addedAt: iso(r.added_at),
  };
}

const photoView = (r: q.MediaRow, mask: Masker) => ({
  ...common(r, mask),
  stage: r.stage as PhotoStage,
  takenAt: iso(r.taken_at as Date),
  lon: Number(r.lon),
  lat: Number(r.lat),
  caption: mask.text(r.caption),
});

const attachmentView = (r: q.MediaRow, mask: Masker) => ({ ...common(r, mask), kind: r.kind as AttachmentKind, title: mask.text(r.title) as string });

interface NewMedia {
  media: 'attachment' | 'photo';
  bytes: Uint8Array;
  fileName: string;
  contentType: string;
  fields: Omit<
    q.MediaValues,
    | 'project_id'
    | 'county_code'
    | 'media'
    | 'file_name'
    | 'content_type'
    | 'byte_size'
    | 'sha256'
    | 'storage_key'
    | 'added_by'
    | 'added_by_name'
    | 'added_by_role'
    | 'added_at'
  >;
  audited: Record<string, unknown>;
}

/** Stores the bytes and the row under the project's lock (its state is checked again there) and audits it. */
async function addMedia(ctx: Ctx, projectId: string, m: NewMedia) {
  return inTransaction(ctx, async (trx, tctx) => {
    const p = await projectForWrite(trx, tctx, projectId, true);
    const file = await storeBlob(trx, p.county_code, m.bytes);
    const { id } = await q.insertMedia(trx, {
      project_id: projectId,
      county_code: p.county_code,
      media: m.media,
      ...m.fields,
      file_name: m.fileName,
      content_type: m.contentType,
      byte_size: file.byteSize,
      sha256: file.sha256,
      storage_key: file.storageKey,
      added_by: ctx.actor.id,
      added_by_name: ctx.actor.name,
      added_by_role: ctx.actor.role,
      added_at: ctx.now,
    });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: `project.${m.media}.add`,
      entity: 'project_media',
      entityId: id,
      subjectId: projectId,
      areaCode: p.village_code,
      after: { ...m.audited, fileName: m.fileName, contentType: m.contentType, byteSize: file.byteSize, sha256: file.sha256, projectState: p.state },
      origin: ctx.origin,
    });
    return (await q.findMedia(trx, projectId, id)) as q.MediaRow;
  });
}

/** Adds a document (PDF, JPEG, PNG or WebP by its bytes; anything else → 400 naming `file`). */
export async function addAttachment(ctx: Ctx, projectId: string, bytes: Uint8Array, clientName: string | undefined, input: AttachmentInput) {
  const contentType = sniffDocument(bytes);
  if (!contentType) throw Invalid([{ path: 'file', key: 'media.type', params: { types: 'PDF, JPEG, PNG, WebP' } }]);
  const row = await addMedia(ctx, projectId, {
    media: 'attachment',
    bytes,
    fileName: cleanFileName(clientName, input.title),
    contentType,
    fields: { kind: input.kind, title: input.title },
    audited: { kind: input.kind, title: input.title },
  });
  return attachmentView(row, maskOf(ctx));
}

/** Adds a photo (JPEG, PNG or WebP by its bytes) with its stage, time and place. */
export async function addProjectPhoto(ctx: Ctx, projectId: string, bytes: Uint8Array, clientName: string | undefined, input: PhotoInput) {
  const contentType = sniffImage(bytes);
  const fields = [];
  if (!contentType) fields.push({ path: 'file', key: 'media.type' as const, params: { types: 'JPEG, PNG, WebP' } });
  const takenAt = new Date(input.takenAt);
  if (takenAt.getTime() > ctx.now.getTime() + CLOCK_SLACK_MS) fields.push({ path: 'takenAt', key: 'media.takenInFuture' as const });
  if (fields.length || !contentType) throw Invalid(fields);
  const row = await addMedia(ctx, projectId, {
    media: 'photo',
    bytes,
    fileName: cleanFileName(clientName, 'photo'),
    contentType,
    fields: { stage: input.stage, taken_at: takenAt, lon: input.lon, lat: input.lat, caption: input.caption || null },
    audited: { stage: input.stage, takenAt: takenAt.toISOString(), lon: input.lon, lat: input.lat, caption: input.caption || null },
  });
  return photoView(row, maskOf(ctx));
}

/** The project's photos (by when they were taken) and attachments, and whether the caller may add. */
export async function listMedia(ctx: Ctx, projectId: string) {
  const p = await readOwn(ctx.db, ctx, projectId);
  const rows = await q.listMedia(ctx.db, projectId);
  const mask = maskOf(ctx);
  return {
    photos: rows.filter((r) => r.media === 'photo').map((r) => photoView(r, mask)),
    attachments: rows.filter((r) => r.media === 'attachment').map((r) => attachmentView(r, mask)),
    mayAdd: ctx.scope.canWrite && ctx.scope.covers(p.village_code) && mayAddMedia(ctx.scope.role, p.state as ProjectState),
  };
}

/** The file itself (project.read in the area): its stored type, hash, and a download name for documents. */
export async function getMediaFile(ctx: Ctx, projectId: string, mediaId: string) {
  await readOwn(ctx.db, ctx, projectId);
  const m = await q.findMedia(ctx.db, projectId, mediaId);
  if (!m) throw NotFound('media.notFound', { id: mediaId });
  const bytes = await readBlob(ctx.db, m.storage_key);
  if (!bytes) throw NotFound('media.notFound', { id: mediaId });
  return {
    bytes,
    contentType: m.content_type,
    sha256: m.sha256,
    ...(m.media === 'attachment' ? { downloadName: maskOf(ctx).text(m.file_name) as string } : {}),
  };
}

/** Removes a photo or attachment from the project's lists (by those who may add; with a reason, audited). The row and bytes stay. */
export async function removeMedia(ctx: Ctx, projectId: string, mediaId: string, input: RemovalInput) {
  return inTransaction(ctx, async (trx, tctx) => {
    const p = await projectForWrite(trx, tctx, projectId, true);
    const m = await q.findMedia(trx, projectId, mediaId, true);
    if (!m) throw NotFound('media.notFound', { id: mediaId });
    const out = await q.removeMedia(trx, mediaId, ctx.actor, input.reason, ctx.now);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: `project.${m.media}.remove`,
      entity: 'project_media',
      entityId: mediaId,
      subjectId: projectId,
      areaCode: p.village_code,
      before: { media: m.media, kind: m.kind, title: m.title, stage: m.stage, caption: m.caption, sha256: m.sha256 },
      note: { reason: input.reason },
      origin: ctx.origin,
    });
    return { id: out.id, removedAt: iso(out.removed_at as Date) };
  });
}
