import type { FeeTier } from '../installments/fee-rates';
import type { MinorUnits } from '../money';
import type { Plan } from '../policy/channel-policies';
import type { BillAsAsked } from '../repayment/as-asked';
import type { AuthorizationInput } from '../policy/decide-authorization';
import type { LimitReviewAction } from '../risk/limit-review';
import type { BusinessDate } from '../time/business-date';

/** Risk inputs other than the line's own history, which the core reads from the head. */
export type AuthorizationRequest = Omit<
  AuthorizationInput,
  | 'lineStatus'
  | 'availableMinor'
  | 'amountMinor'
  | 'authorizationsInVelocityWindow'
  | 'typicalAmountMinor'
  | 'scenarioUsedThisMonthMinor'
>;

/** A repayment's money landed (from the source, with any balance set aside for it). */
export interface RepayCommand {
  type: 'REPAY';
  repaymentId: string;
  /** From the source (0 when the reserved balance covers the whole repayment). */
  amountMinor: MinorUnits;
  payOffPlanIds: string[];
  /**
   * Periods each plan paid off had billed when the repayment was asked (`AmountDue`): fees billed
   * since are waived when it pays them off. Absent on entries written before: nothing waived.
   */
  billedPeriodsWhenAsked?: Record<string, number>;
  /**
   * What its quote paid on each bill when it was asked (`AmountDue`), and the day: overdue bills
   * are paid that first, and accruals since on bills it paid in full are waived (as-asked.ts).
   * Absent on entries written before; empty for AMOUNT.
   */
  billsAsAsked?: Record<string, BillAsAsked>;
  askedOn?: BusinessDate;
  /** The balance `RESERVE_CREDIT` set aside for it, spent with the amount as one sum. */
  reservedCreditMinor?: MinorUnits;
}

/** Every change to a credit line's money; each is one ledger entry. */
export type LedgerCommand =
  | { type: 'OPEN'; limitMinor: MinorUnits; statementDay: number }
  | { type: 'AUTHORIZE'; authorizationId: string; amountMinor: MinorUnits; request: AuthorizationRequest }
  | {
      type: 'CAPTURE';
      authorizationId: string;
      authorizedMinor: MinorUnits;
      captureMinor: MinorUnits;
      plan: Plan;
      orderId: string;
      /** The hold's channel, from its authorization: a partial capture must meet its minimum. */
      channel?: string;
      /** INSTALLMENTS: period count and the fee tier that prices the plan. */
      periods?: number;
      tier?: FeeTier;
    }
  | { type: 'VOID'; authorizationId: string; authorizedMinor: MinorUnits }
  | { type: 'REFUND'; refundId: string; chargeId: string; plan: Plan; amountMinor: MinorUnits }
  | { type: 'ISSUE_BILL'; billId: string; statementDate: BusinessDate }
  /**
   * A repayment asked for: the credit balance it counts on is set aside for it, so a payout or
   * another repayment before the source answers cannot take it (it still pays bills: `finish`).
   */
  | { type: 'RESERVE_CREDIT'; repaymentId: string; amountMinor: MinorUnits }
  | RepayCommand
  /**
   * The payment source answered that it confirms a repayment later (a bank transfer, a card the bank
   * has not settled): while it waits, up to 7 days from the day asked, the bills it would meet are
   * not judged overdue. `repayment` is how it would land (the `REPAY` its confirmation writes).
   */
  | { type: 'AWAIT_REPAYMENT'; askedOn: BusinessDate; repayment: RepayCommand }
  /** The payment source declined a repayment: no money moves (what was reserved goes back), but the bill's customer must hear of it. */
  | {
      type: 'DECLINE_REPAYMENT';
      repaymentId: string;
      amountMinor: MinorUnits;
      reason: string;
      reservedCreditMinor?: MinorUnits;
    }
  /** A bill's due day is near and its minimum is unpaid: the reminder, once per bill. */
  | { type: 'REMIND_DUE_SOON'; billId: string }
  /** Overdue status, penalties and interest up to now (every command does this first; this does only that). */
  | { type: 'ACCRUE'; day: BusinessDate }
  | { type: 'PAY_OUT_CREDIT'; payoutId: string; amountMinor: MinorUnits }
  /** The rail could not pay a payout out: the money is back on the credit balance. */
  | { type: 'REVERSE_PAYOUT'; payoutId: string; amountMinor: MinorUnits }
  | {
      type: 'REVIEW_LIMIT';
      reviewId: string;
      action: LimitReviewAction;
      newLimitMinor: MinorUnits;
      /** CUT, or an UNFREEZE that makes a cut that was waiting: the overdue bill the cut is for. */
      billId?: string;
    };

export const ledgerCommandTypes = [
  'OPEN',
  'AUTHORIZE',
  'CAPTURE',
  'VOID',
  'REFUND',
  'ISSUE_BILL',
  'RESERVE_CREDIT',
  'REPAY',
  'AWAIT_REPAYMENT',
  'DECLINE_REPAYMENT',
  'REMIND_DUE_SOON',
  'ACCRUE',
  'PAY_OUT_CREDIT',
  'REVERSE_PAYOUT',
  'REVIEW_LIMIT',
] as const satisfies readonly LedgerCommand['type'][];
export type LedgerCommandType = (typeof ledgerCommandTypes)[number];

/** What each entry type means, for the API docs (written once). */
export const ledgerCommandDescriptions: Record<LedgerCommandType, string> = {
  OPEN: 'The line was opened with its first limit',
  AUTHORIZE: 'A hold for a checkout (amount held, not yet charged)',
  CAPTURE: 'A hold became a charge (goods shipped); the rest of the hold is released',
  VOID: 'A hold was released without charge (cancelled or expired)',
  REFUND:
    'A charge was refunded: unbilled principal shrinks, a billed one is credited on its bill, the rest goes to the credit balance',
  ISSUE_BILL: 'A statement was cut (the amount is what it billed); empty cycles get none',
  RESERVE_CREDIT:
    'Credit balance set aside for a repayment just asked for (the amount set aside), spent when it lands',
  REPAY:
    'A repayment landed (the amount from the source), with any balance set aside for it, allocated by the waterfall (the rest to the credit balance)',
  AWAIT_REPAYMENT:
    'The payment source will confirm a repayment later (the amount asked of it); no money moved, and the bills it would keep current are not judged overdue while it waits, up to 7 days from the day asked',
  DECLINE_REPAYMENT:
    'The payment source declined a repayment (the amount attempted); no money moved, what was set aside is back on the credit balance',
  REMIND_DUE_SOON: 'A bill is due within days with its minimum unpaid: the reminder went out (no money)',
  ACCRUE: 'Bills went overdue and/or accrued daily penalties or interest (the amount accrued)',
  PAY_OUT_CREDIT: 'Credit balance paid back to the customer',
  REVERSE_PAYOUT: 'A payout the payment source refused: the money is back on the credit balance',
  REVIEW_LIMIT: 'Limit review: raise, cut, freeze or unfreeze (an unfreeze may make a cut that was waiting)',
};
