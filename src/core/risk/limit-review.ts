import { lineFigures, type LineState, overdueBillsOf, upgradeLineState } from '../ledger/line-state';
import type { MinorUnits } from '../money';
import { type BusinessDate, daysBetween } from '../time/business-date';
import { mulDivFloor } from '../money-math';
import { maximumLimitMinor } from './scorecard';

export interface LimitReviewInput {
  limitMinor: MinorUnits;
  /** Outstanding principal plus open holds: a cut never goes below it. */
  usedMinor: MinorUnits;
  onTimeStreak: number;
  /** Raises this streak already earned; by default, one for each 3 bills before the newest. */
  raisesInStreak?: number;
  currentDaysOverdue: number;
  /**
   * Bills gone overdue that have not cut the limit yet (settled ones too): each cuts once. Default:
   * one when overdue.
   */
  uncutOverdueBills?: number;
  /** The line is FROZEN now. */
  frozen?: boolean;
}

export type LimitReviewAction = 'RAISE' | 'KEEP' | 'CUT' | 'FREEZE' | 'UNFREEZE';

export interface LimitReviewResult {
  action: LimitReviewAction;
  newLimitMinor: MinorUnits;
  reason: string;
}

export const raiseAfterOnTimeStreak = 3;
export const raisePercent = 10;
export const cutToPercent = 70;
export const freezeAfterDaysOverdue = 30;

/** How a frozen line opens again, as shoppers are told it (notices, refusals, the schema). */
export const frozenLineReopens =
  'it opens again once nothing is overdue, at once when a payment or refund pays the last overdue bill';

/**
 * Periodic review: freeze on long overdue, cut on overdue, unfreeze once nothing is overdue, raise
 * after every `raiseAfterOnTimeStreak` on-time bills in a row (capped).
 */
export function reviewLimit(input: LimitReviewInput): LimitReviewResult {
  // A bill settled after it went overdue but before its cut still cuts: no overdue days are left.
  const uncut = input.uncutOverdueBills ?? (input.currentDaysOverdue > 0 ? 1 : 0);
  const cutMinor = Math.max(input.usedMinor, mulDivFloor(input.limitMinor, cutToPercent, 100));
  const cutDue = uncut > 0 && cutMinor < input.limitMinor;
  if (input.frozen && input.currentDaysOverdue === 0) {
    // A cut still waiting (it could not go below what was used) is made as the line opens.
    return cutDue
      ? { action: 'UNFREEZE', newLimitMinor: cutMinor, reason: 'OVERDUE_CLEARED_AND_CUT' }
      : { action: 'UNFREEZE', newLimitMinor: input.limitMinor, reason: 'OVERDUE_CLEARED' };
  }
  if (input.frozen) return { action: 'KEEP', newLimitMinor: input.limitMinor, reason: 'STILL_OVERDUE' };
  if (input.currentDaysOverdue > freezeAfterDaysOverdue) {
    return { action: 'FREEZE', newLimitMinor: input.limitMinor, reason: 'OVERDUE_OVER_30_DAYS' };
  }
  if (uncut > 0) {
    return cutDue
      ? { action: 'CUT', newLimitMinor: cutMinor, reason: 'OVERDUE' }
      : { action: 'KEEP', newLimitMinor: input.limitMinor, reason: 'CUT_WOULD_GO_BELOW_USED' };
  }
  if (input.currentDaysOverdue > 0) {
    return { action: 'KEEP', newLimitMinor: input.limitMinor, reason: 'ALREADY_CUT' };
  }
  // One raise per 3 on-time bills, even when one repayment settles several bills at once.
  const raisesGiven =
    input.raisesInStreak ?? Math.floor(Math.max(0, input.onTimeStreak - 1) / raiseAfterOnTimeStreak);
  if (
    Math.floor(input.onTimeStreak / raiseAfterOnTimeStreak) > raisesGiven &&
    input.limitMinor < maximumLimitMinor
  ) {
    // Whole yuan only, capped at the product maximum.
    const raised = Math.floor(mulDivFloor(input.limitMinor, 100 + raisePercent, 100) / 100) * 100;
    return { action: 'RAISE', newLimitMinor: Math.min(maximumLimitMinor, raised), reason: 'ON_TIME_STREAK' };
  }
  return { action: 'KEEP', newLimitMinor: input.limitMinor, reason: 'NO_CHANGE' };
}

/** The review a line's state calls for today, with a key that makes it happen once per cause. */
export function limitReviewFor(
  state: LineState,
  today: BusinessDate,
): {
  reviewId: string;
  action: Exclude<LimitReviewAction, 'KEEP'>;
  newLimitMinor: MinorUnits;
  billId?: string;
} | null {
  const overdue = overdueBillsOf(state);
  // A late-cut bill can fall due after a newer one: the next cut is for the earliest due still uncut.
  const uncut = [
    ...overdue.filter((bill) => !bill.limitCutDone),
    ...upgradeLineState(state).settledOverdueBillsUncut,
  ].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.statementDate.localeCompare(b.statementDate));
  const review = reviewLimit({
    limitMinor: state.limitMinor,
    usedMinor: lineFigures(state).principalMinor + state.heldMinor,
    onTimeStreak: state.onTimeStreak,
    raisesInStreak: state.raisesInStreak,
    currentDaysOverdue: Math.max(0, ...overdue.map((bill) => daysBetween(bill.dueDate, today))),
    uncutOverdueBills: uncut.length,
    frozen: state.status === 'FROZEN',
  });
  if (review.action === 'KEEP') return null;
  if (review.action === 'CUT') {
    const billId = uncut[0]!.billId;
    return { reviewId: `cut:${billId}`, action: 'CUT', newLimitMinor: review.newLimitMinor, billId };
  }
  // An unfreeze that makes the cut that was waiting makes it for the earliest bill still uncut.
  const cutsFor = review.action === 'UNFREEZE' && review.newLimitMinor < state.limitMinor;
  const cause =
    review.action === 'RAISE'
      ? `ontime${state.onTimeBillsTotal - state.onTimeStreak}:${state.raisesInStreak + 1}`
      : review.action === 'UNFREEZE'
        ? today
        : overdue[0]!.billId;
  return {
    reviewId: `${review.action.toLowerCase()}:${cause}`,
    action: review.action,
    newLimitMinor: review.newLimitMinor,
    ...(cutsFor ? { billId: uncut[0]!.billId } : {}),
  };
}

/**
 * A frozen line opens as soon as nothing is overdue: the review a payment's or refund's entry calls
 * for at once, not at the next daily run (the other reviews wait for it).
 */
export function reopeningFor(state: LineState, today: BusinessDate): ReturnType<typeof limitReviewFor> {
  if (state.status !== 'FROZEN') return null;
  const review = limitReviewFor(state, today);
  return review?.action === 'UNFREEZE' ? review : null;
}
