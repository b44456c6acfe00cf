import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { catalogFirstDescription } from '../common/page-args';
import type { StoreContext } from '../common/store.context';
import { InstallmentProduct } from './installment.types';

@Resolver(() => InstallmentProduct)
export class InstallmentProductResolver {
  @Query(() => [InstallmentProduct], {
    description: 'The installment store catalog (sold by installments only)',
  })
  async installmentProducts(
    @Ctx() ctx: StoreContext,
    @Arg('first', () => Int, { nullable: true, description: catalogFirstDescription }) first?: number,
  ): Promise<InstallmentProduct[]> {
    return (await ctx.services.store.catalog.listProducts(first)).map(InstallmentProduct.from);
  }

  @Query(() => InstallmentProduct, {
    description: 'An installment store product by id (NOT_FOUND if the installment store does not sell it)',
  })
  async installmentProduct(
    @Ctx() ctx: StoreContext,
    @Arg('id', () => ID, { description: 'An installment store product id (`InstallmentProduct.id`)' })
    id: string,
  ): Promise<InstallmentProduct> {
    return InstallmentProduct.from(await ctx.services.store.catalog.product(id));
  }

  @FieldResolver(() => [Int], { description: 'Installment counts offered for this product' })
  periodsOffered(@Root() product: InstallmentProduct): number[] {
    return product.installmentPeriods;
  }
}
