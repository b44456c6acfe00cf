import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { mapConnection } from '../common/map-connection';
import { afterDescription, firstDescription } from '../common/page-args';
import { User } from './user.type';
import { ChannelBinding } from './channel-binding.type';
import { DataAccessConnection, DataAccessRecord } from './data-access.type';
import type { WalletsContext } from './wallets.context';

@Resolver(() => User)
export class WalletsUserResolver {
  @FieldResolver(() => [ChannelBinding], { description: 'Partner accounts this credit line is bound to' })
  async channelBindings(@Root() user: User, @Ctx() ctx: WalletsContext): Promise<ChannelBinding[]> {
    return (await ctx.services.wallets.bindingsOfUser(ctx.viewer, user.id)).map(ChannelBinding.from);
  }

  @FieldResolver(() => DataAccessConnection, {
    description: 'Who saw my data: every partner read of your personal data, newest first',
  })
  async dataAccessLog(
    @Root() user: User,
    @Ctx() ctx: WalletsContext,
    @Arg('first', () => Int, { nullable: true, description: firstDescription }) first?: number,
    @Arg('after', () => String, { nullable: true, description: afterDescription }) after?: string,
  ): Promise<InstanceType<typeof DataAccessConnection>> {
    const page = await ctx.services.partnerViews.dataAccessLog(ctx.viewer, user.id, first, after);
    return mapConnection(page, DataAccessRecord.from) as InstanceType<typeof DataAccessConnection>;
  }
}
