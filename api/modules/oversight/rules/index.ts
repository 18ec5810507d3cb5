// The anomaly rule catalogue (docs/domain/oversight-rules.md): codes are stable interfaces.
import { disbursedBeforeApproval } from './disbursed-before-approval.ts';
import { idleWithMoney } from './idle-with-money.ts';
import { overBudgetLine } from './over-budget-line.ts';
import { paymentToDeceasedOrMoved } from './payment-to-deceased-or-moved.ts';
import { reimbursedBeforeAcceptance } from './reimbursed-before-acceptance.ts';
import { sharedBankAccount } from './shared-bank-account.ts';
import { splitContracts } from './split-contracts.ts';
import { tooFast } from './too-fast.ts';
import type { OversightRule } from './types.ts';

export const OVERSIGHT_RULES: readonly OversightRule[] = [
  disbursedBeforeApproval,
  reimbursedBeforeAcceptance,
  overBudgetLine,
  splitContracts,
  idleWithMoney,
  tooFast,
  paymentToDeceasedOrMoved,
  sharedBankAccount,
];

export const OVERSIGHT_RULE_CODES = OVERSIGHT_RULES.map((r) => r.code);
