import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { mapConnection } from '../common/map-connection';
import { afterDescription, firstDescription } from '../common/page-args';
import { User } from './user.type';
import type { StoreContext } from '../common/store.context';
import { InstallmentOrder, InstallmentOrderConnection } from './installment.types';

@Resolver(() => User)
export class InstallmentUserResolver {
  @FieldResolver(() => InstallmentOrderConnection, { description: 'Installment store orders, newest first' })
  async installmentOrders(
    @Root() user: User,
    @Ctx() ctx: StoreContext,
    @Arg('first', () => Int, { nullable: true, description: firstDescription }) first?: number,
    @Arg('after', () => String, { nullable: true, description: afterDescription }) after?: string,
  ): Promise<InstallmentOrderConnection> {
    const orders = await ctx.services.store.catalog.ordersOfUser(ctx.viewer, user.id, first, after);
    return mapConnection(orders, InstallmentOrder.from);
  }
}
