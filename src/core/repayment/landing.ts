import type { RepayCommand } from '../ledger/commands';
import { dropDone, type LineState } from '../ledger/line-state';
import type { MinorUnits } from '../money';
import type { BusinessDate } from '../time/business-date';
import { payOverdueAsQuoted, waiveAccrualsSinceAsked } from './as-asked';
import { allocatePayoff } from './payoff';

export type { RepayCommand };

/**
 * Takes what a repayment's `RESERVE_CREDIT` set aside out of the reserve: as much of it as bills cut
 * meanwhile left (the reserve pays them too, see `finish` in apply.ts); null for an amount that is not one.
 */
export function takeReserved(state: LineState, askedMinor: number): number | null {
  if (!Number.isSafeInteger(askedMinor) || askedMinor < 0) return null;
  const heldMinor = state.reservedCreditMinor ?? 0;
  const takenMinor = Math.min(askedMinor, heldMinor);
  if (heldMinor > 0) state.reservedCreditMinor = heldMinor - takenMinor;
  return takenMinor;
}

/**
 * A repayment's money landing on a line brought up to `today` (mutates `state`): accruals since the
 * ask waived, overdue bills paid as quoted, then the payoff or the waterfall, unbilled charges last.
 * Returns what is left over (a credit balance), or null when its amounts are not ones.
 */
export function landRepayment(
  state: LineState,
  command: RepayCommand,
  today: BusinessDate,
): MinorUnits | null {
  const askedMinor = command.reservedCreditMinor ?? 0;
  const totalMinor = command.amountMinor + askedMinor;
  // Nothing from the source is a repayment only when a reserved balance pays it.
  if (!Number.isSafeInteger(totalMinor) || totalMinor <= 0 || !(command.amountMinor >= 0)) return null;
  const reservedMinor = takeReserved(state, askedMinor);
  if (reservedMinor === null) return null;
  const asAsked = command.billsAsAsked ?? {};
  const { paidBackMinor } = waiveAccrualsSinceAsked(state, asAsked, command.askedOn, today);
  const moneyMinor = command.amountMinor + reservedMinor + paidBackMinor;
  const leftMinor = moneyMinor - payOverdueAsQuoted(state, asAsked, moneyMinor);
  if (leftMinor <= 0) return 0;
  return allocatePayoff(state, leftMinor, {
    payOffPlanIds: command.payOffPlanIds,
    prepayUnbilled: true,
    ...(command.billedPeriodsWhenAsked ? { billedPeriodsWhenAsked: command.billedPeriodsWhenAsked } : {}),
  }).unallocatedMinor;
}

/**
 * The line once the repayments still waiting on their source have landed on `today` as quoted, in
 * the order asked: what a new quote counts as paid, so neither the due-day auto-debit nor a second
 * tap collects a bill twice. Its credit balance stays the line's own: what they would leave over
 * has not landed and is not spent again.
 */
export function stateOnceLanded(
  state: LineState,
  waiting: readonly RepayCommand[],
  today: BusinessDate,
): LineState {
  if (waiting.length === 0) return state;
  const landed = structuredClone(state);
  // What each would leave over (returned) is not added to the balance.
  for (const repayment of waiting) landRepayment(landed, repayment, today);
  // As the ledger's head would show it: a plan they pay off is not offered again.
  dropDone(landed);
  return landed;
}
