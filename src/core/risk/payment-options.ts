import { installmentPeriodCounts } from '../installments/fee-rates';
import { lineRiskInputs, type LineRiskInputs } from '../ledger/apply';
import type { LineState } from '../ledger/line-state';
import type { PaymentBindingInput } from '../partners/consent';
import type { Plan } from '../policy/channel-policies';
import {
  type AuthorizationDecision,
  decideAuthorization,
  type OfferRequest,
} from '../policy/decide-authorization';

export interface PaymentOptionDecision {
  plan: Plan;
  periods: number;
  decision: AuthorizationDecision;
}

/** Every plan a shopper could pick: FULL, then each installment count. */
export const paymentOptionPlans: readonly { plan: Plan; periods: number }[] = [
  { plan: 'FULL', periods: 1 },
  ...installmentPeriodCounts.map((periods) => ({ plan: 'INSTALLMENTS' as const, periods })),
];

/**
 * What each plan would answer if it were paid now: the real authorization decision (precedence,
 * binding and consent, scenario quota, velocity, available credit), holding nothing. A line with no
 * ledger state yet has nothing available.
 */
export function decidePaymentOptions(
  sold: Omit<OfferRequest, 'plan' | 'periods'>,
  line: { status: string; state: LineState | null | undefined },
  binding: PaymentBindingInput | undefined,
  now: Date,
): PaymentOptionDecision[] {
  return paymentOptionPlans.map(({ plan, periods }) => {
    const request = { ...sold, plan, periods: plan === 'FULL' ? undefined : periods, binding };
    const risk: LineRiskInputs = line.state
      ? lineRiskInputs(line.state, request, now)
      : {
          lineStatus: line.status,
          availableMinor: 0,
          authorizationsInVelocityWindow: 0,
          scenarioUsedThisMonthMinor: 0,
        };
    return { plan, periods, decision: decideAuthorization({ ...request, ...risk }, now) };
  });
}
