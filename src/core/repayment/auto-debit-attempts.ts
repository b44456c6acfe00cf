import { type BusinessDate, businessDate } from '../time/business-date';

/** A bill's due-day auto-debit is asked at most this many times in all. */
export const autoDebitAttemptsPerBill = 3;

/** A declined auto-debit is asked again this long after it was asked: a card short at noon may be funded by evening. */
export const autoDebitRetryAfterMs = 4 * 3_600_000;

/** A retry is promised only this long before the due day ends: the schedule runs hourly. */
export const autoDebitRetryBeforeDayEndsMs = 3_600_000;

/** The last auto-debit asked for a bill, as far as the retry rule cares. */
export interface AutoDebitAttempt {
  /** 1 for the first. */
  attempt: number;
  /** The bank said no (a decision; one still waiting on the bank is not declined). */
  declined: boolean;
  askedAtMs: number;
}

/**
 * When the next attempt may be asked, or null when none will be: only after a decline, only on the
 * due day with an hour of it left (from the day after, the bill is overdue and the shopper repays by
 * hand), at most `autoDebitAttemptsPerBill` in all.
 */
export function autoDebitRetryAtMs(last: AutoDebitAttempt, dueDate: BusinessDate): number | null {
  if (!last.declined || last.attempt >= autoDebitAttemptsPerBill) return null;
  const retryAtMs = last.askedAtMs + autoDebitRetryAfterMs;
  return businessDate(new Date(retryAtMs + autoDebitRetryBeforeDayEndsMs)) === dueDate ? retryAtMs : null;
}

/**
 * The attempt a due-jobs run asks for at `nowMs`: the first, a new one when a decline's retry time
 * came, else the last one again (whose record answers as before).
 */
export function autoDebitAttemptAt(
  last: AutoDebitAttempt | undefined,
  dueDate: BusinessDate,
  nowMs: number,
): number {
  if (!last) return 1;
  const retryAtMs = autoDebitRetryAtMs(last, dueDate);
  const retryNow = retryAtMs !== null && nowMs >= retryAtMs && businessDate(new Date(nowMs)) === dueDate;
  return retryNow ? last.attempt + 1 : last.attempt;
}
