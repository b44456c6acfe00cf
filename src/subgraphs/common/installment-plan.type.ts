import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { formatRateBps } from '../../core/installments/annualized-rate';
import type { ScheduledPeriod } from '../../core/installments/schedule';
import { periodPaymentMinor } from '../../core/orders/order-amounts';
import { type PlanStatus as Status, planStatuses } from '../../core/ledger/line-state';
import type { InstallmentPlanDoc } from '../../storage/models/installment-plan.model';
import { enumFrom } from './enum-from';
import { Money } from './money.type';

export const PlanStatus = enumFrom('PlanStatus', planStatuses, undefined, {
  ACTIVE: 'Periods are still to bill',
  FULLY_BILLED: 'Every period is on a bill',
  PAID_OFF: 'Paid off early; fees not billed when the payoff was asked are waived',
  CANCELLED: 'Refunded in full before its last period was billed; unbilled fees written off',
});

@Directive('@shareable')
@ObjectType({ description: 'One monthly installment' })
export class InstallmentPeriod {
  @Field(() => Int, { description: '1-based' })
  index!: number;

  @Field(() => Money, { description: "This period's share of the principal" })
  principal!: Money;

  @Field(() => Money, { description: "This period's fee" })
  fee!: Money;

  @Field(() => Money, { description: 'principal + fee' })
  total!: Money;

  static from(period: ScheduledPeriod): InstallmentPeriod {
    return Object.assign(new InstallmentPeriod(), {
      index: period.index,
      principal: Money.of(period.principalMinor),
      fee: Money.of(period.feeMinor),
      total: Money.of(periodPaymentMinor(period)),
    });
  }
}

@Directive('@shareable')
@ObjectType({ description: 'The installment plan a shipped order is paid with' })
export class InstallmentPlan {
  @Field(() => ID, { description: 'The id `repay(kind: PLAN_PAYOFF)` takes in `planId`' })
  id!: string;

  @Field(() => Int, { description: 'Monthly installments, as sold' })
  periods!: number;

  @Field(() => PlanStatus, { description: 'Where the plan stands' })
  status!: Status;

  @Field(() => Money, { description: 'The amount financed, as sold (refunds shrink the schedule, not this)' })
  principal!: Money;

  @Field(() => Money, { description: 'Fees as sold' })
  totalFee!: Money;

  @Field(() => Money, {
    description:
      'Unbilled fees written off by refunds, and fees waived by an early payoff (those billed while it waited for the payment source too, while the plan had periods left to bill)',
  })
  feeWrittenOff!: Money;

  @Field({ description: 'Fee per period as a share of the principal, e.g. "0.80%"' })
  feeRatePerPeriod!: string;

  @Field({ description: 'Annualized rate including fees (IRR method), e.g. "17.27%"' })
  annualizedRate!: string;

  @Field(() => [InstallmentPeriod], {
    description: 'Periods already billed, then the unbilled ones after refunds',
  })
  schedule!: InstallmentPeriod[];

  static from(doc: InstallmentPlanDoc): InstallmentPlan {
    return Object.assign(new InstallmentPlan(), {
      id: doc._id,
      periods: doc.periods,
      status: doc.status,
      principal: Money.of(doc.principalMinor),
      totalFee: Money.of(doc.totalFeeMinor),
      feeWrittenOff: Money.of(doc.feeWrittenOffMinor),
      feeRatePerPeriod: formatRateBps(doc.feeRateBpsPerPeriod),
      annualizedRate: formatRateBps(doc.annualizedRateBps),
      schedule: doc.remaining.map(InstallmentPeriod.from),
    });
  }
}
