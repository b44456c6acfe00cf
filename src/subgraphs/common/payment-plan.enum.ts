import { registerEnumType } from 'type-graphql';

export enum PaymentPlan {
  FULL = 'FULL',
  INSTALLMENTS = 'INSTALLMENTS',
}
registerEnumType(PaymentPlan, {
  name: 'PaymentPlan',
  valuesConfig: {
    FULL: { description: 'Pay at the next bill, no fee, interest-free until the due day' },
    INSTALLMENTS: { description: '3, 6, 12 or 24 monthly installments with a per-period fee' },
  },
});
