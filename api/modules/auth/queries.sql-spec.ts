// SQL snapshot cases of auth/queries.ts → api/queries/auth.sql (docs/decisions/0019).
import { answer, moduleSpec } from '../../queries/capture.ts';
import { AT, ID, ID2, VILLAGE } from '../../queries/scopes.ts';
import * as q from './queries.ts';

export default moduleSpec('auth', 'api/modules/auth/queries.ts', q, {
  findAccountByUsername: [{ run: (db) => q.findAccountByUsername(db, 'baojia_cadre') }],
  findAccountById: [{ run: (db) => q.findAccountById(db, ID) }],
  updateAccount: [{ run: (db) => q.updateAccount(db, ID, { password_hash: 'x', password_changed_at: AT, must_change_password: false }, AT) }],
  setLastLogin: [{ run: (db) => q.setLastLogin(db, ID, AT) }],
  areaExists: [{ run: (db) => q.areaExists(db, VILLAGE) }],
  countAccountsAndAreas: [{ run: (db) => q.countAccountsAndAreas(db), respond: answer({ n: 0 }) }],
  enabledAccountsNamed: [{ run: (db) => q.enabledAccountsNamed(db, ['admin', 'baojia_cadre']) }],
  insertAccount: [
    {
      run: (db) =>
        q.insertAccount(db, {
          username: 'li_si',
          display_name: '李四',
          role: 'village_cadre',
          area_code: VILLAGE,
          county_code: VILLAGE.slice(0, 6),
          phone: null,
          password_hash: 'x',
        }),
      respond: answer({ id: ID }),
    },
  ],
  blockedUntil: [
    {
      run: (db) =>
        q.blockedUntil(
          db,
          [
            { kind: 'account', subject: 'baojia_cadre' },
            { kind: 'address', subject: '10.0.0.1' },
          ],
          AT,
        ),
    },
  ],
  addBackoffFailure: [{ run: (db) => q.addBackoffFailure(db, { kind: 'account', subject: 'baojia_cadre' }, AT, AT), respond: answer({ failures: 1 }) }],
  setBlockedUntil: [{ run: (db) => q.setBlockedUntil(db, { kind: 'address', subject: '10.0.0.1' }, AT) }],
  clearBackoff: [{ run: (db) => q.clearBackoff(db, [{ kind: 'account', subject: 'baojia_cadre' }]) }],
  pruneBackoff: [{ run: (db) => q.pruneBackoff(db, AT, AT) }],
  clearAccountBackoff: [{ run: (db) => q.clearAccountBackoff(db, { id: ID, username: 'baojia_cadre' }) }],
  findLoginAccount: [{ run: (db) => q.findLoginAccount(db, 'baojia_cadre', 'h') }],
  trustDevice: [{ run: (db) => q.trustDevice(db, 'h', ID, AT) }],
  forgetDevices: [{ run: (db) => q.forgetDevices(db, ID) }],
  insertSession: [{ run: (db) => q.insertSession(db, { id: 'h', account_id: ID, csrf_token: 't', expires_at: AT, ip: '10.0.0.1', user_agent: null }) }],
  findSessionWithAccount: [{ run: (db) => q.findSessionWithAccount(db, 'h') }],
  touchSession: [{ run: (db) => q.touchSession(db, 'h', AT) }],
  deleteSession: [{ run: (db) => q.deleteSession(db, 'h') }],
  deleteOtherSessions: [{ run: (db) => q.deleteOtherSessions(db, ID, ID2) }],
  deleteSessionsOf: [{ run: (db) => q.deleteSessionsOf(db, ID) }],
  listAccounts: [
    { label: 'the admin, no filter', run: (db) => q.listAccounts(db, { now: AT }, { limit: 50, offset: 0 }), respond: answer({ n: 0 }) },
    {
      label: 'a county official, every filter',
      run: (db) =>
        q.listAccounts(
          db,
          { now: AT, q: '李_%', role: 'village_cadre', status: 'throttled', within: VILLAGE.slice(0, 6), roles: ['village_cadre', 'township_officer'] },
          { limit: 50, offset: 50 },
        ),
      respond: answer({ n: 0 }),
    },
  ],
  findAccountRow: [{ run: (db) => q.findAccountRow(db, ID, AT) }],
  deleteExpiredSessions: [{ run: (db) => q.deleteExpiredSessions(db) }],
});
