import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { enumFrom } from '../common/enum-from';
import { type BindingStatus as Status, bindingStatuses } from '../../core/partners/consent';
import { ConsentField } from './consent-field.enum';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';

export const BindingStatus = enumFrom('BindingStatus', bindingStatuses);

@ObjectType({ description: 'What the user allowed the partner to see, and until when' })
export class Consent {
  @Field()
  purpose!: string;

  @Field(() => [ConsentField])
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
  status!: Status;

  @Field(() => Consent)
  consent!: Consent;

  @Field(() => DateTimeISOResolver)
  createdAt!: Date;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When it was withdrawn or refused' })
  endedAt!: Date | null;

  partnerId!: string;

  static from(doc: ChannelBindingDoc): ChannelBinding {
    return Object.assign(new ChannelBinding(), {
      id: doc._id,
      partnerId: doc.partnerId,
      partnerUserId: doc.partnerUserId,
      status: doc.status,
      consent: Object.assign(new Consent(), doc.consent),
      createdAt: doc.createdAt,
      endedAt: doc.endedAt ?? null,
    });
  }
}
