import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { mapConnection } from '../common/map-connection';
import { afterDescription, firstDescription } from '../common/page-args';
import { User } from './user.type';
import type { StoreContext } from '../common/store.context';
import { MallOrder, MallOrderConnection } from './mall.types';

@Resolver(() => User)
export class MallUserResolver {
  @FieldResolver(() => MallOrderConnection, { description: 'Mall orders, newest first' })
  async mallOrders(
    @Root() user: User,
    @Ctx() ctx: StoreContext,
    @Arg('first', () => Int, { nullable: true, description: firstDescription }) first?: number,
    @Arg('after', () => String, { nullable: true, description: afterDescription }) after?: string,
  ): Promise<MallOrderConnection> {
    return mapConnection(
      await ctx.services.store.catalog.ordersOfUser(ctx.viewer, user.id, first, after),
      MallOrder.from,
    );
  }
}
