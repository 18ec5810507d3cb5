// Photos of a card (照片): uploaded as multipart (streamed to a temporary file after the route's
// scope check), sniffed for their real type, stored once per county and content (files/files.ts), audited.
// Photos that may show people are shown to, and deleted by, roles that see personal data only.
// Deletion is children.ts's deleteChild ('photos').
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import { AppError, Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { readBlob, sniffImage, storeBlob } from '../files/files.ts';
import { loadHousehold } from './households.ts';
import { assertMemberOfHousehold } from './members.ts';
import { isPersonalPhoto, seesPersonalData } from './privacy.ts';
import * as q from './queries.ts';
import type { PhotoUpload } from './schema/index.ts';
import { photoView } from './views.ts';

// ── Photos ──────────────────────────────────────────────────────────────────────────────────
// The size limit (DRIPLINE_MAX_PHOTO_BYTES) is the upload route's: the file is refused while it
// streams in (api/http/upload.ts).

/** Who may add a photo to this household — checked before the upload's body is read. */
export async function assertMayAddPhoto(ctx: Ctx, householdId: string) {
  await loadHousehold(ctx, householdId, 'write');
}

/** The upload form's fields besides the file. */
export type PhotoInput = Omit<z.infer<typeof PhotoUpload>, 'file'>;

export async function addPhoto(ctx: Ctx, householdId: string, bytes: Uint8Array, input: PhotoInput) {
  const contentType = sniffImage(bytes);
  if (!contentType) throw Invalid([{ path: 'file', key: 'photo.type' }]);
  return inTransaction(ctx, async (trx, tctx) => {
    const h = await loadHousehold(tctx, householdId, 'write');
    if (input.id && (await q.idExists(trx, 'photos', input.id))) throw Conflict('record.idTaken', { id: input.id });
    await assertMemberOfHousehold(trx, householdId, input.memberId);
    if (input.visitId && !(await q.findVisit(trx, householdId, input.visitId))) throw Invalid([{ path: 'visitId', key: 'record.notFound' }]);
    const { storageKey, sha256, byteSize } = await storeBlob(trx, h.county_code, bytes);
    const row = await q.insertRecord(trx, 'photos', {
      ...(input.id ? { id: input.id } : {}),
      household_id: householdId,
      county_code: h.county_code,
      visit_id: input.visitId ?? null,
      member_id: input.memberId ?? null,
      kind: input.kind,
      caption: input.caption ?? null,
      taken_at: input.takenAt ? new Date(input.takenAt) : null,
      location: input.lon !== undefined && input.lat !== undefined ? q.pointSql(input.lon, input.lat) : null,
      content_type: contentType,
      byte_size: byteSize,
      sha256,
      storage_key: storageKey,
    });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'photo.create',
      entity: 'photo',
      entityId: String(row.id),
      subjectId: householdId,
      areaCode: h.village_code,
      after: { kind: row.kind, caption: row.caption, sha256, byte_size: row.byte_size, version: row.version },
      origin: ctx.origin,
    });
    const full = (await q.listPhotos(trx, householdId)).find((p) => p.id === row.id);
    return photoView(full ?? row);
  });
}

/** The photo's bytes; photos that may show people only for roles that see personal data. */
export async function getPhoto(ctx: Ctx, householdId: string, photoId: string) {
  const { db, scope } = ctx;
  const h = await q.findHousehold(db, householdId);
  if (!h) throw NotFound('household.notFound', { id: householdId });
  scope.assertCovers(h.village_code, 'household', householdId);
  const p = await q.findChild(db, 'photos', householdId, photoId);
  if (!p) throw NotFound('record.notFound');
  if (isPersonalPhoto(String(p.kind)) && !seesPersonalData(scope.role)) {
    throw new AppError('FORBIDDEN', 'photo.notAllowed', {}, [], { audit: { code: h.village_code, entity: 'photo', entityId: photoId, kind: 'read' } });
  }
  const bytes = await readBlob(db, String(p.storage_key));
  if (!bytes) throw NotFound('record.notFound');
  return { bytes, contentType: String(p.content_type), sha256: String(p.sha256) };
}
