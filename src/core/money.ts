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

/** Exact decimal string for an amount in minor units: 123456 -> "1234.56", -5 -> "-0.05". */
export function formatMinor(amountMinor: MinorUnits): string {
  assertMinor(amountMinor);
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  const major = Math.floor(abs / minorPerMajor);
  const fraction = String(abs % minorPerMajor).padStart(2, '0');
  return `${sign}${major}.${fraction}`;
}

/** Parses an exact decimal string ("12", "12.3", "12.34") into minor units; rejects anything finer. */
export function parseDecimal(amount: string): MinorUnits {
  const match = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`"${amount}" is not a decimal amount with at most 2 decimals`);
  const [, sign, major, fraction = ''] = match;
  const minor = Number(major) * minorPerMajor + Number(fraction.padEnd(2, '0'));
  return sign === '-' ? -minor : minor;
}
