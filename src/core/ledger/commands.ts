import type { MinorUnits } from '../money';
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
  | { type: 'CAPTURE'; authorizationId: string; authorizedMinor: MinorUnits; captureMinor: MinorUnits }
  | { type: 'VOID'; authorizationId: string; authorizedMinor: MinorUnits }
  | {
      type: 'REFUND';
      refundId: string;
      /** Reduces outstanding principal; whatever exceeds it becomes a credit balance for the customer. */
      amountMinor: MinorUnits;
    };

export type LedgerCommandType = LedgerCommand['type'];
