/** Installment counts the product offers. */
export const installmentPeriodCounts = [3, 6, 12, 24] as const;
export type InstallmentPeriodCount = (typeof installmentPeriodCounts)[number];
/** The counts as shoppers read them: "3, 6, 12 or 24". */
export const installmentPeriodCountsText = installmentPeriodCounts.join(', ').replace(/, (\d+)$/, ' or $1');

/** Risk tiers from the scorecard; A is the lowest risk. */
export const feeTiers = ['A', 'B', 'C'] as const;
export type FeeTier = (typeof feeTiers)[number];

/**
 * Fee per period, in basis points of the original principal (0.50% to 1.20%), by tier and count.
 * Pricing is data: change it here and every offer, schedule and test table follows.
 */
export const feeRateBpsPerPeriod: Record<FeeTier, Record<InstallmentPeriodCount, number>> = {
  A: { 3: 50, 6: 55, 12: 60, 24: 65 },
  B: { 3: 70, 6: 75, 12: 80, 24: 85 },
  C: { 3: 90, 6: 100, 12: 110, 24: 120 },
};

export function isInstallmentPeriodCount(periods: number): periods is InstallmentPeriodCount {
  return (installmentPeriodCounts as readonly number[]).includes(periods);
}
