import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { type PartnerPaymentKind as Kind, partnerPaymentKinds } from '../../core/partners/partner-payment';
import { maskPhone } from '../../core/partners/masking';
import type { OrderDoc } from '../../storage/models/order.model';
import { connectionTypes } from '../common/connection.type';
import { enumFrom } from '../common/enum-from';
import { Money } from '../common/money.type';
import { PaymentPlan } from '../common/payment-plan.enum';
import { OrderStatus } from '../common/store-types';

export const PartnerPaymentKind = enumFrom(
  'PartnerPaymentKind',
  partnerPaymentKinds,
  'How a partner took a payment',
  {
    IN_APP: "In the partner's app with partnerCheckout; captured later",
    PAYMENT_CODE: "With the user's one-time code, by redeemPaymentCode; captured at once",
    TOP_UP: 'A phone top-up, by phoneTopUp; captured at once',
  },
);

@ObjectType({ description: "A payment a partner took with a user's credit line" })
export class PartnerPayment {
  @Field(() => ID, { description: "The payment's id (what capture, void and refund take)" })
  id!: string;

  @Field(() => PartnerPaymentKind, {
    description: 'How it was taken',
  })
  kind!: Kind;

  @Field(() => ID, { description: 'Your id for the user ("one-time-code" for code payments)' })
  partnerUserId!: string;

  @Field({ description: 'Your order reference' })
  merchantRef!: string;

  @Field(() => String, { nullable: true, description: 'TOP_UP: the number topped up, masked' })
  phoneNumber!: string | null;

  @Field(() => Money, { description: 'As authorized' })
  amount!: Money;

  @Field(() => PaymentPlan, { description: 'How the user pays it (top-ups and code payments: FULL)' })
  plan!: string;

  @Field(() => Int, { description: 'Monthly installments (1 for FULL)' })
  periods!: number;

  @Field(() => OrderStatus, { description: 'PLACED = authorized, SHIPPED = captured, CANCELLED = voided' })
  status!: string;

  @Field(() => Money, { description: 'Charged to the line when captured (0 until then)' })
  captured!: Money;

  @Field(() => Money, { description: 'Refunded so far, of what was captured' })
  refunded!: Money;

  @Field(() => DateTimeISOResolver, { description: 'When it was authorized (business time)' })
  createdAt!: Date;

  static from(doc: OrderDoc): PartnerPayment {
    return Object.assign(new PartnerPayment(), {
      id: doc._id,
      kind: doc.partner!.kind,
      partnerUserId: doc.partner!.partnerUserId,
      merchantRef: doc.partner!.merchantRef,
      phoneNumber: doc.partner?.phoneNumber ? maskPhone(doc.partner.phoneNumber) : null,
      amount: Money.of(doc.totalMinor),
      plan: doc.plan,
      periods: doc.periods,
      status: doc.status,
      captured: Money.of(doc.capturedMinor),
      refunded: Money.of(doc.refundedMinor),
      createdAt: doc.createdAt,
    });
  }
}

export const { Connection: PartnerPaymentConnection, Edge: PartnerPaymentEdge } = connectionTypes(
  PartnerPayment,
  'PartnerPayment',
);
