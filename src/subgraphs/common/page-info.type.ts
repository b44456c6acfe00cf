import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@shareable')
@ObjectType({ description: 'Relay pagination info' })
export class PageInfo {
  @Field({ description: 'Whether more items follow: ask again with `after: endCursor`' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "The page's last cursor; null on an empty page" })
  endCursor!: string | null;
}
