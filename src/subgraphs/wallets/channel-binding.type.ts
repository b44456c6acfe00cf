import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { enumFrom } from '../common/enum-from';
import { type BindingStatus as Status, bindingStatuses } from '../../core/partners/consent';
import { ConsentField } from './consent-field.enum';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';

export const BindingStatus = enumFrom('BindingStatus', bindingStatuses, 'Where a binding stands', {
  ACTIVE: 'The user approved: the partner may read and act under the consent until consent.expiresAt',
  WITHDRAWN: 'The user ended it',
  REJECTED: 'The user refused the request',
  EXPIRED: 'The consent ran out: the partner gets nothing',
});

@ObjectType({ description: 'What the user allowed the partner to see, and until when' })
export class Consent {
  @Field({ description: 'Why the partner asked, as the user was shown it' })
  purpose!: string;

  @Field(() => [ConsentField], { description: 'What the partner may see or do' })
  fields!: string[];

  @Field(() => DateTimeISOResolver, {
    description: 'When the user approved the request (a refused one: when they refused it), business time',
  })
  grantedAt!: Date;

  @Field(() => DateTimeISOResolver, {
    description:
      'grantedAt plus the days the partner asked for: from then on the partner is refused (CONSENT_EXPIRED)',
  })
  expiresAt!: Date;
}

@ObjectType({ description: "The user's credit line bound to a partner account (joint login)" })
export class ChannelBinding {
  @Field(() => ID, { description: "The binding's id (what withdrawConsent takes)" })
  id!: string;

  @Field({ description: "The partner's own id for the user (the only handle the partner has)" })
  partnerUserId!: string;

  @Field(() => BindingStatus, {
    description:
      'Where the binding stands: your channelBindings show a binding past its expiry as EXPIRED at once (the stored status changes when a new binding replaces it)',
  })
  status!: Status;

  @Field(() => Consent, { description: 'What the user allowed, and until when' })
  consent!: Consent;

  @Field(() => DateTimeISOResolver, {
    description: 'When the user approved or refused the request (business time)',
  })
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
