import { FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { InstallmentOrder } from './installment.types';

@Resolver(() => InstallmentOrder)
export class InstallmentOrderResolver {
  @FieldResolver(() => Int, { description: 'Number of monthly installments' })
  periods(@Root() order: InstallmentOrder): number {
    return order.periods;
  }
}
