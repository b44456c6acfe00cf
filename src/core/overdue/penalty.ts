import type { MinorUnits } from '../money';
import { mulDivFloor } from '../money-math';

/** Overdue penalty: 0.05% of the overdue amount per day, from the day after the due day. */
export const penaltyBpsPerDay = 5;

/**
 * Penalty accrued on overdue day `day` (1 = the day after the due day). Each day's amount is the
 * difference of cumulative floors, so N days always total floor(overdue x 0.05% x N): rounding never
 * accumulates in either direction.
 */
export function penaltyForOverdueDay(overdueMinor: MinorUnits, day: number): MinorUnits {
  if (!Number.isInteger(day) || day < 1) throw new RangeError('overdue day starts at 1');
  if (overdueMinor <= 0) return 0;
  return (
    mulDivFloor(overdueMinor, penaltyBpsPerDay * day, 10_000) -
    mulDivFloor(overdueMinor, penaltyBpsPerDay * (day - 1), 10_000)
  );
}
