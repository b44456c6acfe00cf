import { installmentPeriodCountsText } from '../../core/installments/fee-rates';
import { type Plan, plans } from '../../core/policy/channel-policies';
import { enumFrom } from './enum-from';

/** The core's plans, as a GraphQL enum. */
export const PaymentPlan = enumFrom('PaymentPlan', plans, undefined, {
  FULL: 'Pay at the next bill, no fee, interest-free until the due day',
  INSTALLMENTS: `${installmentPeriodCountsText} monthly installments with a per-period fee`,
});
export type PaymentPlan = Plan;
