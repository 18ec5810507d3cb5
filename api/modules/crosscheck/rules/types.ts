// What every rule module gets and gives. A rule is one set-based INSERT … SELECT into the run's
// candidate table (cc_candidates) over the registry members snapshot (cc_members) and the current
// dataset version of each source — never a row-by-row loop in JavaScript.
import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';

export type Severity = 'exclude' | 'update' | 'risk' | 'review';

export type Source =
  | 'civil_assistance'
  | 'disability'
  | 'medical_claims'
  | 'subsidy_payments'
  | 'household_events'
  | 'vehicles'
  | 'businesses'
  | 'property'
  | 'public_payroll'
  | 'students';

export interface RuleContext {
  countyCode: string;
  /** ISO date the run is for. */
  asOf: string;
  /** Thresholds from the county's yearly standard (run.ts runSettings), recorded on the run. */
  settings: {
    medicalSelfPayThreshold: number /* fen */;
    medicalWindowMonths: number;
    /** The 年度标准 year they were read from (null: the county has none up to the as-of year). */
    standardYear: number | null;
    /** 'county': the county's medical alert; 'default': the catalogue's 10,000 元 (none set). */
    medicalThresholdSource: 'county' | 'default';
  };
  /** The dataset version used per source; a rule whose sources are missing does not run. */
  versions: Partial<Record<Source, string>>;
}

export interface Rule {
  code: string;
  severity: Severity;
  /** Sources the rule reads; the run skips the rule (and says so) when one has no data. */
  sources: Source[];
  /** zh-CN one-line description for the UI. */
  title: string;
  /** The evidence describes a person's health (残疾, 就医): withheld from roles that do not see health details. */
  healthEvidence?: true;
  insert(ctx: RuleContext): RawBuilder<unknown>;
}

/** The current rows of one source for this run. */
export function ds(ctx: RuleContext, source: Source, alias: string): RawBuilder<unknown> {
  const version = ctx.versions[source];
  if (!version) throw new Error(`no dataset version for ${source}`);
  return sql`(select * from ${sql.table(`ds_${source}`)} where dataset_version_id = ${version} and id_number is not null) as ${sql.id(alias)}`;
}

/** fen → '1234.50' */
export const yuan = (expr: RawBuilder<unknown>) => sql`to_char((${expr})::numeric / 100, 'FM999999999990.00')`;
/** Masks all but the last 4 characters of an account number or plate in evidence. */
export const maskTail = (expr: RawBuilder<unknown>) => sql`('****' || right(${expr}, 4))`;
export const maskPlate = (expr: RawBuilder<unknown>) => sql`(left(${expr}, 2) || '***' || right(${expr}, 2))`;

export const SOURCE_LABELS: Record<Source, string> = {
  civil_assistance: '民政·低保特困',
  disability: '残联·残疾人证',
  medical_claims: '医保·就医结算',
  subsidy_payments: '财政·一折通补贴发放',
  household_events: '公安·户籍变动',
  vehicles: '公安交管·机动车登记',
  businesses: '市场监管·企业登记',
  property: '不动产登记',
  public_payroll: '人社编办·财政供养人员',
  students: '教育·学籍',
};

/** The candidate columns, in order, that every rule's SELECT produces. */
export const CANDIDATE_COLUMNS = sql`(rule, household_no, id_number, household_id, member_id, village_code, severity, evidence, evidence_text)`;
