import type { LineStatus } from './ledger/line-state';
import type { MinorUnits } from './money';

/**
 * The limit that outstanding principal and open holds leave: limit - principal - holds. Fees and
 * penalties are owed on bills but never consume the limit, so they are not inputs here. Never
 * negative on a sound line (`assertLineState`).
 */
export function unusedLimitMinor(line: {
  limitMinor: MinorUnits;
  usedMinor: MinorUnits;
  heldMinor: MinorUnits;
}): MinorUnits {
  return line.limitMinor - line.usedMinor - line.heldMinor;
}

/** Only an ACTIVE line can be spent on: one under review, frozen or closed refuses every purchase. */
export function lineCanSpend(status: string): boolean {
  return status === 'ACTIVE';
}

/**
 * The one place the available-credit rule lives: what the customer can spend now. An ACTIVE line's
 * unused limit; any other shows 0 rather than a figure the shopper cannot use.
 */
export function availableMinor(line: {
  status: LineStatus;
  limitMinor: MinorUnits;
  usedMinor: MinorUnits;
  heldMinor: MinorUnits;
}): MinorUnits {
  return lineCanSpend(line.status) ? unusedLimitMinor(line) : 0;
}
