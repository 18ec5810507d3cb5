// The ledger's rules as pure functions over a project's totals (no SQL, no I/O): what an entry
// changes, and which invariant it would break (docs/decisions/0021). The domain (funds.ts) calls
// them with the totals read under the project's row lock, so the check and the insert are one
// serialised step.
import { fenToYuan } from '../../shared/money.ts';
import type { EntryKind } from './code-lists.ts';

/** Net totals of one fund source of one project, in fen. */
export interface SourceTotals {
  allocated: number;
  disbursed: number;
  reimbursed: number;
  householdPaid: number;
}

export const ZERO: SourceTotals = { allocated: 0, disbursed: 0, reimbursed: 0, householdPaid: 0 };

/** 报账 + 到户: money that has reached its final payee. */
export const spentOf = (t: SourceTotals) => t.reimbursed + t.householdPaid;

const FIELD: Record<EntryKind, keyof SourceTotals> = { 下达: 'allocated', 拨付: 'disbursed', 报账: 'reimbursed', 到户: 'householdPaid' };

/** The totals after an entry of `kind` whose signed effect is `delta` (negative for a reversal). */
export function applyDelta(t: SourceTotals, kind: EntryKind, delta: number): SourceTotals {
  const field = FIELD[kind];
  return { ...t, [field]: t[field] + delta };
}

export type Violation =
  | { rule: 'disbursedOverAllocated'; source: string; allocated: string; disbursed: string }
  | { rule: 'spentOverDisbursed'; source: string; disbursed: string; spent: string }
  | { rule: 'fullBeforeAcceptance'; allocated: string; spent: string }
  | { rule: 'negative'; source: string };

/**
 * The invariant an entry would break, or undefined. `bySource` holds the project's totals before
 * the entry (sources without entries may be absent); `accepted` whether the project passed 验收.
 * Per source: 0 ≤ spent ≤ disbursed ≤ allocated. Per project, before acceptance: an entry that
 * raises spending or lowers the allocation may not leave spending at or above the allocation.
 */
export function violation(
  bySource: ReadonlyMap<string, SourceTotals>,
  entry: { kind: EntryKind; source: string; delta: number },
  accepted: boolean,
): Violation | undefined {
  const before = bySource.get(entry.source) ?? ZERO;
  const after = applyDelta(before, entry.kind, entry.delta);
  if (after.allocated < 0 || after.disbursed < 0 || after.reimbursed < 0 || after.householdPaid < 0) return { rule: 'negative', source: entry.source };
  if (after.disbursed > after.allocated) {
    return { rule: 'disbursedOverAllocated', source: entry.source, allocated: fenToYuan(after.allocated), disbursed: fenToYuan(after.disbursed) };
  }
  if (spentOf(after) > after.disbursed) {
    return { rule: 'spentOverDisbursed', source: entry.source, disbursed: fenToYuan(after.disbursed), spent: fenToYuan(spentOf(after)) };
  }
  const raisesSpending = (entry.kind === '报账' || entry.kind === '到户') && entry.delta > 0;
  const lowersAllocation = entry.kind === '下达' && entry.delta < 0;
  if (!accepted && (raisesSpending || lowersAllocation)) {
    let allocated = 0;
    let spent = 0;
    for (const [source, t] of bySource) {
      if (source === entry.source) continue;
      allocated += t.allocated;
      spent += spentOf(t);
    }
    allocated += after.allocated;
    spent += spentOf(after);
    if (spent > 0 && spent >= allocated) return { rule: 'fullBeforeAcceptance', allocated: fenToYuan(allocated), spent: fenToYuan(spent) };
  }
  return undefined;
}
