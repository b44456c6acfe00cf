import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { PartnerUserView } from './partner-user-view.type';
import type { WalletsContext } from './wallets.context';

@Resolver()
export class PartnerUserResolver {
  @Query(() => PartnerUserView, {
    nullable: true,
    description:
      'Partner (scope bindings): a bound user, by your own id for them. Consented fields only, masked; ' +
      'every read is logged for the user (me.dataAccessLog). BINDING_NOT_ACTIVE or CONSENT_EXPIRED otherwise.',
  })
  async partnerUser(
    @Arg('partnerUserId', () => ID) partnerUserId: string,
    @Ctx() ctx: WalletsContext,
  ): Promise<PartnerUserView> {
    return PartnerUserView.from(await ctx.services.partnerViews.partnerUser(ctx.viewer, partnerUserId));
  }
}
