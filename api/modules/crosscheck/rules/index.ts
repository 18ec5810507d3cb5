// The rule catalogue (docs/domain/crosscheck-rules.md): codes are stable interfaces.
import { assistanceMismatch } from './assistance-mismatch.ts';
import { business } from './business.ts';
import { deceased } from './deceased.ts';
import { disabilityMismatch } from './disability-mismatch.ts';
import { duplicatePerson } from './duplicate-person.ts';
import { medicalRisk } from './medical-risk.ts';
import { missedAssistance } from './missed-assistance.ts';
import { movedOut } from './moved-out.ts';
import { paymentAfterDeath } from './payment-after-death.ts';
import { property } from './property.ts';
import { publicPayroll } from './public-payroll.ts';
import { sharedAccount } from './shared-account.ts';
import { studentMismatch } from './student-mismatch.ts';
import type { Rule } from './types.ts';
import { vehicle } from './vehicle.ts';

export const RULES: readonly Rule[] = [
  deceased,
  movedOut,
  paymentAfterDeath,
  publicPayroll,
  vehicle,
  business,
  property,
  assistanceMismatch,
  missedAssistance,
  medicalRisk,
  studentMismatch,
  disabilityMismatch,
  duplicatePerson,
  sharedAccount,
];

export const RULE_CODES = RULES.map((r) => r.code);
/** Rules whose evidence is health data (auth/personal-data.ts grades it 'health'). */
export const HEALTH_EVIDENCE_RULES: ReadonlySet<string> = new Set(RULES.filter((r) => r.healthEvidence).map((r) => r.code));
