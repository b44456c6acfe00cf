import { formatMinor } from '../../core/money';
import { businessDate, businessTimeOfDay } from '../../core/time/business-date';
import { autoDebitAttemptsPerBill, autoDebitRetryAtMs } from '../../core/repayment/auto-debit-attempts';
import { isBillOfLine } from '../../storage/ids';
import type { RepaymentDoc } from '../../storage/models/repayment.model';
import type { Repositories } from '../../storage/repositories/repositories';
import type { OutboxService } from '../billing/outbox.service';

/**
 * An auto-debit's idempotency key (and its notice's): this prefix and the bill it collects, and from
 * the second attempt on, `:<attempt>` (a bill id ends with its statement date, never so).
 */
const autoDebitKeyPrefix = 'autodebit:';
export const autoDebitKey = (billId: string, attempt = 1) =>
  `${autoDebitKeyPrefix}${billId}${attempt > 1 ? `:${attempt}` : ''}`;
const attemptSuffix = /^(.+):([2-9])$/;

/**
 * The bill a repayment collected as its due-day auto-debit (its key and its shape: a STATEMENT from
 * the bank card, naming a bill of its own line) and which attempt it was, or undefined for any other
 * repayment. A shopper may choose such a key for her own line too (it then reads as one).
 */
export function autoDebitOf(repayment: RepaymentDoc): { billId: string; attempt: number } | undefined {
  const prefix = `${repayment.userId}:${autoDebitKeyPrefix}`;
  if (repayment.kind !== 'STATEMENT' || repayment.source !== 'BANK_CARD') return undefined;
  if (!repayment.idempotencyKey.startsWith(prefix)) return undefined;
  const rest = repayment.idempotencyKey.slice(prefix.length);
  const numbered = attemptSuffix.exec(rest);
  const found = numbered
    ? { billId: numbered[1]!, attempt: Number(numbered[2]) }
    : { billId: rest, attempt: 1 };
  // Only a key the jobs write (a client's own `...:0` or `...:01` is no auto-debit), for this line.
  return found.attempt <= autoDebitAttemptsPerBill &&
    autoDebitKey(found.billId, found.attempt) === `${autoDebitKeyPrefix}${rest}` &&
    isBillOfLine(found.billId, repayment.lineId)
    ? found
    : undefined;
}

/** An AUTO_DEBIT_FAILED notice's text: the bill (and the others the quote named), and why. */
export function couldNotCollect(billsDue: string, why: string): string {
  return `We could not collect your bill due ${billsDue}: ${why}`;
}

/**
 * The shopper's notice of an auto-debit the bank answered (the day asked or later), recorded once
 * (its key) by the settlement before the repayment's status, so a crash between the two leaves it
 * to the next try. It names the other bills its quote paid (a STATEMENT pays every bill owing) as
 * they stood the day asked, overdue ones as such: paid in full, they are gone from the line's state.
 */
export async function recordAutoDebitNotice(
  deps: { bills: Repositories['bills']; outbox: OutboxService },
  repayment: RepaymentDoc,
  answer: { collected: true } | { collected: false; why: string },
  now: Date,
): Promise<void> {
  const autoDebit = autoDebitOf(repayment);
  if (!autoDebit) return;
  const { billId, attempt } = autoDebit;
  const bill = await deps.bills.byId(billId);
  // No such bill of the line: a shopper's own key, not an auto-debit.
  if (!bill) return;
  const askedOn = businessDate(repayment.createdAt);
  const others = Object.keys(repayment.billsAsAsked ?? {}).filter((id) => id !== billId);
  const alsoPaid = (await Promise.all(others.map((id) => deps.bills.byId(id))))
    .flatMap((other) => (other ? [other] : []))
    .map((other) => ` and your ${other.dueDate < askedOn ? 'overdue ' : ''}bill due ${other.dueDate}`)
    .join('');
  // Declined in time for another attempt on the due day: she is told when.
  const retryAtMs = autoDebitRetryAtMs(
    { attempt, declined: true, askedAtMs: repayment.createdAt.getTime() },
    bill.dueDate,
  );
  // A decline the bank gave late can come after that time: then from now.
  const retry =
    !answer.collected && retryAtMs !== null && businessDate(now) === bill.dueDate
      ? ` We will ask your bank card again from ${businessTimeOfDay(new Date(Math.max(retryAtMs, now.getTime())))} today (Beijing time); to be sure the bill stays current, repay by hand today`
      : '';
  await deps.outbox.record(
    autoDebitKey(billId, attempt),
    repayment.userId,
    answer.collected ? 'AUTO_DEBIT_SUCCEEDED' : 'AUTO_DEBIT_FAILED',
    answer.collected
      ? `We collected ${formatMinor(repayment.amountMinor)} CNY for your bill due ${bill.dueDate}${alsoPaid} from your bank card`
      : `${couldNotCollect(`${bill.dueDate}${alsoPaid}`, answer.why)}${retry && `.${retry}`}`,
    billId,
    now,
  );
}
