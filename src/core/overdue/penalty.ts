import type { MinorUnits } from '../money';
import { mulDivFloor } from '../money-math';

/** Overdue penalty: 0.05% of the overdue amount per day, from the day after the due day. */
export const penaltyBpsPerDay = 5;

/**
 * Revolving interest: when only part of a bill (at least its minimum) is paid by the due day, the
 * unpaid rest accrues 0.05% a day from the day after the due day until it is paid. Charged as a fee:
 * owed on the line, outside the limit.
 */
export const revolvingInterestBpsPerDay = 5;

/**
 * What a daily rate accrues on day `day` (1 = the day after the due day). Each day's amount is the
 * difference of cumulative floors, so N days always total floor(amount x rate x N): rounding never
 * accumulates in either direction.
 */
export function dailyAccrual(amountMinor: MinorUnits, bpsPerDay: number, day: number): MinorUnits {
  if (!Number.isInteger(day) || day < 1) throw new RangeError('accrual days start at 1');
  if (amountMinor <= 0) return 0;
  return (
    mulDivFloor(amountMinor, bpsPerDay * day, 10_000) -
    mulDivFloor(amountMinor, bpsPerDay * (day - 1), 10_000)
  );
}

export function penaltyForOverdueDay(overdueMinor: MinorUnits, day: number): MinorUnits {
  return dailyAccrual(overdueMinor, penaltyBpsPerDay, day);
}
