import { installmentPeriodCountsText, isInstallmentPeriodCount } from '../../core/installments/fee-rates';
import type { Plan } from '../../core/policy/channel-policies';
import { isRefusal, refusalMessage } from '../../core/policy/refusal-reasons';
import type { LineStatus } from '../../core/ledger/line-state';

/** A mutation's refusal: a stable code, a message for people, and the input field at fault if any. */
export interface UserError {
  field: string | null;
  code: string;
  message: string;
}

export function userError(code: string, message: string, field: string | null = null): UserError {
  return { field, code, message };
}

const idempotencyKeyLength = { min: 8, max: 100 };
const idempotencyKeyPattern = new RegExp(
  `^[\\w.:-]{${idempotencyKeyLength.min},${idempotencyKeyLength.max}}$`,
);
/** What a client idempotency key may be, as clients are told it (the error and the schema). */
export const idempotencyKeyRule = `${idempotencyKeyLength.min}-${idempotencyKeyLength.max} ASCII letters, digits, "-", "_", "." or ":"`;

/** Client idempotency keys: from a safe set, bounded. One rule for every money-moving mutation. */
export function idempotencyKeyError(key: string): UserError | null {
  return idempotencyKeyPattern.test(key)
    ? null
    : userError('INVALID_IDEMPOTENCY_KEY', `Use ${idempotencyKeyRule}`, 'idempotencyKey');
}

/** FULL takes no period count; installments take one the product sells (`installmentPeriodCounts`). */
export function planPeriodsError(plan: Plan, periods: number | null | undefined): UserError | null {
  if (plan === 'FULL' && periods != null && periods !== 1)
    return userError('INVALID_PERIODS', 'FULL is paid at once: leave periods empty', 'periods');
  if (plan === 'INSTALLMENTS' && !(periods != null && isInstallmentPeriodCount(periods)))
    return userError(
      'INVALID_PERIODS',
      `Installments come in ${installmentPeriodCountsText} periods`,
      'periods',
    );
  return null;
}

/**
 * A risk refusal as a user error: its code, the message written once in core (naming the line's
 * state when that refused it), the input at fault.
 */
export function refusalError(
  reason: string,
  fieldOf: Partial<Record<string, string>> = {},
  lineStatus?: LineStatus,
): UserError {
  return userError(
    reason,
    isRefusal(reason) ? refusalMessage(reason, lineStatus) : `Refused: ${reason}`,
    fieldOf[reason] ?? null,
  );
}
