// SQL snapshot cases of crosscheck/queries.ts, every rule of the catalogue (rules/) and the run's
// frame (run.ts: the members snapshot and the merge into findings) → api/queries/crosscheck.sql
// (docs/decisions/0019). Rules come from RULES: a new rule is in the snapshot without an entry here.
import { systemCtx } from '../../context.ts';
import { generateKeyPairSync } from 'node:crypto';
import { hasAuditKey, useAuditKey } from '../audit/signing.ts';
import { answer, moduleSpec, type Responder } from '../../queries/capture.ts';
import { AT, COUNTY, countyOfficial, ID, ID2, VILLAGE, villageCadre } from '../../queries/scopes.ts';
import * as q from './queries.ts';
import { RULES } from './rules/index.ts';
import type { RuleContext, Source } from './rules/types.ts';
import { runCrosscheck } from './run.ts';

const SOURCES: Source[] = [...new Set(RULES.flatMap((r) => r.sources))].sort();

/** Every source has a dataset version: every rule runs. */
const ctx: RuleContext = {
  countyCode: COUNTY,
  asOf: '2026-03-01',
  settings: { medicalSelfPayThreshold: 1_000_000, medicalWindowMonths: 12, standardYear: 2026, medicalThresholdSource: 'county' },
  versions: Object.fromEntries(SOURCES.map((s, i) => [s, `01900000-0000-7000-8000-${String(i + 1).padStart(12, '0')}`])),
};

/** The run's new id, and the audit chain's head (the run's audit entry is written and signed). */
const runResponder: Responder = (query) => {
  if (/^insert into crosscheck_runs/.test(query.sql.trim())) return [{ id: ID }];
  if (/^select .* from "audit_heads"/.test(query.sql)) return [{ chain: COUNTY, seq: 0, hash: '0'.repeat(64) }];
  return undefined;
};

export default moduleSpec(
  'crosscheck',
  'api/modules/crosscheck/queries.ts',
  q,
  {
    listFindings: [
      { label: 'county official, present findings', run: (db) => q.listFindings(db, countyOfficial, { presentOnly: true, limit: 50, offset: 0 }) },
      {
        label: 'village cadre, every filter',
        run: (db) =>
          q.listFindings(db, villageCadre, {
            rule: ['DECEASED', 'VEHICLE'],
            severity: ['exclude'],
            status: ['open', 'needs_visit'],
            area: VILLAGE,
            householdId: ID,
            presentOnly: false,
            limit: 50,
            offset: 100,
          }),
      },
    ],
    findFinding: [
      { label: 'village cadre', run: (db) => q.findFinding(db, villageCadre, ID) },
      { label: 'unscoped, locked for review', run: (db) => q.findFinding(db, null, ID, true) },
    ],
    countFindings: [{ label: 'county official', run: (db) => q.countFindings(db, countyOfficial, { presentOnly: true, status: ['open', 'needs_visit'] }) }],
    updateFindingStatus: [
      {
        run: (db) =>
          q.updateFindingStatus(db, ID, {
            status: 'confirmed',
            reason: '核实',
            actorId: ID2,
            actorName: '张三',
            consequence: { memberStatus: '死亡' },
            procedureId: null,
          }),
      },
    ],
    listRuns: [{ run: (db) => q.listRuns(db, COUNTY) }],
    findingActivity: [{ label: 'village cadre', run: (db) => q.findingActivity(db, villageCadre, AT) }],
    listVersions: [{ run: (db) => q.listVersions(db, COUNTY) }],
    memberForUpdate: [{ run: (db) => q.memberForUpdate(db, ID) }],
    householdForUpdate: [{ run: (db) => q.householdForUpdate(db, ID) }],
    updateMember: [{ run: (db) => q.updateMember(db, ID, { person_status: '死亡', status_date: '2026-01-05' }) }],
    updateHouseholdType: [{ run: (db) => q.updateHouseholdType(db, ID, '一般户') }],
    liveMemberStatuses: [{ run: (db) => q.liveMemberStatuses(db, ID) }],
    householdCounties: [{ run: (db) => q.householdCounties(db) }],
    exportRows: [
      { label: 'operator (CLI), present findings', run: (db) => q.exportRows(db, null, { countyCode: COUNTY }) },
      {
        label: 'village cadre, every filter',
        run: (db) => q.exportRows(db, villageCadre, { countyCode: COUNTY, status: ['open'], rules: ['DECEASED', 'VEHICLE'], presentOnly: false }),
      },
    ],
    lockCountyRun: [{ run: (db) => q.lockCountyRun(db, COUNTY) }],
    currentVersions: [{ run: (db) => q.currentVersions(db, COUNTY) }],
    medicalStandard: [{ run: (db) => q.medicalStandard(db, COUNTY, 2026) }],
    insertRun: [
      {
        run: (db) =>
          q.insertRun(db, { countyCode: COUNTY, asOf: '2026-03-01', settings: ctx.settings, versions: ctx.versions, startedBy: ID2, startedByName: '张三' }),
        respond: answer({ id: ID }),
      },
    ],
    createRunTables: [{ run: (db) => q.createRunTables(db, COUNTY) }],
    mergeCandidates: [{ run: (db) => q.mergeCandidates(db, COUNTY, ID) }],
    markAbsent: [{ run: (db) => q.markAbsent(db, COUNTY, ID, ['DECEASED', 'VEHICLE']) }],
    candidateCounts: [{ run: (db) => q.candidateCounts(db) }],
    finishRun: [{ run: (db) => q.finishRun(db, ID, { DECEASED: 3, _skipped: [] }) }],
  },
  {
    ...Object.fromEntries(RULES.map((rule) => [`rule ${rule.code}`, [{ run: (db) => rule.insert(ctx).execute(db) }]])),
    'run.ts runCrosscheck': [
      {
        label: 'one rule, DUPLICATE_PERSON: the frame around every rule',
        run: (db) => {
          // The run's audit entry is signed: a throwaway key (the signature is a parameter, not in the SQL).
          if (!hasAuditKey()) useAuditKey(generateKeyPairSync('ed25519').privateKey);
          return runCrosscheck(systemCtx(db, { actor: { id: ID2, name: '张三', role: 'county_official' } }), {
            countyCode: COUNTY,
            asOf: '2026-03-01',
            rules: ['DUPLICATE_PERSON'],
          });
        },
        respond: runResponder,
      },
    ],
  },
);
