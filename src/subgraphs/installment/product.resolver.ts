import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { InstallmentContext } from './installment.context';
import { InstallmentProduct } from './installment.types';

@Resolver(() => InstallmentProduct)
export class InstallmentProductResolver {
  @Query(() => [InstallmentProduct], {
    description: 'The installment store catalog (sold by installments only)',
  })
  async installmentProducts(
    @Ctx() ctx: InstallmentContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
  ): Promise<InstallmentProduct[]> {
    return (await ctx.services.installmentStore.listProducts(first)).map(InstallmentProduct.from);
  }

  @Query(() => InstallmentProduct)
  async installmentProduct(
    @Ctx() ctx: InstallmentContext,
    @Arg('id', () => ID) id: string,
  ): Promise<InstallmentProduct> {
    return InstallmentProduct.from(await ctx.services.installmentStore.product(id));
  }

  @FieldResolver(() => [Int], { description: 'Installment counts offered for this product' })
  periodsOffered(@Root() product: InstallmentProduct): number[] {
    return product.installmentPeriods;
  }
}
