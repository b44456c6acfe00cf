import { Field, ID, ObjectType } from 'type-graphql';
import { type PartnerKind as Kind, partnerChannels, partnerKinds } from '../../core/partners/consent';
import type { PartnerDoc } from '../../storage/models/partner.model';
import { enumFrom } from '../common/enum-from';

const kindDescriptions: Record<Kind, string> = {
  WALLET: 'A wallet app',
  TELECOM: 'A telecom operator',
  OFFLINE_MERCHANT: 'An offline merchant network',
};

export const PartnerKind = enumFrom(
  'PartnerKind',
  partnerKinds,
  'What kind of partner: each kind has its channel',
  (kind) => `${kindDescriptions[kind]}; its channel is ${partnerChannels[kind]}`,
);

@ObjectType({
  description: 'An external channel: a wallet, a telecom operator or an offline merchant network',
})
export class Partner {
  @Field(() => ID, { description: "The partner's id (also its OAuth client id)" })
  id!: string;

  @Field({ description: "The partner's name, as users are shown it" })
  name!: string;

  @Field(() => PartnerKind, {
    description: 'What kind of partner: a wallet, a telecom operator or an offline merchant network',
  })
  kind!: Kind;

  static from(doc: PartnerDoc): Partner {
    return Object.assign(new Partner(), { id: doc._id, name: doc.name, kind: doc.kind });
  }
}
