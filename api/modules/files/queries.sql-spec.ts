// SQL snapshot cases of files/queries.ts → api/queries/files.sql (docs/decisions/0019).
import { moduleSpec } from '../../queries/capture.ts';
import { COUNTY } from '../../queries/scopes.ts';
import * as q from './queries.ts';

export default moduleSpec('files', 'api/modules/files/queries.ts', q, {
  insertBlob: [{ run: (db) => q.insertBlob(db, { storage_key: `${COUNTY}/ab12`, county_code: COUNTY, bytes: new Uint8Array([1, 2, 3]) }) }],
  blobBytes: [{ run: (db) => q.blobBytes(db, `${COUNTY}/ab12`) }],
});
