import { Directive, Field, ObjectType } from 'type-graphql';
import type { UserError as UserErrorShape } from '../../app/common/user-error';

@Directive('@shareable')
@ObjectType({
  description: 'Why a mutation did nothing: a stable code, a message, and the input field at fault',
})
export class UserError {
  @Field(() => String, { nullable: true, description: 'Path of the input field, e.g. "items.0.quantity"' })
  field!: string | null;

  @Field({ description: 'What went wrong, for people (switch on `code`, not on this text)' })
  message!: string;

  @Field({ description: 'Stable code to switch on, e.g. INSUFFICIENT_AVAILABLE_CREDIT' })
  code!: string;

  static from(error: UserErrorShape): UserError {
    return Object.assign(new UserError(), error);
  }
}
