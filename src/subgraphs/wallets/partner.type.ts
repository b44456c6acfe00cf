import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { PartnerDoc } from '../../storage/models/partner.model';

export enum PartnerKind {
  WALLET = 'WALLET',
  TELECOM = 'TELECOM',
  OFFLINE_MERCHANT = 'OFFLINE_MERCHANT',
}
registerEnumType(PartnerKind, { name: 'PartnerKind' });

@ObjectType({
  description: 'An external channel: a wallet, a telecom operator or an offline merchant network',
})
export class Partner {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => PartnerKind)
  kind!: PartnerKind;

  static from(doc: PartnerDoc): Partner {
    return Object.assign(new Partner(), { id: doc._id, name: doc.name, kind: doc.kind as PartnerKind });
  }
}
