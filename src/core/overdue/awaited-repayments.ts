import { billSettledMinor, remainingMinimumMinor } from '../billing/bill-status';
import { billOwedMinor, type BillHold, type BillState, type LineState } from '../ledger/line-state';
import type { MinorUnits } from '../money';
import { quoteHoldsDays } from '../repayment/as-asked';
import { stateOnceLanded } from '../repayment/landing';
import { type BusinessDate, daysBetween } from '../time/business-date';

/*
 * A shopper who asks a repayment by a bill's due day has paid in time, even when the source
 * confirms days later. When the due day passes, a bill those repayments (still waiting: the
 * source's `AWAIT_REPAYMENT`) would bring to its minimum, or pay in full, is held instead of judged:
 * only what they pay it when they land counts (other money came after the due day). Their answer,
 * or the end of their 7 days, judges it as of its due day.
 */

/** The awaited repayments that can hold `bill` today: asked by its due day, within their 7 days. */
function holdersOf(state: LineState, bill: BillState, today: BusinessDate) {
  return (state.awaitedRepayments ?? []).filter(
    ({ askedOn }) => daysBetween(askedOn, bill.dueDate) >= 0 && daysBetween(askedOn, today) <= quoteHoldsDays,
  );
}

/**
 * The hold a bill gets when its due day passes (its first day judged), or null: it needs repayments
 * that would bring it to its minimum (MINIMUM) or, its minimum met, pay the rest (IN_FULL).
 */
export function holdAtDueDay(state: LineState, bill: BillState, today: BusinessDate): BillHold | null {
  const holders = holdersOf(state, bill, today);
  if (holders.length === 0) return null;
  const landed = stateOnceLanded(
    state,
    holders.map(({ repayment }) => repayment),
    today,
  ).bills.find((candidate) => candidate.billId === bill.billId);
  const shortOfMinimumMinor = remainingMinimumMinor(bill);
  const hold = (kind: BillHold['kind'], shortMinor: MinorUnits): BillHold => ({
    kind,
    repaymentIds: holders.map(({ repayment }) => repayment.repaymentId),
    shortMinor,
    coveredMinor: 0,
    accruedIfUncoveredMinor: 0,
    daysAccrued: 0,
  });
  // Gone from the landed line: they would pay it in full.
  if (shortOfMinimumMinor > 0)
    return !landed || remainingMinimumMinor(landed) === 0 ? hold('MINIMUM', shortOfMinimumMinor) : null;
  return !landed ? hold('IN_FULL', billOwedMinor(bill)) : null;
}

/** Whether a repayment it waits on is still waiting, within its 7 days. */
export function holdIsOn(state: LineState, bill: BillState, today: BusinessDate): boolean {
  const ids = bill.held?.repaymentIds ?? [];
  return holdersOf(state, bill, today).some(({ repayment }) => ids.includes(repayment.repaymentId));
}

/** Runs a repayment's landing, counting what it pays each bill held for it. */
export function coveringHeldBills<T>(state: LineState, repaymentId: string, land: () => T): T {
  const settledBefore = new Map(
    state.bills
      .filter((bill) => bill.held?.repaymentIds.includes(repaymentId))
      .map((bill) => [bill.billId, billSettledMinor(bill)]),
  );
  const result = land();
  // By id: a landing may replace the bill objects.
  for (const bill of state.bills) {
    const beforeMinor = settledBefore.get(bill.billId);
    if (beforeMinor !== undefined && bill.held)
      bill.held.coveredMinor += Math.max(0, billSettledMinor(bill) - beforeMinor);
  }
  return result;
}

/** Drops awaited repayments past their 7 days (they hold nothing) and answers older than that. */
export function forgetStaleAwaits(state: LineState, today: BusinessDate): void {
  if (state.awaitedRepayments) {
    state.awaitedRepayments = state.awaitedRepayments.filter(
      ({ askedOn }) => daysBetween(askedOn, today) <= quoteHoldsDays,
    );
    if (state.awaitedRepayments.length === 0) delete state.awaitedRepayments;
  }
  if (state.repaymentsAnswered) {
    state.repaymentsAnswered = state.repaymentsAnswered.filter(
      ({ on }) => daysBetween(on, today) <= quoteHoldsDays,
    );
    if (state.repaymentsAnswered.length === 0) delete state.repaymentsAnswered;
  }
}
