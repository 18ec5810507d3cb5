// Stored files (the county's content-addressed blob store): the bytes of the card's photos and of
// the projects' attachments and photos, kept once per county and content (the key is
// county/sha256, so the same scan uploaded twice is stored once and never crosses a county), and
// the sniffing of a file's real type from its first bytes (the declared type is not trusted).
// Used inside the caller's transaction; access checks and audit are the caller's (households
// photos.ts, projects media.ts). Must never: decide who may read a file, or delete one.
import { createHash } from 'node:crypto';
import type { DbOrTrx } from '../../db/schema.ts';
import { PHOTO_CONTENT_TYPES } from '../../shared/code-lists.ts';
import * as q from './queries.ts';

/** The images the card and the projects take (the card's code list). */
export const IMAGE_TYPES = PHOTO_CONTENT_TYPES;
export const DOCUMENT_TYPES = ['application/pdf', ...IMAGE_TYPES] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The image type from the file's first bytes (JPEG, PNG, WebP), or undefined. */
export function sniffImage(b: Uint8Array): ImageType | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (String.fromCharCode(...b.slice(0, 4)) === 'RIFF' && String.fromCharCode(...b.slice(8, 12)) === 'WEBP') return 'image/webp';
  return undefined;
}

/** A document's type: PDF (`%PDF-` at the start) or one of the images, or undefined. */
export function sniffDocument(b: Uint8Array): DocumentType | undefined {
  if (String.fromCharCode(...b.slice(0, 5)) === '%PDF-') return 'application/pdf';
  return sniffImage(b);
}

export interface StoredFile {
  storageKey: string;
  sha256: string;
  byteSize: number;
}

/** Stores the bytes for the county (once per content); returns where they are. */
export async function storeBlob(db: DbOrTrx, countyCode: string, bytes: Uint8Array): Promise<StoredFile> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const storageKey = `${countyCode}/${sha256}`;
  await q.insertBlob(db, { storage_key: storageKey, county_code: countyCode, bytes });
  return { storageKey, sha256, byteSize: bytes.byteLength };
}

/** The stored bytes, or undefined. */
export async function readBlob(db: DbOrTrx, storageKey: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const row = await q.blobBytes(db, storageKey);
  return row ? new Uint8Array(row.bytes) : undefined;
}
