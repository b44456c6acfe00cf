import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { CreditLine } from './credit-line.type';
import type { CreditContext } from './credit.context';
import { User } from './user.type';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user' })
  async me(@Ctx() ctx: CreditContext): Promise<User | null> {
    const user = await ctx.services.credit.me(ctx.viewer);
    return user ? User.from(user) : null;
  }

  @FieldResolver(() => CreditLine, {
    nullable: true,
    description: "The user's credit line (its owner only); null before one is opened",
  })
  async creditLine(@Root() user: User, @Ctx() ctx: CreditContext): Promise<CreditLine | null> {
    const line = await ctx.services.credit.creditLineOfUser(ctx.viewer, user.id);
    return line ? CreditLine.from(line) : null;
  }
}
