import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error.type';
import { ChannelBinding } from './channel-binding.type';
import { PartnerPayment } from './partner-payment.type';

@ObjectType({ description: 'A one-time code and until when it works' })
export class CodePayload {
  @Field(() => String, { nullable: true })
  code!: string | null;

  @Field(() => DateTimeISOResolver, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class BindingPayload {
  @Field(() => ChannelBinding, { nullable: true })
  binding!: ChannelBinding | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class PartnerPaymentPayload {
  @Field(() => PartnerPayment, { nullable: true })
  payment!: PartnerPayment | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
