import type { LedgerCommand } from './commands';
import type { Effects, LedgerRejection } from './apply';
import { type LineState, currentBillOf } from './line-state';

/**
 * What a bill update says happened: one per ledger entry that changes what a bill or the line shows.
 * Refused authorizations change nothing and are no update; declined repayments and due-soon
 * reminders move no money but are entries, so the customer's apps hear of them.
 */
export const billUpdateKinds = [
  'LINE_OPENED',
  'PURCHASE_AUTHORIZED',
  'PURCHASE_CAPTURED',
  'AUTHORIZATION_VOIDED',
  'REFUND_CREDITED',
  'STATEMENT_ISSUED',
  'REPAYMENT_SUCCEEDED',
  'REPAYMENT_FAILED',
  'DUE_SOON_REMINDER',
  'OVERDUE',
  'PENALTY_ACCRUED',
  'INTEREST_ACCRUED',
  'CREDIT_BALANCE_CHANGED',
  'LIMIT_CHANGED',
  'LINE_STATUS_CHANGED',
] as const;
export type BillUpdateKind = (typeof billUpdateKinds)[number];

export interface BillUpdateSource {
  command: LedgerCommand;
  rejection: LedgerRejection | null;
  effects: Effects | null;
  stateAfter: LineState;
}

export interface BillUpdate {
  kind: BillUpdateKind;
  /**
   * The bill the update is about: the one the entry names, else the one it made overdue, else the
   * first overdue bill it changed (a repayment clearing an overdue bill is about that bill, not an
   * older one whose fees it also paid), else the first it changed, else the line's current bill.
   */
  billId: string | null;
  /**
   * The entry is about a bill: it names one (a statement, a reminder, a cut), judged one overdue,
   * changed what one owes, or is a penalty, interest or declined repayment on one. A purchase not
   * yet billed, a payout or a balance set aside is not.
   */
  aboutBill: boolean;
}

/** Kinds never about a bill: what they touch is not billed yet (a bill's day count may move beside them). */
const unbilledKinds: readonly BillUpdateKind[] = [
  'PURCHASE_AUTHORIZED',
  'PURCHASE_CAPTURED',
  'AUTHORIZATION_VOIDED',
];

/** Kinds about the bill they name even when no amount on it changed. */
const billKinds: readonly BillUpdateKind[] = [
  'STATEMENT_ISSUED',
  'DUE_SOON_REMINDER',
  'OVERDUE',
  'PENALTY_ACCRUED',
  'INTEREST_ACCRUED',
  'REPAYMENT_FAILED',
];

const kindOfCommand: Record<Exclude<LedgerCommand['type'], 'ACCRUE' | 'AWAIT_REPAYMENT'>, BillUpdateKind> = {
  OPEN: 'LINE_OPENED',
  AUTHORIZE: 'PURCHASE_AUTHORIZED',
  CAPTURE: 'PURCHASE_CAPTURED',
  VOID: 'AUTHORIZATION_VOIDED',
  REFUND: 'REFUND_CREDITED',
  ISSUE_BILL: 'STATEMENT_ISSUED',
  REPAY: 'REPAYMENT_SUCCEEDED',
  DECLINE_REPAYMENT: 'REPAYMENT_FAILED',
  REMIND_DUE_SOON: 'DUE_SOON_REMINDER',
  RESERVE_CREDIT: 'CREDIT_BALANCE_CHANGED',
  PAY_OUT_CREDIT: 'CREDIT_BALANCE_CHANGED',
  REVERSE_PAYOUT: 'CREDIT_BALANCE_CHANGED',
  REVIEW_LIMIT: 'LIMIT_CHANGED',
};

/** The update a ledger entry makes, or null when it changes nothing a bill or the line shows. */
export function billUpdateOf(entry: BillUpdateSource): BillUpdate | null {
  if (entry.rejection) return null;
  const { command, effects } = entry;
  const overdueBill = effects?.billsGoneOverdue[0];
  let kind: BillUpdateKind | null;
  if (command.type === 'REVIEW_LIMIT' && (command.action === 'FREEZE' || command.action === 'UNFREEZE')) {
    kind = 'LINE_STATUS_CHANGED';
  } else if (command.type === 'ACCRUE' || command.type === 'AWAIT_REPAYMENT') {
    // A source's "later" changes nothing a bill shows; what the day accrued first, if anything.
    kind = overdueBill
      ? 'OVERDUE'
      : (effects?.accruedPenaltyMinor ?? 0) > 0
        ? 'PENALTY_ACCRUED'
        : (effects?.accruedInterestMinor ?? 0) > 0
          ? 'INTEREST_ACCRUED'
          : null;
  } else {
    kind = kindOfCommand[command.type];
  }
  if (!kind) return null;
  const named =
    command.type === 'ISSUE_BILL' || command.type === 'REVIEW_LIMIT' || command.type === 'REMIND_DUE_SOON'
      ? command.billId
      : undefined;
  // A bill whose day count alone moved (nothing to accrue on) was not changed by this entry.
  const moved = effects?.billIdsChangedBesidesDayCount;
  const changedBills = (effects?.bills ?? []).filter((bill) => !moved || moved.includes(bill.billId));
  const changed = changedBills.find((bill) => bill.overdue) ?? changedBills[0];
  const billId = named ?? overdueBill ?? changed?.billId ?? currentBillOf(entry.stateAfter)?.billId ?? null;
  return {
    kind,
    billId,
    aboutBill:
      billId !== null &&
      !unbilledKinds.includes(kind) &&
      (named !== undefined || changed !== undefined || billKinds.includes(kind)),
  };
}
