import { maxConsentDays, maxPurposeLength, paymentCodeDigits } from '../../core/partners/consent';
import { channelPolicies } from '../../core/policy/channel-policies';
import { Field, ID, InputType, Int } from 'type-graphql';
import { PaymentPlan } from '../common/payment-plan.enum';
import { ConsentField } from './consent-field.enum';

@InputType()
export class RequestBindingInput {
  @Field(() => ID, { description: 'Your own id for the user (the handle you will use for them)' })
  partnerUserId!: string;

  @Field({ description: `Why you ask, shown to the user (1-${maxPurposeLength} characters)` })
  purpose!: string;

  @Field(() => [ConsentField])
  fields!: string[];

  @Field(() => Int, { description: `1 to ${maxConsentDays}` })
  expiresInDays!: number;
}

@InputType()
export class BindingCodeInput {
  @Field({ description: 'The code the partner app showed' })
  code!: string;
}

@InputType()
export class BindingIdInput {
  @Field(() => ID)
  bindingId!: string;
}

@InputType()
export class PartnerCheckoutInput {
  @Field(() => ID)
  partnerUserId!: string;

  @Field()
  merchantOrderRef!: string;

  @Field({ description: 'Exact decimal CNY, e.g. "199.00"' })
  amount!: string;

  @Field({ description: 'Upper-case category code, e.g. ELECTRONICS' })
  category!: string;

  @Field(() => PaymentPlan)
  plan!: PaymentPlan;

  @Field(() => Int, {
    nullable: true,
    description: `INSTALLMENTS: ${channelPolicies.WALLET_PARTNER.installmentPeriods.join(', ')} on this channel`,
  })
  periods?: number;

  @Field({ description: 'Same key + same input replays; same key + other input is refused' })
  idempotencyKey!: string;
}

@InputType()
export class PhoneTopUpInput {
  @Field(() => ID)
  partnerUserId!: string;

  @Field()
  phoneNumber!: string;

  @Field({ description: 'Exact decimal CNY, e.g. "50.00"' })
  amount!: string;

  @Field()
  idempotencyKey!: string;
}

@InputType()
export class RedeemPaymentCodeInput {
  @Field({ description: `The ${paymentCodeDigits}-digit code the user shows` })
  code!: string;

  @Field({ description: 'Exact decimal CNY' })
  amount!: string;

  @Field()
  merchantRef!: string;

  @Field()
  idempotencyKey!: string;
}

@InputType()
export class PartnerPaymentIdInput {
  @Field(() => ID)
  paymentId!: string;
}

@InputType()
export class RefundPartnerPaymentInput {
  @Field(() => ID)
  paymentId!: string;

  @Field({ description: 'Exact decimal CNY' })
  amount!: string;

  @Field()
  idempotencyKey!: string;
}
