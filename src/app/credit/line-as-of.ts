import { accrualDue, stateAt } from '../../core/overdue/penalty';
import type { BusinessDate } from '../../core/time/business-date';
import { type BillDoc, billProjection } from '../../storage/models/bill.model';
import { type CreditLineDoc, lineProjection } from '../../storage/models/credit-line.model';

/**
 * A line as of `today`: the days since its last entry judged and accrued, as its next entry will
 * (`stateAt`), so a read after midnight shows a bill gone overdue and today's penalty before any
 * entry is written. Nothing is stored. A line with no bill to judge is returned as it is.
 */
export function lineAsOf(line: CreditLineDoc, today: BusinessDate): CreditLineDoc {
  if (!line.state || !accrualDue(line.state, today)) return line;
  return { ...line, ...lineProjection(line.headSequence, stateAt(line.state, today)) };
}

/** Whether a bill can read differently today than as stored: it still owed something then, or was held. */
export function mayHaveMoved(bill: BillDoc): boolean {
  return bill.owedMinor > 0 || bill.awaitingRepayments === true;
}

/**
 * A bill as its line shows it (`lineAsOf`): from the line's state while the bill is open there and
 * that state is not older than the bill's document (a summary can lag a step behind a concurrent write).
 */
export function billAsOf(bill: BillDoc, line: CreditLineDoc | undefined): BillDoc {
  const open = line?.state?.bills.find((candidate) => candidate.billId === bill._id);
  if (!line || !open || line.headSequence < bill.sequence) return bill;
  return billProjection(open, { lineId: bill.lineId, userId: bill.userId }, bill.sequence);
}
