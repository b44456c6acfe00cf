/**
 * Annualized rate including fees, by the IRR method regulators require: the monthly rate r at which
 * the payments' present value equals the principal, times 12. Returned in basis points (1727 = 17.27%).
 * Bisection is used because it is deterministic and cannot diverge; a rate is not money, so floats are fine.
 */
export function annualizedRateBps(principalMinor: number, monthlyPaymentsMinor: readonly number[]): number {
  const presentValue = (rate: number) =>
    monthlyPaymentsMinor.reduce((sum, payment, index) => sum + payment / (1 + rate) ** (index + 1), 0);
  const totalPaid = monthlyPaymentsMinor.reduce((sum, payment) => sum + payment, 0);
  if (totalPaid <= principalMinor) return 0;
  let low = 0;
  let high = 1;
  for (let i = 0; i < 200; i += 1) {
    const mid = (low + high) / 2;
    const [nextLow, nextHigh] = presentValue(mid) > principalMinor ? [mid, high] : [low, mid];
    // Past double precision a step changes nothing, and neither would the steps left.
    if (nextLow === low && nextHigh === high) break;
    low = nextLow;
    high = nextHigh;
  }
  return Math.round(((low + high) / 2) * 12 * 10_000);
}

export function formatRateBps(bps: number): string {
  return `${(bps / 100).toFixed(2)}%`;
}
