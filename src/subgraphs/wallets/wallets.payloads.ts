import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error.type';
import { ChannelBinding } from './channel-binding.type';
import { PartnerPayment } from './partner-payment.type';

@ObjectType({ description: 'A one-time code and until when it works' })
export class CodePayload {
  @Field(() => String, { nullable: true, description: 'The single-use code; null when refused' })
  code!: string | null;

  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description: 'When the code stops working (business time); null when refused',
  })
  expiresAt!: Date | null;

  @Field(() => [UserError], { description: 'Why no code was issued; empty when one was' })
  userErrors!: UserError[];
}

@ObjectType()
export class BindingPayload {
  @Field(() => ChannelBinding, {
    nullable: true,
    description: 'The binding as the mutation left it; null when no binding was found or made',
  })
  binding!: ChannelBinding | null;

  @Field(() => [UserError], { description: 'Why the mutation did nothing; empty when it succeeded' })
  userErrors!: UserError[];
}

@ObjectType()
export class PartnerPaymentPayload {
  @Field(() => PartnerPayment, {
    nullable: true,
    description:
      'The payment as the mutation left it; null when the input was refused before any payment was read or placed',
  })
  payment!: PartnerPayment | null;

  @Field(() => [UserError], { description: 'Why the mutation did nothing; empty when it succeeded' })
  userErrors!: UserError[];
}
