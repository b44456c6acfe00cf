import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';

export enum BindingStatus {
  ACTIVE = 'ACTIVE',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(BindingStatus, { name: 'BindingStatus' });

@ObjectType({ description: 'What the user allowed the partner to see, and until when' })
export class Consent {
  @Field()
  purpose!: string;

  @Field(() => [String])
  fields!: string[];

  @Field(() => DateTimeISOResolver)
  grantedAt!: Date;

  @Field(() => DateTimeISOResolver)
  expiresAt!: Date;
}

@ObjectType({ description: "The user's credit line bound to a partner account (joint login)" })
export class ChannelBinding {
  @Field(() => ID)
  id!: string;

  @Field()
  partnerUserId!: string;

  @Field(() => BindingStatus)
  status!: BindingStatus;

  @Field(() => Consent)
  consent!: Consent;

  @Field(() => DateTimeISOResolver)
  createdAt!: Date;

  partnerId!: string;

  static from(doc: ChannelBindingDoc): ChannelBinding {
    return Object.assign(new ChannelBinding(), {
      id: doc._id,
      partnerId: doc.partnerId,
      partnerUserId: doc.partnerUserId,
      status: doc.status as BindingStatus,
      consent: Object.assign(new Consent(), doc.consent),
      createdAt: doc.createdAt,
    });
  }
}
