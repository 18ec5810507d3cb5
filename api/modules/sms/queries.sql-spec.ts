// SQL snapshot cases of sms/queries.ts → api/queries/sms.sql (docs/decisions/0019).
import { answer, moduleSpec } from '../../queries/capture.ts';
import { AT, COUNTY, countyOfficial, ID, ID2, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';

const PHONE = '13800138000';
const message = {
  direction: 'out' as const,
  kind: 'summary' as const,
  batchId: ID2,
  villageCode: VILLAGE,
  recipientId: ID,
  phone: PHONE,
  period: '2026-05',
  text: '【滴灌】保家村…',
  segments: 1,
  state: 'queued' as const,
  at: AT,
};
const recipient = { villageCode: VILLAGE, name: '杨监督', phone: PHONE, position: '群众监督员' as const };

export default moduleSpec('sms', 'api/modules/sms/queries.ts', q, {
  listRecipients: [
    { label: 'county official, a village', run: (db) => q.listRecipients(db, countyOfficial, { areaCode: VILLAGE }) },
    { label: 'village scope, no filter', run: (db) => q.listRecipients(db, villageCadre, {}) },
  ],
  findRecipient: [{ run: (db) => q.findRecipient(db, ID) }],
  lockRecipient: [{ run: (db) => q.lockRecipient(db, ID) }],
  insertRecipients: [{ run: (db) => q.insertRecipients(db, [recipient]), respond: answer({ id: ID, village_code: VILLAGE, phone: PHONE }) }],
  upsertRecipients: [{ run: (db) => q.upsertRecipients(db, [recipient]), respond: answer({ id: ID, inserted: true }) }],
  updateRecipient: [{ run: (db) => q.updateRecipient(db, ID, { optedIn: false, optedOutVia: 'app', at: AT }), respond: answer({ id: ID }) }],
  recipientsByPhone: [{ run: (db) => q.recipientsByPhone(db, PHONE) }],
  optOutPhone: [{ run: (db) => q.optOutPhone(db, PHONE, AT) }],
  findVillages: [{ run: (db) => q.findVillages(db, '保家村') }],
  villagesOf: [{ run: (db) => q.villagesOf(db, countyOfficial, COUNTY) }],
  batchRecipients: [{ run: (db) => q.batchRecipients(db, COUNTY) }],
  insertBatch: [
    {
      run: (db) => q.insertBatch(db, { period: '2026-05', countyCode: COUNTY, startedBy: ID, startedByName: '县扶贫办', at: AT }),
      respond: answer({ id: ID2 }),
    },
  ],
  setBatchCounts: [{ run: (db) => q.setBatchCounts(db, ID2, { queued: 1 }) }],
  enqueueSummaries: [{ run: (db) => q.enqueueSummaries(db, [message]) }],
  insertMessage: [{ run: (db) => q.insertMessage(db, { ...message, kind: 'reply', batchId: null, period: null }), respond: answer({ id: ID }) }],
  markInDoubt: [{ run: (db) => q.markInDoubt(db, AT) }],
  markUnknown: [{ run: (db) => q.markUnknown(db, ID, 'closed', AT) }],
  dropOptedOut: [{ run: (db) => q.dropOptedOut(db, AT) }],
  pending: [{ run: (db) => q.pending(db) }],
  claimDue: [{ run: (db) => q.claimDue(db, 'host:1', AT, AT, 10) }],
  markSubmitted: [{ run: (db) => q.markSubmitted(db, ID, { provider: 'smpp', providerIds: ['a1'], delivered: false, at: AT }) }],
  markRefused: [{ run: (db) => q.markRefused(db, ID, { error: 'throttled', retryAt: AT, provider: 'smpp', at: AT }) }],
  messageByProviderId: [{ run: (db) => q.messageByProviderId(db, 'a1') }],
  inDoubtTo: [{ run: (db) => q.inDoubtTo(db, PHONE) }],
  setReported: [{ run: (db) => q.setReported(db, ID, { state: 'delivered', error: null, providerIds: ['a1'], at: AT }) }],
  requeue: [{ run: (db) => q.requeue(db, countyOfficial, [ID], AT) }],
  inboundSince: [{ run: (db) => q.inboundSince(db, PHONE, AT), respond: answer({ n: 0 }) }],
  listMessages: [
    {
      label: 'county official, failed',
      run: (db) => q.listMessages(db, countyOfficial, { state: ['failed', 'unknown'], direction: 'out', period: '2026-05', limit: 50, offset: 0 }),
    },
    { label: 'village scope, all', run: (db) => q.listMessages(db, villageCadre, { limit: 50, offset: 0 }) },
  ],
  queueCounts: [{ run: (db) => q.queueCounts(db, ID2) }],
});
