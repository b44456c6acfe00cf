import { remainingMinimumMinor } from '../billing/bill-status';
import type { LineState } from '../ledger/line-state';
import { quoteHoldsDays } from '../repayment/as-asked';
import { stateOnceLanded } from '../repayment/landing';
import { type BusinessDate, daysBetween } from '../time/business-date';

/**
 * Bills past their due day, minimum unmet, that repayments asked by that day and still waiting on
 * their source would keep current once landed (`AWAIT_REPAYMENT`): not judged overdue while those
 * wait, at most `quoteHoldsDays` from the ask. The shopper paid in time; the bank is slow. Declined,
 * or still unanswered after that, the bill is judged as if they had never been asked.
 */
export function billsAwaitingTheirSource(state: LineState, today: BusinessDate): ReadonlySet<string> {
  const waiting = new Set<string>();
  const awaited = state.awaitedRepayments ?? [];
  if (awaited.length === 0) return waiting;
  for (const bill of state.bills) {
    if (bill.overdue || daysBetween(bill.dueDate, today) < 1 || remainingMinimumMinor(bill) === 0) continue;
    const inTime = awaited.filter(
      ({ askedOn }) =>
        daysBetween(askedOn, bill.dueDate) >= 0 && daysBetween(askedOn, today) <= quoteHoldsDays,
    );
    if (inTime.length === 0) continue;
    const landed = stateOnceLanded(
      state,
      inTime.map(({ repayment }) => repayment),
      today,
    ).bills.find((candidate) => candidate.billId === bill.billId);
    // Gone from the landed line: they would pay it in full.
    if (!landed || remainingMinimumMinor(landed) === 0) waiting.add(bill.billId);
  }
  return waiting;
}
