import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { DataAccessRecord } from './data-access.type';
import { Partner } from './partner.type';
import type { WalletsContext } from './wallets.context';

@Resolver(() => DataAccessRecord)
export class DataAccessResolver {
  @FieldResolver(() => Partner, { description: 'Who read it' })
  async partner(@Root() record: DataAccessRecord, @Ctx() ctx: WalletsContext): Promise<Partner> {
    return Partner.from(await ctx.services.wallets.partner(record.partnerId));
  }
}
