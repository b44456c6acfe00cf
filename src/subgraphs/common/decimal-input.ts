import { parseDecimal } from '../../core/money';
import { UserError } from './user-error.type';

/** A money argument given as an exact decimal string: its minor units, or the user error to return. */
export function decimalInput(amount: string, field = 'amount'): number | UserError {
  try {
    return parseDecimal(amount);
  } catch (error) {
    return UserError.from({
      field,
      code: 'INVALID_AMOUNT',
      message: `"${field}" ${(error as RangeError).message}`,
    });
  }
}

/** A capture's amount, optional: absent or null captures the whole hold (shared by stores and partners). */
export const captureAmountDescription =
  'Exact decimal CNY to capture when only part shipped (or was delivered), e.g. "80.00": at least the channel\'s minimum (as a checkout of it; else CAPTURE_BELOW_MINIMUM), at most the amount held; the rest of the hold is released at once, and an INSTALLMENTS plan is priced on what is captured. Absent or null: the whole amount held. A hold is captured once: another amount after it is ORDER_ALREADY_SHIPPED';

/** An optional money argument: undefined when absent or null, else as `decimalInput`. */
export function optionalDecimalInput(
  amount: string | null | undefined,
  field = 'amount',
): number | UserError | undefined {
  return amount === undefined || amount === null ? undefined : decimalInput(amount, field);
}
