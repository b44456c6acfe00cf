import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ChannelBinding } from './channel-binding.type';
import { Partner } from './partner.type';
import type { WalletsContext } from './wallets.context';

@Resolver(() => ChannelBinding)
export class ChannelBindingResolver {
  @FieldResolver(() => Partner, { description: 'The partner the account is at' })
  async partner(@Root() binding: ChannelBinding, @Ctx() ctx: WalletsContext): Promise<Partner> {
    return Partner.from(await ctx.services.wallets.partner(binding.partnerId));
  }
}
