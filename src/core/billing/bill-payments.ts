import type { MinorUnits } from '../money';

export type BillStatus = 'ISSUED' | 'PAID' | 'PARTIALLY_PAID' | 'OVERDUE' | 'SETTLED';

/** Issued and not yet paid in full, and not overdue: reminders, auto-debit and the minimum apply. */
export function isOpenBill(status: BillStatus): boolean {
  return status === 'ISSUED' || status === 'PARTIALLY_PAID';
}

/** A bill's status from what was paid on it and whether its due day passed without the minimum. */
export function billStatus(paidMinor: MinorUnits, totalMinor: MinorUnits, overdue: boolean): BillStatus {
  if (paidMinor >= totalMinor) return overdue ? 'SETTLED' : 'PAID';
  if (overdue) return 'OVERDUE';
  return paidMinor > 0 ? 'PARTIALLY_PAID' : 'ISSUED';
}

/** Spreads a repayment over bills oldest first; returns each bill's new paid amount, in order. */
export function spreadPayment(
  amountMinor: MinorUnits,
  bills: readonly { totalMinor: MinorUnits; paidMinor: MinorUnits }[],
): MinorUnits[] {
  let left = amountMinor;
  return bills.map((bill) => {
    const take = Math.max(0, Math.min(left, bill.totalMinor - bill.paidMinor));
    left -= take;
    return bill.paidMinor + take;
  });
}
