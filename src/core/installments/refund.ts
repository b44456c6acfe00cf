import type { MinorUnits } from '../money';
import { mulDivRoundHalfUp, splitEvenly } from '../money-math';
import { type ScheduledPeriod, zipSchedule } from './schedule';

export interface InstallmentRefundResult {
  /** The unbilled periods after the refund (empty when the plan is cancelled). */
  remainingSchedule: ScheduledPeriod[];
  /** Unbilled principal removed by the refund. */
  principalReducedMinor: MinorUnits;
  /** Unbilled fees written off. */
  feeWrittenOffMinor: MinorUnits;
  /** Refund beyond the unbilled principal: goes to billed amounts (credit on the bill or money back). */
  excessMinor: MinorUnits;
  cancelled: boolean;
}

/**
 * Refund against an installment plan whose first `billedPeriods` periods are already on bills.
 * The refund first reduces unbilled principal. If some remains, it is re-amortized evenly over the
 * remaining periods and the unbilled fees shrink pro rata to the principal left (rounded half up,
 * split exactly). If none remains, the plan is cancelled and every unbilled fee is written off.
 */
export function refundInstallments(
  schedule: readonly ScheduledPeriod[],
  billedPeriods: number,
  refundMinor: MinorUnits,
): InstallmentRefundResult {
  if (!Number.isSafeInteger(refundMinor) || refundMinor <= 0) throw new RangeError('refund must be positive');
  const unbilled = schedule.slice(billedPeriods);
  const unbilledPrincipal = unbilled.reduce((sum, p) => sum + p.principalMinor, 0);
  const unbilledFee = unbilled.reduce((sum, p) => sum + p.feeMinor, 0);
  if (unbilled.length === 0 || refundMinor >= unbilledPrincipal) {
    return {
      remainingSchedule: [],
      principalReducedMinor: unbilledPrincipal,
      feeWrittenOffMinor: unbilledFee,
      excessMinor: refundMinor - unbilledPrincipal,
      cancelled: true,
    };
  }
  const principalLeft = unbilledPrincipal - refundMinor;
  const feeLeft = mulDivRoundHalfUp(unbilledFee, principalLeft, unbilledPrincipal);
  return {
    remainingSchedule: zipSchedule(
      splitEvenly(principalLeft, unbilled.length),
      splitEvenly(feeLeft, unbilled.length),
      billedPeriods + 1,
    ),
    principalReducedMinor: refundMinor,
    feeWrittenOffMinor: unbilledFee - feeLeft,
    excessMinor: 0,
    cancelled: false,
  };
}
