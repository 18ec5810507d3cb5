// SQL snapshot cases of oversight/queries.ts → api/queries/oversight.sql (docs/decisions/0019).
// The rules' SELECTs come from OVERSIGHT_RULES (each as the run merges it): a new rule is in the
// snapshot without an entry here.
import { sql } from 'kysely';
import { answer, moduleSpec } from '../../queries/capture.ts';
import { AT, COUNTY, countyOfficial, ID, ID2, townshipOfficer } from '../../queries/scopes.ts';
import * as q from './queries.ts';
import { OVERSIGHT_RULES } from './rules/index.ts';
import { DEFAULT_THRESHOLDS, type RuleContext } from './rules/types.ts';

const withEvents: RuleContext = { countyCode: COUNTY, asOf: '2026-06-30', thresholds: DEFAULT_THRESHOLDS, householdEventsVersion: ID2 };
const merge =
  (candidates: ReturnType<typeof sql>, rule = 'TOO_FAST') =>
  (db: Parameters<typeof q.mergeCandidates>[0]) =>
    q.mergeCandidates(db, { countyCode: COUNTY, runId: ID, rule, severity: 'low', raisedByName: 'oversight run (cli:root)', at: AT, candidates });

export default moduleSpec(
  'oversight',
  'api/modules/oversight/queries.ts',
  q,
  {
    lockCountyRun: [{ run: (db) => q.lockCountyRun(db, COUNTY) }],
    householdEventsVersion: [{ run: (db) => q.householdEventsVersion(db, COUNTY) }],
    insertRun: [
      {
        run: (db) =>
          q.insertRun(db, { countyCode: COUNTY, asOf: '2026-06-30', thresholds: DEFAULT_THRESHOLDS, startedBy: null, startedByName: 'cli:root', at: AT }),
        respond: answer({ id: ID }),
      },
    ],
    finishRun: [{ run: (db) => q.finishRun(db, ID, { TOO_FAST: { found: 1, raised: 1, kept: 0 } }) }],
    mergeCandidates: [{ label: 'the frame around every rule', run: merge(sql`select 1`) }],
    listAlerts: [
      {
        label: 'county official, every filter',
        run: (db) =>
          q.listAlerts(db, countyOfficial, { status: ['open', 'answered'], rule: ['manual'], projectId: ID, area: '522324101', limit: 100, offset: 0 }),
      },
      { label: 'township officer, no filter', run: (db) => q.listAlerts(db, townshipOfficer, { limit: 100, offset: 0 }) },
    ],
    lockAlert: [{ run: (db) => q.lockAlert(db, ID) }],
    insertManualAlert: [
      {
        run: (db) =>
          q.insertManualAlert(db, {
            countyCode: COUNTY,
            villageCode: '522324101209',
            severity: 'medium',
            subjectKind: 'project',
            projectId: ID,
            ledgerEntryId: null,
            evidence: { project: '保家村通组路' },
            evidenceText: '请说明',
            evidenceHash: 'h',
            raisedBy: ID2,
            raisedByName: '李监察员',
            at: AT,
          }),
        respond: answer({ id: ID }),
      },
    ],
    answerAlert: [{ run: (db) => q.answerAlert(db, ID, { answer: '已整改', by: ID2, byName: '杨干部', byRole: 'township_officer', at: AT }) }],
    closeAlert: [{ run: (db) => q.closeAlert(db, ID, { note: '关闭', by: ID2, byName: '李监察员', at: AT }) }],
    findProject: [{ run: (db) => q.findProject(db, ID) }],
    findEntry: [{ run: (db) => q.findEntry(db, ID) }],
    listComments: [{ run: (db) => q.listComments(db, ID) }],
    insertComment: [
      {
        run: (db) =>
          q.insertComment(db, {
            projectId: ID,
            countyCode: COUNTY,
            villageCode: '522324101209',
            ledgerEntryId: null,
            authorId: ID2,
            authorName: '李监察员',
            authorRole: 'inspector',
            text: '请核实',
            at: AT,
          }),
        respond: answer({ id: ID }),
      },
    ],
  },
  Object.fromEntries(
    OVERSIGHT_RULES.map((rule) => [`rule ${rule.code}`, [{ run: (db: Parameters<typeof q.mergeCandidates>[0]) => rule.candidates(withEvents).execute(db) }]]),
  ),
);
