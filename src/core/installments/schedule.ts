import { assertMinor, type MinorUnits } from '../money';
import { mulDivRoundHalfUp, splitEvenly } from '../money-math';
import { annualizedRateBps } from './annualized-rate';
import { type FeeTier, feeRateBpsPerPeriod, type InstallmentPeriodCount } from './fee-rates';

export interface ScheduledPeriod {
  /** 1-based period number. */
  index: number;
  principalMinor: MinorUnits;
  feeMinor: MinorUnits;
}

export interface InstallmentOffer {
  principalMinor: MinorUnits;
  periods: InstallmentPeriodCount;
  feeRateBpsPerPeriod: number;
  totalFeeMinor: MinorUnits;
  schedule: ScheduledPeriod[];
  annualizedRateBps: number;
}

/**
 * Prices a plan. Total fee = principal x rate x periods, rounded half up to the fen once; principal
 * and fee are each split exactly, remainders in period 1, so the schedule adds up to the cent.
 */
export function priceInstallments(
  principalMinor: MinorUnits,
  periods: InstallmentPeriodCount,
  tier: FeeTier,
): InstallmentOffer {
  assertMinor(principalMinor, 'principal');
  if (principalMinor <= 0) throw new RangeError('principal must be positive');
  const rateBps = feeRateBpsPerPeriod[tier][periods];
  const totalFeeMinor = mulDivRoundHalfUp(principalMinor, rateBps * periods, 10_000);
  const schedule = zipSchedule(splitEvenly(principalMinor, periods), splitEvenly(totalFeeMinor, periods));
  return {
    principalMinor,
    periods,
    feeRateBpsPerPeriod: rateBps,
    totalFeeMinor,
    schedule,
    annualizedRateBps: annualizedRateBps(
      principalMinor,
      schedule.map((period) => period.principalMinor + period.feeMinor),
    ),
  };
}

export function zipSchedule(principals: MinorUnits[], fees: MinorUnits[], firstIndex = 1): ScheduledPeriod[] {
  return principals.map((principalMinor, i) => ({
    index: firstIndex + i,
    principalMinor,
    feeMinor: fees[i] ?? 0,
  }));
}
