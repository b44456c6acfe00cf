import type { MinorUnits } from './money';

/**
 * The one place the credit-line rule lives: available = limit - outstanding principal - open holds.
 * Fees and penalties are owed on bills but never consume the limit, so they are not inputs here.
 */
export function availableMinor(line: {
  limitMinor: MinorUnits;
  usedMinor: MinorUnits;
  heldMinor: MinorUnits;
}): MinorUnits {
  return line.limitMinor - line.usedMinor - line.heldMinor;
}
