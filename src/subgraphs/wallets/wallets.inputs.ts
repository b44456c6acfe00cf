import { maxConsentDays, maxPurposeLength, paymentCodeDigits } from '../../core/partners/consent';
import { merchantRefRule, phoneNumberRule } from '../../core/partners/partner-payment';
import { channelPolicies } from '../../core/policy/channel-policies';
import { Field, ID, InputType, Int } from 'type-graphql';
import { captureAmountDescription } from '../common/decimal-input';
import { idempotencyKeyDescription } from '../common/idempotency-key';
import { PaymentPlan } from '../common/payment-plan.enum';
import { ConsentField } from './consent-field.enum';

@InputType()
export class RequestBindingInput {
  @Field(() => ID, { description: 'Your own id for the user (the handle you will use for them)' })
  partnerUserId!: string;

  @Field({ description: `Why you ask, shown to the user (1-${maxPurposeLength} characters)` })
  purpose!: string;

  @Field(() => [ConsentField], { description: 'What you ask to see or do: one or more, each once' })
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
  @Field(() => ID, { description: 'One of your bindings (`ChannelBinding.id`)' })
  bindingId!: string;
}

@InputType()
export class PartnerCheckoutInput {
  @Field(() => ID, { description: 'Your own id for a user bound to you' })
  partnerUserId!: string;

  @Field({ description: `Your order reference (\`PartnerPayment.merchantRef\`). ${merchantRefRule}` })
  merchantOrderRef!: string;

  @Field({ description: 'Exact decimal CNY, e.g. "199.00"' })
  amount!: string;

  @Field({ description: 'Upper-case category code, e.g. ELECTRONICS' })
  category!: string;

  @Field(() => PaymentPlan, { description: 'How the user pays (INSTALLMENTS needs `periods`)' })
  plan!: PaymentPlan;

  @Field(() => Int, {
    nullable: true,
    description: `INSTALLMENTS: ${channelPolicies.WALLET_PARTNER.installmentPeriods.join(', ')} on this channel`,
  })
  periods?: number;

  @Field({
    description: idempotencyKeyDescription(
      'Same key + same input replays; same key + other input is refused. Keys are per partner',
    ),
  })
  idempotencyKey!: string;
}

@InputType()
export class PhoneTopUpInput {
  @Field(() => ID, { description: 'Your own id for a user bound to you' })
  partnerUserId!: string;

  @Field({ description: `The number to top up. ${phoneNumberRule}` })
  phoneNumber!: string;

  @Field({ description: 'Exact decimal CNY, e.g. "50.00"' })
  amount!: string;

  @Field({
    description: idempotencyKeyDescription(
      'Same key + same input replays; same key + other input is refused. Keys are per partner',
    ),
  })
  idempotencyKey!: string;
}

@InputType()
export class RedeemPaymentCodeInput {
  @Field({ description: `The ${paymentCodeDigits}-digit code the user shows` })
  code!: string;

  @Field({ description: 'Exact decimal CNY' })
  amount!: string;

  @Field({ description: `Your reference for the payment. ${merchantRefRule}` })
  merchantRef!: string;

  @Field({
    description: idempotencyKeyDescription(
      'The same code, amount, merchantRef and key replay the payment; a code pays once, so anything else with it is refused (CODE_ALREADY_USED)',
    ),
  })
  idempotencyKey!: string;
}

@InputType()
export class PartnerPaymentIdInput {
  @Field(() => ID, { description: 'One of your payments (`PartnerPayment.id`)' })
  paymentId!: string;
}

@InputType()
export class CapturePartnerPaymentInput {
  @Field(() => ID, { description: 'One of your authorized payments (`PartnerPayment.id`)' })
  paymentId!: string;

  @Field(() => String, { nullable: true, description: captureAmountDescription })
  amount?: string | null;
}

@InputType()
export class RefundPartnerPaymentInput {
  @Field(() => ID, { description: 'One of your captured payments (`PartnerPayment.id`)' })
  paymentId!: string;

  @Field({ description: 'Exact decimal CNY' })
  amount!: string;

  @Field({
    description: idempotencyKeyDescription(
      'Same key + same payment and amount returns the same refund; same key + other input is refused. Keys are per partner',
    ),
  })
  idempotencyKey!: string;
}
