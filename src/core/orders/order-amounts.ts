import type { ScheduledPeriod } from '../installments/schedule';
import type { MinorUnits } from '../money';
import { dayMs } from '../time/business-date';

/** A cart's total: unit price x quantity, summed (exact integers). */
export function cartTotalMinor(
  items: readonly { unitPriceMinor: MinorUnits; quantity: number }[],
): MinorUnits {
  return items.reduce((sum, item) => sum + item.unitPriceMinor * item.quantity, 0);
}

/** What one installment period asks the customer to pay. */
export function periodPaymentMinor(period: ScheduledPeriod): MinorUnits {
  return period.principalMinor + period.feeMinor;
}

export function schedulePrincipalMinor(schedule: readonly ScheduledPeriod[]): MinorUnits {
  return schedule.reduce((sum, period) => sum + period.principalMinor, 0);
}

export type RefundCheck =
  | { ok: true; refundedAfterMinor: MinorUnits }
  | { ok: false; code: 'REFUND_EXCEEDS_CAPTURED'; refundableMinor: MinorUnits };

/** Many partial refunds, never more in total than was captured. */
export function checkRefund(
  capturedMinor: MinorUnits,
  refundedBeforeMinor: MinorUnits,
  amountMinor: MinorUnits,
): RefundCheck {
  const refundableMinor = capturedMinor - refundedBeforeMinor;
  if (amountMinor > refundableMinor) return { ok: false, code: 'REFUND_EXCEEDS_CAPTURED', refundableMinor };
  return { ok: true, refundedAfterMinor: refundedBeforeMinor + amountMinor };
}

/** Hold lifetime: an order not shipped by then is cancelled and its hold released. */
export const holdLifetimeDays = 7;

/** Holds placed before this instant have expired at `now`. */
export function holdsExpireIfPlacedBefore(now: Date): Date {
  return new Date(now.getTime() - holdLifetimeDays * dayMs);
}

/** A cart's size: lines per checkout, and units per line. */
export const maxCartLines = 50;
export const maxUnitsPerLine = 99;
