// SQL of the county's blob store (photo_blobs: the card's photos and the projects' media).
import type { DbOrTrx } from '../../db/schema.ts';

/** Stores a file's bytes once per county and content (the key is county/sha256). */
export const insertBlob = (db: DbOrTrx, blob: { storage_key: string; county_code: string; bytes: Uint8Array }) =>
  db
    .insertInto('photo_blobs')
    .values(blob)
    .onConflict((oc) => oc.column('storage_key').doNothing())
    .execute();

export const blobBytes = (db: DbOrTrx, storageKey: string) =>
  db.selectFrom('photo_blobs').select('bytes').where('storage_key', '=', storageKey).executeTakeFirst();
