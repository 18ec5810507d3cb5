// SQL snapshot cases of registry/queries.ts — the staging, checks and set-based merge of a registry
// import — → api/queries/registry.sql (docs/decisions/0019). Statements that take a transaction
// run in one (DummyDriver's transactions compile nothing).
import type { Db, Trx } from '../../db/schema.ts';
import { answer, moduleSpec } from '../../queries/capture.ts';
import { AT, COUNTY, ID, TOWNSHIP, townshipOfficer } from '../../queries/scopes.ts';
import * as q from './queries.ts';
import { type ColumnKey, REGISTRY_COLUMNS } from './rows.ts';

const inTrx = <T>(db: Db, fn: (trx: Trx) => Promise<T>) => db.transaction().execute(fn);
/** A file with every column, and one with only the required ones. */
const ALL: ReadonlySet<ColumnKey> = new Set(REGISTRY_COLUMNS.map((c) => c.key));
const REQUIRED_ONLY: ReadonlySet<ColumnKey> = new Set();

export default moduleSpec('registry', 'api/modules/registry/queries.ts', q, {
  createStage: [{ run: (db) => inTrx(db, q.createStage) }],
  buildHouseholdStage: [{ run: (db) => inTrx(db, q.buildHouseholdStage) }],
  lockCounties: [{ run: (db) => inTrx(db, q.lockCounties) }],
  databaseProblems: [
    { label: 'an import limited to a township', run: (db) => inTrx(db, (trx) => q.databaseProblems(trx, TOWNSHIP, 1000)) },
    { label: 'an import for the whole database', run: (db) => inTrx(db, (trx) => q.databaseProblems(trx, null, 1000)) },
  ],
  householdColumns: { notSql: 'lists the household columns a load writes' },
  memberColumns: { notSql: 'lists the member columns a load writes' },
  countyFacts: [{ run: (db) => inTrx(db, (trx) => q.countyFacts(trx, COUNTY)) }],
  markChanges: [
    { label: 'every column', run: (db) => inTrx(db, (trx) => q.markChanges(trx, ALL)) },
    { label: 'the required columns only', run: (db) => inTrx(db, (trx) => q.markChanges(trx, REQUIRED_ONLY)) },
  ],
  applyMerge: [
    { label: 'every column', run: (db) => inTrx(db, (trx) => q.applyMerge(trx, ALL)) },
    { label: 'the required columns only', run: (db) => inTrx(db, (trx) => q.applyMerge(trx, REQUIRED_ONLY)) },
  ],
  snapshots: [
    { label: 'changed cards', run: (db) => inTrx(db, (trx) => q.snapshots(trx, 'changed')) },
    { label: 'new cards', run: (db) => inTrx(db, (trx) => q.snapshots(trx, 'new')) },
  ],
  adoptedCards: [{ run: (db) => inTrx(db, q.adoptedCards) }],
  createJob: [
    {
      run: (db) => q.createJob(db, { areaCode: COUNTY, fileName: '贫困人口明细.xlsx', byteSize: 1024, createdBy: ID, createdByName: '张三' }),
      respond: answer({ id: ID }),
    },
  ],
  updateJob: [{ run: (db) => q.updateJob(db, ID, { status: 'succeeded', rows_read: 100, counts: '{}', finished_at: AT }) }],
  findJob: [{ run: (db) => q.findJob(db, ID) }],
  listJobs: [{ run: (db) => q.listJobs(db, townshipOfficer, 20) }],
  openJobIds: [{ run: (db) => q.openJobIds(db) }],
  jobLockFree: [{ run: (db) => q.jobLockFree(db, `registry_import:${ID}`) }],
  failJobs: [{ run: (db) => q.failJobs(db, [ID], { rowNo: 0, column: '', key: 'registry.interrupted', severity: 'error' }) }],
  analyzeCards: [{ run: (db) => inTrx(db, q.analyzeCards) }],
});
