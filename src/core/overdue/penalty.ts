import { remainingMinimumMinor } from '../billing/bill-status';
import {
  billPrincipalOwedMinor,
  type BillHold,
  type BillState,
  type LineState,
  owedOn,
} from '../ledger/line-state';
import type { MinorUnits } from '../money';
import { type BusinessDate, daysBetween } from '../time/business-date';
import { holdAtDueDay, holdIsOn } from './awaited-repayments';

/** Overdue penalty: 0.05% a day of what is overdue on the bill, from the day after the due day. */
export const penaltyBpsPerDay = 5;

/**
 * Revolving interest: when at least the minimum (but not all) of a bill was paid by the due day, its
 * unpaid principal accrues 0.05% a day from the day after the due day until paid. An assumption: the
 * brief names no rate.
 */
export const revolvingInterestBpsPerDay = 5;

/** Penalty base: principal and installment amounts overdue on the bill, never penalties or interest. */
export function penaltyBaseMinor(bill: BillState): MinorUnits {
  return billPrincipalOwedMinor(bill) + owedOn(bill, 'INSTALLMENT_FEES');
}

/** Interest base: principal still owed on the bill. */
export function interestBaseMinor(bill: BillState): MinorUnits {
  return billPrincipalOwedMinor(bill);
}

/** What a day past due accrues on: the penalty base once overdue, else the interest base. */
function accrualBaseMinor(bill: BillState): MinorUnits {
  return bill.overdue ? penaltyBaseMinor(bill) : interestBaseMinor(bill);
}

/** A bill past its due day goes overdue when its minimum is still unpaid (once, for good). */
function goesOverdue(bill: BillState): boolean {
  return !bill.overdue && remainingMinimumMinor(bill) > 0;
}

export interface Accrued {
  penaltyMinor: MinorUnits;
  interestMinor: MinorUnits;
  /** Bill-days accrued on a base above zero (a bill 3 days past due, owing all along, accrues 3). */
  penaltyDays: number;
  interestDays: number;
  billsGoneOverdue: string[];
}

/**
 * Brings every bill up to `today` (mutates `state`): at the first day after its due day a bill whose
 * minimum is not met goes overdue; then each day past due accrues the penalty (overdue) or revolving
 * interest (minimum met) on what that bill owes at that moment. Every command runs this first, so a
 * day's base is exactly what was owed when the day began, however late a scheduler runs. Sub-fen
 * remainders carry to the next day: N days on a constant base total floor(base x rate x N). A bill
 * that repayments asked by its due day still wait on is held instead (`awaited-repayments.ts`): its
 * days accrue aside, and are charged or dropped when it is judged.
 */
export function accrueDueDays(state: LineState, today: BusinessDate): Accrued {
  const accrued: Accrued = {
    penaltyMinor: 0,
    interestMinor: 0,
    penaltyDays: 0,
    interestDays: 0,
    billsGoneOverdue: [],
  };
  for (const bill of state.bills) {
    const daysPastDue = daysBetween(bill.dueDate, today);
    if (daysPastDue < 1) continue;
    if (!bill.held && !bill.overdue && bill.accruedDays === 0) {
      const hold = holdAtDueDay(state, bill, today);
      if (hold) bill.held = hold;
    }
    if (bill.held) {
      if (holdIsOn(state, bill, today)) {
        accrueWhileHeld(bill, bill.held, daysPastDue);
        continue;
      }
      judgeHeld(state, bill, bill.held, accrued);
    }
    if (goesOverdue(bill)) markOverdue(state, bill, accrued);
    // Penalties and interest are never in the base, so it holds for every day to bring up to date; a
    // base of nothing adds nothing and leaves the carry as it is.
    const base = accrualBaseMinor(bill);
    const bps = bill.overdue ? penaltyBpsPerDay : revolvingInterestBpsPerDay;
    for (let day = bill.accruedDays + 1; base > 0 && day <= daysPastDue; day += 1) {
      const amountMinor = dayAccrual(bill, base, bps);
      if (bill.overdue) {
        bill.billed.PENALTIES += amountMinor;
        accrued.penaltyMinor += amountMinor;
        accrued.penaltyDays += 1;
      } else {
        bill.billed.INTEREST += amountMinor;
        accrued.interestMinor += amountMinor;
        accrued.interestDays += 1;
      }
    }
    bill.accruedDays = Math.max(bill.accruedDays, daysPastDue);
  }
  return accrued;
}

/** Overdue for good: the on-time streak and the raises it earned start again. */
function markOverdue(state: LineState, bill: BillState, accrued: Accrued): void {
  bill.overdue = true;
  state.onTimeStreak = 0;
  state.raisesInStreak = 0;
  accrued.billsGoneOverdue.push(bill.billId);
}

/** One day's accrual on `base`, the sub-fen remainder carried on the bill. */
function dayAccrual(bill: BillState, base: MinorUnits, bps: number): MinorUnits {
  const scaled = base * bps + bill.accrualRemainder;
  const amountMinor = Math.floor(scaled / 10_000);
  bill.accrualRemainder = scaled - amountMinor * 10_000;
  return amountMinor;
}

/**
 * A held bill's days, as they would accrue were it judged without what it waits on: the penalty on
 * its penalty base (its minimum was unmet) or interest on its principal (met), each day on that day's
 * base, kept aside.
 */
function accrueWhileHeld(bill: BillState, hold: BillHold, daysPastDue: number): void {
  const base = heldBaseMinor(bill, hold.kind);
  const bps = hold.kind === 'MINIMUM' ? penaltyBpsPerDay : revolvingInterestBpsPerDay;
  for (let day = bill.accruedDays + 1; base > 0 && day <= daysPastDue; day += 1) {
    hold.accruedIfUncoveredMinor += dayAccrual(bill, base, bps);
    hold.daysAccrued += 1;
  }
  bill.accruedDays = Math.max(bill.accruedDays, daysPastDue);
}

/** What a held bill's days accrue on aside: its penalty base (minimum unmet), else its interest base. */
function heldBaseMinor(bill: BillState, kind: BillHold['kind']): MinorUnits {
  return kind === 'MINIMUM' ? penaltyBaseMinor(bill) : interestBaseMinor(bill);
}

/**
 * The repayments a bill waited on are answered (or their 7 days passed): judged as of its due day.
 * Covered by what they paid it, it was paid in time: the days kept aside are dropped, and its days
 * accrue again from the day after its due day as a current bill's (interest on what is left).
 * Otherwise it is judged as had they never been asked: overdue (MINIMUM) with the penalties kept
 * aside, or owing the interest kept aside (IN_FULL).
 */
function judgeHeld(state: LineState, bill: BillState, hold: BillHold, accrued: Accrued): void {
  delete bill.held;
  if (hold.coveredMinor >= hold.shortMinor) {
    bill.accruedDays = 0;
    bill.accrualRemainder = 0;
    return;
  }
  if (hold.kind === 'MINIMUM') {
    markOverdue(state, bill, accrued);
    bill.billed.PENALTIES += hold.accruedIfUncoveredMinor;
    accrued.penaltyMinor += hold.accruedIfUncoveredMinor;
    accrued.penaltyDays += hold.daysAccrued;
  } else {
    bill.billed.INTEREST += hold.accruedIfUncoveredMinor;
    accrued.interestMinor += hold.accruedIfUncoveredMinor;
    accrued.interestDays += hold.daysAccrued;
  }
}

/** The line as it stands at `today`: overdue status, penalties and interest brought up to date. */
export function stateAt(state: LineState, today: BusinessDate): LineState {
  const current = structuredClone(state);
  accrueDueDays(current, today);
  return current;
}

/**
 * Whether a day has begun that changes a bill: one that would judge it overdue, or accrue on a base
 * above zero. A bill that owes nothing to accrue on is not due, so a settled line writes no daily
 * entry; the next entry of any kind brings its days up to date, with nothing accrued for them.
 */
export function accrualDue(state: LineState, today: BusinessDate): boolean {
  return state.bills.some((bill) => {
    const daysPastDue = daysBetween(bill.dueDate, today);
    if (daysPastDue < 1) return false;
    // Held, each day accrues aside on that day's base (a daily entry, as for any bill), until judged.
    if (bill.held)
      return (
        !holdIsOn(state, bill, today) ||
        (daysPastDue > bill.accruedDays && heldBaseMinor(bill, bill.held.kind) > 0)
      );
    const hold = !bill.overdue && bill.accruedDays === 0 ? holdAtDueDay(state, bill, today) : null;
    if (hold) return heldBaseMinor(bill, hold.kind) > 0;
    return daysPastDue > bill.accruedDays && (goesOverdue(bill) || accrualBaseMinor(bill) > 0);
  });
}
