import type { MinorUnits } from '../money';
import type { Plan } from '../policy/channel-policies';
import type { LimitReviewAction } from '../risk/limit-review';
import type { AuthorizationInput } from '../policy/decide-authorization';

export type LedgerCommand =
  | { type: 'OPEN'; limitMinor: MinorUnits; statementDay: number }
  | {
      type: 'AUTHORIZE';
      authorizationId: string;
      amountMinor: MinorUnits;
      /** Risk inputs other than the line's own history (available credit, velocity, typical amount), read from the head. */
      request: Omit<
        AuthorizationInput,
        | 'lineStatus'
        | 'availableMinor'
        | 'amountMinor'
        | 'authorizationsInVelocityWindow'
        | 'typicalAmountMinor'
      >;
    }
  | {
      type: 'CAPTURE';
      authorizationId: string;
      authorizedMinor: MinorUnits;
      captureMinor: MinorUnits;
      /** What billing needs: FULL charges go on the next bill whole, installments period by period. */
      plan?: Plan;
      orderId?: string;
    }
  | { type: 'VOID'; authorizationId: string; authorizedMinor: MinorUnits }
  | {
      type: 'REFUND';
      refundId: string;
      plan?: Plan;
      /** Reduces outstanding principal; whatever exceeds it becomes a credit balance for the customer. */
      amountMinor: MinorUnits;
    }
  | {
      type: 'ISSUE_BILL';
      billId: string;
      /** Unbilled principal moving onto the bill (FULL charges of the cycle, installment principal due). */
      principalMinor: MinorUnits;
      /** Installment fees falling due on this bill: owed from now on, outside the limit. */
      feesMinor: MinorUnits;
    }
  | { type: 'REPAY'; repaymentId: string; amountMinor: MinorUnits }
  | { type: 'MARK_OVERDUE'; billId: string; principalMinor: MinorUnits }
  | { type: 'ACCRUE_PENALTY'; billId: string; overdueDay: number; amountMinor: MinorUnits }
  | { type: 'ACCRUE_INTEREST'; billId: string; day: number; amountMinor: MinorUnits }
  | { type: 'REVIEW_LIMIT'; reviewId: string; action: LimitReviewAction; newLimitMinor: MinorUnits };

export type LedgerCommandType = LedgerCommand['type'];
