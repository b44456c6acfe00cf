import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { catalogFirstDescription } from '../common/page-args';
import type { StoreContext } from '../common/store.context';
import { MallProduct } from './mall.types';

@Resolver(() => MallProduct)
export class MallProductResolver {
  @Query(() => [MallProduct], { description: 'The mall catalog' })
  async products(
    @Ctx() ctx: StoreContext,
    @Arg('first', () => Int, { nullable: true, description: catalogFirstDescription }) first?: number,
  ): Promise<MallProduct[]> {
    return (await ctx.services.store.catalog.listProducts(first)).map(MallProduct.from);
  }

  @Query(() => MallProduct, { description: 'A mall product by id (NOT_FOUND if the mall does not sell it)' })
  async product(
    @Ctx() ctx: StoreContext,
    @Arg('id', () => ID, { description: 'A mall product id (`MallProduct.id`)' }) id: string,
  ): Promise<MallProduct> {
    return MallProduct.from(await ctx.services.store.catalog.product(id));
  }
}
