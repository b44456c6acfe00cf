import { assertMinor, type MinorUnits } from './money';

/** Splits an amount into `parts` integer shares that add up exactly; the remainder goes to the first. */
export function splitEvenly(totalMinor: MinorUnits, parts: number): MinorUnits[] {
  assertMinor(totalMinor);
  if (!Number.isInteger(parts) || parts < 1)
    throw new RangeError(`parts must be a positive integer, got ${parts}`);
  const base = Math.floor(totalMinor / parts);
  const remainder = totalMinor - base * parts;
  return Array.from({ length: parts }, (_, index) => (index === 0 ? base + remainder : base));
}

/** round(amount * numerator / denominator), half up, in exact integer arithmetic (non-negative inputs). */
export function mulDivRoundHalfUp(
  amountMinor: MinorUnits,
  numerator: number,
  denominator: number,
): MinorUnits {
  const product = BigInt(amountMinor) * BigInt(numerator);
  const d = BigInt(denominator);
  return Number((product * 2n + d) / (2n * d));
}

/** floor(amount * numerator / denominator) in exact integer arithmetic (non-negative inputs). */
export function mulDivFloor(amountMinor: MinorUnits, numerator: number, denominator: number): MinorUnits {
  return Number((BigInt(amountMinor) * BigInt(numerator)) / BigInt(denominator));
}

/** ceil(amount * numerator / denominator) in exact integer arithmetic (non-negative inputs). */
export function mulDivCeil(amountMinor: MinorUnits, numerator: number, denominator: number): MinorUnits {
  const d = BigInt(denominator);
  return Number((BigInt(amountMinor) * BigInt(numerator) + d - 1n) / d);
}
