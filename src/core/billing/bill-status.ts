import type { MinorUnits } from '../money';
import { type BusinessDate, daysBetween } from '../time/business-date';
import { type BillAmounts, type BillState, billOwedMinor, componentsTotalMinor } from '../ledger/line-state';

export const billStatuses = ['ISSUED', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'SETTLED'] as const;
export type BillStatus = (typeof billStatuses)[number];

/** Paid or credited so far, all components together. */
export function billSettledMinor(bill: BillAmounts): MinorUnits {
  return componentsTotalMinor(bill.paid) + componentsTotalMinor(bill.credited);
}

/**
 * What is still needed to meet the minimum: the minimum less what was paid or credited, never more
 * than the bill still owes (a credit can make the bill owe less than its minimum).
 */
export function remainingMinimumMinor(bill: BillAmounts & { minimumDueMinor: MinorUnits }): MinorUnits {
  return Math.max(0, Math.min(bill.minimumDueMinor - billSettledMinor(bill), billOwedMinor(bill)));
}

/** What keeps a bill current: its remaining minimum; all it owes once it is overdue. */
export function minimumToPayMinor(
  bill: BillAmounts & { minimumDueMinor: MinorUnits; overdue: boolean },
): MinorUnits {
  return bill.overdue ? billOwedMinor(bill) : remainingMinimumMinor(bill);
}

/** A bill's status follows from what it owes, never from total - paid. */
export function billStatus(bill: BillState): BillStatus {
  if (billOwedMinor(bill) === 0) return bill.overdue ? 'SETTLED' : 'PAID';
  if (bill.overdue) return 'OVERDUE';
  return billSettledMinor(bill) > 0 ? 'PARTIALLY_PAID' : 'ISSUED';
}

/** What a bill shows at a glance (partner views, bill updates): one reading of the bill state. */
export interface BillSummary {
  billId: string;
  dueDate: BusinessDate;
  status: BillStatus;
  owedMinor: MinorUnits;
  remainingMinimumMinor: MinorUnits;
}

export function billSummaryOf(bill: BillState): BillSummary {
  return {
    billId: bill.billId,
    dueDate: bill.dueDate,
    status: billStatus(bill),
    owedMinor: billOwedMinor(bill),
    // What keeps the bill current, as the bill itself shows it: all it owes once overdue.
    remainingMinimumMinor: minimumToPayMinor(bill),
  };
}

/** Issued, owing, and not overdue: reminders and auto-debit apply. */
export function isOpenBillStatus(status: BillStatus): boolean {
  return status === 'ISSUED' || status === 'PARTIALLY_PAID';
}

/** On its due day a bill still open is collected from the default source (`auto-debit-attempts.ts`). */
export function isAutoDebitDue(bill: BillState, today: BusinessDate): boolean {
  return bill.dueDate === today && isOpenBillStatus(billStatus(bill));
}

/** Days before the due day the reminder goes out while the minimum is not met. */
export const dueSoonReminderDays = 3;

/** The bill's due-soon reminder is owed today: due within days, minimum unpaid, not reminded yet. */
export function isDueSoonReminderDue(bill: BillState, today: BusinessDate): boolean {
  const daysLeft = daysBetween(today, bill.dueDate);
  return (
    !bill.dueSoonRemindedOn &&
    !bill.overdue &&
    daysLeft >= 0 &&
    daysLeft <= dueSoonReminderDays &&
    remainingMinimumMinor(bill) > 0
  );
}
