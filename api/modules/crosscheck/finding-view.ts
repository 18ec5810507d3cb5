// A finding as its reader may see it (the API's Finding, the Excel export's rows): the rule's
// Chinese title, ID numbers masked by role, health evidence withheld from roles that do not see
// health details, typed-in numbers in free text masked.
import type { z } from '@hono/zod-openapi';
import { type Lang, t } from '../../http/messages.ts';
import { type Masker, maskDeep } from '../auth/personal-data.ts';
import type * as q from './queries.ts';
import { HEALTH_EVIDENCE_RULES, RULES } from './rules/index.ts';
import type { Finding } from './schema.ts';

const TITLES = new Map(RULES.map((r) => [r.code, r.title]));
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const obj = (v: unknown) => (v === null || v === undefined ? null : ((typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>));

export function toFinding(r: q.FindingRow, mask: Masker, lang: Lang): z.infer<typeof Finding> {
  return {
    id: r.id,
    countyCode: r.county_code,
    rule: r.rule,
    ruleTitle: TITLES.get(r.rule) ?? r.rule,
    householdNo: r.household_no,
    idNumber: r.id_number ? mask.idNumber(r.id_number) : null,
    householdId: r.household_id,
    memberId: r.member_id,
    villageCode: r.village_code,
    villageName: r.village_name,
    headName: r.head_name,
    memberName: r.member_name,
    personName: r.person_name,
    severity: r.severity as z.infer<typeof Finding>['severity'],
    // Health evidence (残疾, 就医) is withheld from roles that do not see health details; ID numbers
    // or phones typed into free text are masked like the fields they are.
    ...(HEALTH_EVIDENCE_RULES.has(r.rule) && !mask.seesHealth
      ? { evidence: {}, evidenceText: t(lang, 'finding.healthWithheld') }
      : { evidence: (maskDeep(obj(r.evidence) ?? {}, mask.viewer) as Record<string, unknown>) ?? {}, evidenceText: mask.text(r.evidence_text) ?? '' }),
    status: r.status as z.infer<typeof Finding>['status'],
    statusReason: mask.text(r.status_reason),
    present: r.present,
    firstSeenAt: iso(r.first_seen_at) as string,
    lastSeenAt: iso(r.last_seen_at) as string,
    reviewedByName: r.reviewed_by_name,
    reviewedAt: iso(r.reviewed_at),
    consequence: maskDeep(obj(r.consequence), mask.viewer) as Record<string, unknown> | null,
    procedureId: r.procedure_id,
    version: Number(r.version),
  };
}
