import type { LedgerCommand } from './commands';
import type { Effects, LedgerRejection } from './apply';
import { type LineState, currentBillOf } from './line-state';
import type { ConsentField } from '../partners/consent';

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
}

const kindOfCommand: Record<Exclude<LedgerCommand['type'], 'ACCRUE'>, BillUpdateKind> = {
  OPEN: 'LINE_OPENED',
  AUTHORIZE: 'PURCHASE_AUTHORIZED',
  CAPTURE: 'PURCHASE_CAPTURED',
  VOID: 'AUTHORIZATION_VOIDED',
  REFUND: 'REFUND_CREDITED',
  ISSUE_BILL: 'STATEMENT_ISSUED',
  REPAY: 'REPAYMENT_SUCCEEDED',
  DECLINE_REPAYMENT: 'REPAYMENT_FAILED',
  REMIND_DUE_SOON: 'DUE_SOON_REMINDER',
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
  } else if (command.type === 'ACCRUE') {
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
  const changed = effects?.bills.find((bill) => bill.overdue) ?? effects?.bills[0];
  return {
    kind,
    billId: named ?? overdueBill ?? changed?.billId ?? currentBillOf(entry.stateAfter)?.billId ?? null,
  };
}

/** What a partner's binding must cover for its stream to follow the user at all. */
export const partnerStreamConsent: ConsentField = 'BILL_SUMMARY';

/**
 * What a partner's stream may hear of beyond bills, by kind: a
 * limit change tells the limit (AVAILABLE_CREDIT); a freeze or an unfreeze tells the status
 * (CREDIT_STATUS), as available credit going to 0 or back does. Any one listed consent suffices.
 */
export const partnerConsentsByKind: Partial<Record<BillUpdateKind, readonly ConsentField[]>> = {
  LIMIT_CHANGED: ['AVAILABLE_CREDIT'],
  LINE_STATUS_CHANGED: ['CREDIT_STATUS', 'AVAILABLE_CREDIT'],
};

/**
 * The consent fields an update of `kind` discloses to a partner whose binding grants `granted`
 * (its read is logged with them), or null when the update must not reach that partner at all.
 */
export function partnerDisclosureOf(kind: BillUpdateKind, granted: readonly string[]): ConsentField[] | null {
  const shown: ConsentField[] = [partnerStreamConsent];
  if (granted.includes('AVAILABLE_CREDIT')) shown.push('AVAILABLE_CREDIT');
  const needed = partnerConsentsByKind[kind];
  if (!needed) return shown;
  const covering = needed.find((field) => granted.includes(field));
  if (!covering) return null;
  if (!shown.includes(covering)) shown.push(covering);
  return shown;
}
