import { Field, ID, ObjectType } from 'type-graphql';
import { type PartnerKind as Kind, partnerKinds } from '../../core/partners/consent';
import type { PartnerDoc } from '../../storage/models/partner.model';
import { enumFrom } from '../common/enum-from';

export const PartnerKind = enumFrom('PartnerKind', partnerKinds);

@ObjectType({
  description: 'An external channel: a wallet, a telecom operator or an offline merchant network',
})
export class Partner {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => PartnerKind)
  kind!: Kind;

  static from(doc: PartnerDoc): Partner {
    return Object.assign(new Partner(), { id: doc._id, name: doc.name, kind: doc.kind });
  }
}
