import { formatMinor } from '../../core/money';
import { businessDate } from '../../core/time/business-date';
import type { RepaymentDoc } from '../../storage/models/repayment.model';
import type { Repositories } from '../../storage/repositories/repositories';
import type { OutboxService } from '../billing/outbox.service';

/** An auto-debit's idempotency key (and its notice's): this prefix and the bill it collects. */
const autoDebitKeyPrefix = 'autodebit:';
export const autoDebitKey = (billId: string) => `${autoDebitKeyPrefix}${billId}`;

/**
 * The bill a repayment collected as its due-day auto-debit (its key and its shape: a STATEMENT from
 * the bank card), or undefined for any other repayment. A client may choose such a key too: the
 * caller checks the bill is on the repayment's own line.
 */
export function billOfAutoDebit(repayment: RepaymentDoc): string | undefined {
  const prefix = `${repayment.userId}:${autoDebitKeyPrefix}`;
  if (repayment.kind !== 'STATEMENT' || repayment.source !== 'BANK_CARD') return undefined;
  return repayment.idempotencyKey.startsWith(prefix)
    ? repayment.idempotencyKey.slice(prefix.length)
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
  const billId = billOfAutoDebit(repayment);
  if (!billId) return;
  const bill = await deps.bills.byId(billId);
  // Another line's bill in the key: a client's own key, not an auto-debit.
  if (bill?.lineId !== repayment.lineId) return;
  const askedOn = businessDate(repayment.createdAt);
  const others = Object.keys(repayment.billsAsAsked ?? {}).filter((id) => id !== billId);
  const alsoPaid = (await Promise.all(others.map((id) => deps.bills.byId(id))))
    .flatMap((other) => (other ? [other] : []))
    .map((other) => ` and your ${other.dueDate < askedOn ? 'overdue ' : ''}bill due ${other.dueDate}`)
    .join('');
  await deps.outbox.record(
    autoDebitKey(billId),
    repayment.userId,
    answer.collected ? 'AUTO_DEBIT_SUCCEEDED' : 'AUTO_DEBIT_FAILED',
    answer.collected
      ? `We collected ${formatMinor(repayment.amountMinor)} CNY for your bill due ${bill.dueDate}${alsoPaid} from your bank card`
      : couldNotCollect(`${bill.dueDate}${alsoPaid}`, answer.why),
    billId,
    now,
  );
}
