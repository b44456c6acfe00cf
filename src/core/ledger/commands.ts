import type { MinorUnits } from '../money';
import type { AuthorizationInput } from '../policy/decide-authorization';

export type LedgerCommand =
  | { type: 'OPEN'; limitMinor: MinorUnits; statementDay: number }
  | {
      type: 'AUTHORIZE';
      authorizationId: string;
      amountMinor: MinorUnits;
      /** Risk inputs other than the line's own state, which the core reads from the head. */
      request: Omit<AuthorizationInput, 'lineStatus' | 'availableMinor' | 'amountMinor'>;
    }
  | { type: 'CAPTURE'; authorizationId: string; authorizedMinor: MinorUnits; captureMinor: MinorUnits }
  | { type: 'VOID'; authorizationId: string; authorizedMinor: MinorUnits }
  | {
      type: 'REFUND';
      refundId: string;
      /** Outstanding principal the refund removes. */
      principalMinor: MinorUnits;
      /** Refund beyond outstanding principal: kept as a credit balance for the customer. */
      toCreditBalanceMinor: MinorUnits;
    };

export type LedgerCommandType = LedgerCommand['type'];
