// SQL snapshot cases of datasets/queries.ts → api/queries/datasets.sql (docs/decisions/0019).
import { answer, moduleSpec } from '../../queries/capture.ts';
import { COUNTY, ID, ID2 } from '../../queries/scopes.ts';
import * as q from './queries.ts';

const facts: q.VersionFacts = {
  countyCode: COUNTY,
  source: 'civil_assistance',
  fileName: '民政救助.csv',
  sha256: 'ab'.repeat(32),
  byteSize: 1024,
  encoding: 'utf-8',
  format: 'csv',
  importedBy: ID2,
  importedByName: '张三',
};

export default moduleSpec('datasets', 'api/modules/datasets/queries.ts', q, {
  insertVersion: [{ run: (db) => q.insertVersion(db, facts), respond: answer({ id: ID }) }],
  analyzeSource: [{ run: (db) => q.analyzeSource(db, 'civil_assistance') }],
  finishVersion: [
    { run: (db) => q.finishVersion(db, ID, { rowsRead: 10, rowsLoaded: 9, rowsUnusable: 1, unusableReasons: { checksum: 1 }, ignoredColumns: ['备注'] }) },
  ],
  insertFailedVersion: [{ run: (db) => q.insertFailedVersion(db, { ...facts, rowsRead: 3, error: { fileError: null, errorCount: 2 } }) }],
});
