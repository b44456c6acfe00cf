import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { MallContext } from './mall.context';
import { MallProduct } from './mall.types';

@Resolver(() => MallProduct)
export class MallProductResolver {
  @Query(() => [MallProduct], { description: 'The mall catalog' })
  async products(
    @Ctx() ctx: MallContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
  ): Promise<MallProduct[]> {
    return (await ctx.services.mall.listProducts(first)).map(MallProduct.from);
  }

  @Query(() => MallProduct)
  async product(@Ctx() ctx: MallContext, @Arg('id', () => ID) id: string): Promise<MallProduct> {
    return MallProduct.from(await ctx.services.mall.product(id));
  }
}
