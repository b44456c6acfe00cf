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
