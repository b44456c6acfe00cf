import { billSettledMinor, remainingMinimumMinor } from '../billing/bill-status';
import { billOwedMinor, type BillHold, type BillState, type LineState } from '../ledger/line-state';
import type { MinorUnits } from '../money';
import { quoteHoldsDays } from '../repayment/as-asked';
import { stateOnceLanded } from '../repayment/landing';
import { addDays, type BusinessDate, daysBetween } from '../time/business-date';

/*
 * A shopper who asks a repayment by a bill's due day has paid in time, even when the source
 * confirms days later. When the due day passes, a bill those repayments (still waiting: the
 * source's `AWAIT_REPAYMENT`) would bring to its minimum, or pay in full, is held instead of judged:
 * only their landing counts, for what it was to pay the bill (other money came after the due day).
 * Their answer, or the end of their 7 days, judges it as of its due day.
 */

/**
 * Whether a repayment asked on `askedOn` can hold a bill due on `dueDate` past its due day: asked by
 * the due day, with its 7 days reaching past it. One asked earlier counts on time only if it lands
 * by the due day.
 */
export function canHoldBillDueOn(askedOn: BusinessDate, dueDate: BusinessDate): boolean {
  return daysBetween(askedOn, dueDate) >= 0 && daysBetween(askedOn, addDays(dueDate, 1)) <= quoteHoldsDays;
}

/**
 * The last day the source's confirmation of a repayment asked on `askedOn`, by the due day, still
 * pays a bill due on `dueDate` on time (the day the product records it: the due jobs ask the source).
 */
export function confirmedInTimeBy(askedOn: BusinessDate, dueDate: BusinessDate): BusinessDate {
  return canHoldBillDueOn(askedOn, dueDate) ? addDays(askedOn, quoteHoldsDays) : dueDate;
}

/** The awaited repayments that can hold `bill` today: asked by its due day, within their 7 days. */
function holdersOf(state: LineState, bill: BillState, today: BusinessDate) {
  return (state.awaitedRepayments ?? []).filter(
    ({ askedOn }) => canHoldBillDueOn(askedOn, bill.dueDate) && daysBetween(askedOn, today) <= quoteHoldsDays,
  );
}

/**
 * The hold a bill gets when its due day passes (its first day judged), or null: it needs repayments
 * that would bring it to its minimum (MINIMUM) or, its minimum met, pay the rest (IN_FULL).
 */
export function holdAtDueDay(state: LineState, bill: BillState, today: BusinessDate): BillHold | null {
  const holders = holdersOf(state, bill, today);
  if (holders.length === 0) return null;
  // Landed one after the other, oldest ask first: what each would pay it.
  const expectedMinorByRepayment: Record<string, MinorUnits> = {};
  let landed: LineState = state;
  for (const { repayment } of holders) {
    const next = stateOnceLanded(landed, [repayment], today);
    const before = landed.bills.find((candidate) => candidate.billId === bill.billId);
    const after = next.bills.find((candidate) => candidate.billId === bill.billId);
    // Gone from the landed line: it paid the rest.
    const paidMinor = !before
      ? 0
      : after
        ? billSettledMinor(after) - billSettledMinor(before)
        : billOwedMinor(before);
    expectedMinorByRepayment[repayment.repaymentId] = Math.max(0, paidMinor);
    landed = next;
  }
  const landedBill = landed.bills.find((candidate) => candidate.billId === bill.billId);
  const shortOfMinimumMinor = remainingMinimumMinor(bill);
  const hold = (kind: BillHold['kind'], shortMinor: MinorUnits): BillHold => ({
    kind,
    expectedMinorByRepayment,
    shortMinor,
    coveredMinor: 0,
    accruedIfUncoveredMinor: 0,
    daysAccrued: 0,
  });
  if (shortOfMinimumMinor > 0)
    return !landedBill || remainingMinimumMinor(landedBill) === 0
      ? hold('MINIMUM', shortOfMinimumMinor)
      : null;
  return !landedBill ? hold('IN_FULL', billOwedMinor(bill)) : null;
}

/** Whether a repayment it waits on is still waiting, within its 7 days. */
export function holdIsOn(state: LineState, bill: BillState, today: BusinessDate): boolean {
  const expected = bill.held?.expectedMinorByRepayment ?? {};
  return holdersOf(state, bill, today).some(({ repayment }) => repayment.repaymentId in expected);
}

/**
 * A repayment a bill waits on landed in time: it counts for what it was to pay the bill when the due
 * day passed, wherever its money went (other money may have paid the bill first, or a refund
 * credited it: the shopper's repayment still came in time).
 */
export function countLandedForHeldBills(state: LineState, repaymentId: string): void {
  for (const bill of state.bills) {
    const expectedMinor = bill.held?.expectedMinorByRepayment[repaymentId];
    if (expectedMinor !== undefined) bill.held!.coveredMinor += expectedMinor;
  }
}

/** Drops awaited repayments past their 7 days (they hold nothing) and answers older than that. */
export function forgetStaleAwaits(state: LineState, today: BusinessDate): void {
  const recent = <T>(items: T[] | undefined, dayOf: (item: T) => BusinessDate): T[] | undefined => {
    const kept = items?.filter((item) => daysBetween(dayOf(item), today) <= quoteHoldsDays);
    // Absent when empty: a state without them reads as one written before they existed.
    return kept?.length ? kept : undefined;
  };
  const awaited = recent(state.awaitedRepayments, ({ askedOn }) => askedOn);
  const answered = recent(state.repaymentsAnswered, ({ on }) => on);
  if (awaited) state.awaitedRepayments = awaited;
  else delete state.awaitedRepayments;
  if (answered) state.repaymentsAnswered = answered;
  else delete state.repaymentsAnswered;
}
