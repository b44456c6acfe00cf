import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The User entity owned by the credit subgraph; this subgraph only contributes fields to it. */
@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;

  static ref(id: string): User {
    return Object.assign(new User(), { id });
  }
}
