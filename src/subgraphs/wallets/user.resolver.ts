import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { User } from './user.type';
import { ChannelBinding } from './channel-binding.type';
import type { WalletsContext } from './wallets.context';

@Resolver(() => User)
export class WalletsUserResolver {
  @FieldResolver(() => [ChannelBinding], { description: 'Partner accounts this credit line is bound to' })
  async channelBindings(@Root() user: User, @Ctx() ctx: WalletsContext): Promise<ChannelBinding[]> {
    return (await ctx.services.wallets.bindingsOfUser(ctx.viewer, user.id)).map(ChannelBinding.from);
  }
}
