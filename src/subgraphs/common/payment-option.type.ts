import { Directive, Field, Int, ObjectType } from 'type-graphql';
import type { PaymentOption as Option } from '../../app/credit/offers.service';
import { PaymentPlan } from './payment-plan.enum';
import { InstallmentOffer } from './installment-offer.type';

// Shared: the credit subgraph answers shoppers, the wallets subgraph partners.
@Directive('@shareable')
@ObjectType({ description: 'Whether a plan can pay this amount here, and if not, why' })
export class PaymentOption {
  @Field(() => PaymentPlan, { description: 'The plan this answer is about' })
  plan!: PaymentPlan;

  @Field(() => Int, { description: 'Monthly installments (1 for FULL)' })
  periods!: number;

  @Field({ description: 'Whether a checkout with this plan would be accepted now (the same rules decide)' })
  available!: boolean;

  @Field(() => String, { nullable: true, description: 'The refusal reason code, e.g. PLAN_NOT_OFFERED' })
  reasonCode!: string | null;

  @Field({ description: 'What to tell the shopper' })
  message!: string;

  @Field(() => InstallmentOffer, {
    nullable: true,
    description: 'The priced installments; null when not available or not INSTALLMENTS',
  })
  offer!: InstallmentOffer | null;

  static from(option: Option): PaymentOption {
    return Object.assign(new PaymentOption(), {
      plan: option.plan as PaymentPlan,
      periods: option.periods,
      available: option.available,
      reasonCode: option.reason,
      message: option.message,
      offer: option.offer ? InstallmentOffer.from(option.offer) : null,
    });
  }
}
