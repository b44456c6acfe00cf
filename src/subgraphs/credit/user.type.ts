import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { UserDoc } from '../../storage/models/user.model';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A shopper with (or applying for) a credit line' })
export class User {
  @Field(() => ID, { description: "The user's id" })
  id!: string;

  @Field({ description: "The user's display name, in full (partners with NAME consent see it masked)" })
  displayName!: string;

  @Field({ description: 'Full phone number; shown to its owner only' })
  phone!: string;

  static from(doc: UserDoc): User {
    return Object.assign(new User(), { id: doc._id, displayName: doc.displayName, phone: doc.phone });
  }
}
