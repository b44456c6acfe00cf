/**
 * Money is an integer count of minor units (fen). Floats never hold money: a float cannot
 * represent 0.1 CNY exactly, and rounding errors would move real money.
 */
export type MinorUnits = number;

export const currency = 'CNY';
const minorPerMajor = 100;

export function assertMinor(amountMinor: number, what = 'amount'): asserts amountMinor is MinorUnits {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`${what} must be a safe integer of minor units, got ${amountMinor}`);
  }
}

/** A money amount a command moves: a whole, positive number of fen (the ledger's rule, checked early by callers). */
export function isPositiveMinor(amountMinor: number | undefined): amountMinor is MinorUnits {
  return Number.isSafeInteger(amountMinor) && amountMinor! > 0;
}

/** Exact decimal string for an amount in minor units: 123456 -> "1234.56", -5 -> "-0.05". */
export function formatMinor(amountMinor: MinorUnits): string {
  assertMinor(amountMinor);
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  const major = Math.floor(abs / minorPerMajor);
  const fraction = String(abs % minorPerMajor).padStart(2, '0');
  return `${sign}${major}.${fraction}`;
}

/** Digits before the point an amount may have: 13 keeps every amount a safe integer of fen. */
export const maxDecimalMajorDigits = 13;

/**
 * Parses an exact decimal string ("12", "12.3", "12.34") into minor units: digits only, no spaces,
 * sign "+" or leading zeros; finer than a fen or too large is refused. The error says which rule
 * failed, in words a caller can show.
 */
export function parseDecimal(amount: string): MinorUnits {
  const match = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/.exec(amount);
  if (!match) {
    throw new RangeError('must be an exact decimal like "100.00" (digits, no spaces or leading zeros)');
  }
  const [, sign, major, fraction = ''] = match;
  if (fraction.length > 2) throw new RangeError('must have at most 2 decimals (a fen)');
  if (major!.length > maxDecimalMajorDigits) {
    throw new RangeError(`must have at most ${maxDecimalMajorDigits} digits before the decimal point`);
  }
  const minor = Number(major) * minorPerMajor + Number(fraction.padEnd(2, '0'));
  return sign === '-' && minor !== 0 ? -minor : minor;
}
