// SQL snapshot cases of audit/queries.ts → api/queries/audit.sql (docs/decisions/0019).
import { answer, moduleSpec } from '../../queries/capture.ts';
import { AT, COUNTY, countyOfficial, ID2, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';
import type { SignedCheckpoint } from './signing.ts';

const HASH = 'ab'.repeat(32);
const GENESIS = '0'.repeat(64);
const checkpoint: SignedCheckpoint = { chain: COUNTY, from_seq: 10, from_hash: GENESIS, seq: 12, hash: HASH, at: AT, key_id: 'k1', signature: 'c2ln' };
const entry = {
  chain: COUNTY,
  seq: 11,
  at: AT,
  actor_id: ID2,
  actor_name: '张三',
  actor_role: 'village_cadre',
  action: 'household.update',
  entity: 'household',
  entity_id: ID2,
  subject_id: ID2,
  area_code: COUNTY,
  diff: '{}',
  origin: '{}',
  prev_hash: GENESIS,
  hash: HASH,
};

export default moduleSpec('audit', 'api/modules/audit/queries.ts', q, {
  lockHead: [{ run: (db) => q.lockHead(db, COUNTY, GENESIS), respond: (_q, i) => (i === 1 ? [{ chain: COUNTY, seq: 0, hash: GENESIS }] : undefined) }],
  insertEntries: [{ label: 'two entries', run: (db) => q.insertEntries(db, [entry, { ...entry, seq: 12 }]) }],
  moveHead: [{ run: (db) => q.moveHead(db, checkpoint) }],
  insertCheckpoint: [{ run: (db) => q.insertCheckpoint(db, checkpoint) }],
  listHeads: [{ run: (db) => q.listHeads(db) }],
  lockHeadIfAny: [{ run: (db) => q.lockHeadIfAny(db, COUNTY) }],
  chainNames: [{ run: (db) => q.chainNames(db) }],
  entriesFrom: [
    { label: 'verify: a batch from a sequence number', run: (db) => q.entriesFrom(db, COUNTY, 1, 5000) },
    { label: 'adopt: a batch up to the first checkpoint', run: (db) => q.entriesFrom(db, COUNTY, 1, 5000, 12) },
  ],
  entryIdAt: [{ run: (db) => q.entryIdAt(db, COUNTY, 11), respond: answer({ id: 1 }) }],
  checkpointsAfter: [{ run: (db) => q.checkpointsAfter(db, COUNTY, 0, 5000) }],
  firstCheckpoint: [{ run: (db) => q.firstCheckpoint(db, COUNTY) }],
  countRecent: [
    {
      label: 'county, every action but refusals',
      run: (db) => q.countRecent(db, countyOfficial, { since: AT, exceptActions: ['access.denied'], changesOnly: true }, 1000),
    },
    { label: 'village, refusals', run: (db) => q.countRecent(db, villageCadre, { since: AT, actions: ['access.denied'] }, 1000) },
  ],
  latestRecent: [
    { label: 'village cadre', run: (db) => q.latestRecent(db, villageCadre, { since: AT, exceptActions: ['access.denied'], changesOnly: true }, 5) },
  ],
});
