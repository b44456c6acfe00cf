import { periodPaymentMinor, schedulePrincipalMinor } from '../../core/orders/order-amounts';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { formatRateBps } from '../../core/installments/annualized-rate';
import type { InstallmentOffer as Offer } from '../../core/installments/schedule';
import { InstallmentPeriod } from './installment-plan.type';
import { Money } from './money.type';

// Shared: the credit subgraph answers shoppers, the wallets subgraph partners.
@Directive('@shareable')
@ObjectType({ description: 'An installment offer for an amount, as regulators require it shown' })
export class InstallmentOffer {
  @Field(() => Int, { description: 'Monthly installments' })
  periods!: number;

  @Field(() => Money, { description: 'The amount financed (what the purchase costs)' })
  principal!: Money;

  @Field(() => Money, {
    description: 'Monthly payment of periods 2..n (period 1 also carries any remainder fen)',
  })
  perPeriodPayment!: Money;

  @Field(() => Money, { description: 'Payment of period 1' })
  firstPeriodPayment!: Money;

  @Field(() => Money, { description: "Every period's fee together (the schedule's fees add up to it)" })
  totalFee!: Money;

  @Field(() => Money, { description: 'principal + totalFee' })
  totalRepayment!: Money;

  @Field({ description: 'Fee per period as a share of the principal, e.g. "0.80%"' })
  feeRatePerPeriod!: string;

  @Field({ description: 'Annualized rate including fees (IRR method), e.g. "17.27%"' })
  annualizedRate!: string;

  @Field(() => Int, { description: 'The same rate in basis points (1727 = 17.27%)' })
  annualizedRateBps!: number;

  @Field(() => [InstallmentPeriod], { description: 'Every period, first to last' })
  schedule!: InstallmentPeriod[];

  static from(offer: Offer): InstallmentOffer {
    const payment = (index: number) => periodPaymentMinor(offer.schedule[index]!);
    return Object.assign(new InstallmentOffer(), {
      periods: offer.periods,
      principal: Money.of(offer.principalMinor),
      perPeriodPayment: Money.of(payment(offer.schedule.length - 1)),
      firstPeriodPayment: Money.of(payment(0)),
      totalFee: Money.of(offer.totalFeeMinor),
      totalRepayment: Money.of(schedulePrincipalMinor(offer.schedule) + offer.totalFeeMinor),
      feeRatePerPeriod: formatRateBps(offer.feeRateBpsPerPeriod),
      annualizedRate: formatRateBps(offer.annualizedRateBps),
      annualizedRateBps: offer.annualizedRateBps,
      schedule: offer.schedule.map(InstallmentPeriod.from),
    });
  }
}
