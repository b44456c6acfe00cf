import type { ClassType } from 'type-graphql';
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import type { OrderDoc } from '../../storage/models/order.model';
import type { RefundDoc } from '../../storage/models/refund.model';
import { decimalInput } from './decimal-input';
import { InstallmentPlan } from './installment-plan.type';
import { Money } from './money.type';
import { PaymentPlan } from './payment-plan.enum';
import type { StoreContext } from './store.context';
import { UserError } from './user-error.type';

@InputType({ description: 'One cart line' })
export class CartItemInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  quantity!: number;
}

@InputType()
export class CheckoutInput {
  @Field(() => [CartItemInput])
  items!: CartItemInput[];

  @Field(() => PaymentPlan)
  plan!: PaymentPlan;

  @Field(() => Int, { nullable: true, description: 'Required for INSTALLMENTS: 3, 6, 12 or 24' })
  periods?: number;

  @Field({ description: 'Same key + same input returns the same order; same key + other input is refused' })
  idempotencyKey!: string;
}

@InputType()
export class OrderIdInput {
  @Field(() => ID)
  orderId!: string;
}

@InputType()
export class RefundOrderInput {
  @Field(() => ID)
  orderId!: string;

  @Field({ description: 'Exact decimal amount in CNY, e.g. "100.00"' })
  amount!: string;

  @Field()
  idempotencyKey!: string;
}

interface StoreOrderClass<T extends object> extends ClassType<T> {
  from(doc: OrderDoc): T;
}

/**
 * The abstract resolver of a store's checkout and payment mutations, with the store's own field names
 * (the mall's `checkout`, the installment store's `installmentCheckout`...) over the same services.
 * Each store declares a named class that extends it (`MallMutations`, `InstallmentMutations`).
 */
export function storeMutations<TOrder extends object>(
  prefix: 'Mall' | 'Installment',
  names: { checkout: string; cancel: string; ship: string; refund: string },
  Order: StoreOrderClass<TOrder>,
) {
  @ObjectType(`${prefix}OrderPayload`)
  class OrderPayload {
    @Field(() => Order, { nullable: true })
    order!: TOrder | null;

    @Field(() => [UserError])
    userErrors!: UserError[];
  }

  @ObjectType(`${prefix}Refund`)
  class Refund {
    @Field(() => ID)
    id!: string;

    @Field(() => Int, { description: 'Refund number n of this order' })
    number!: number;

    @Field(() => Money)
    amount!: Money;

    @Field(() => Money, { description: 'Unbilled installment fees written off by this refund' })
    feeWrittenOff!: Money;
  }

  @ObjectType(`${prefix}RefundPayload`)
  class RefundPayload extends OrderPayload {
    @Field(() => Refund, { nullable: true })
    refund!: Refund | null;
  }

  const payload = (result: {
    order: OrderDoc | null;
    userErrors: { field: string | null; code: string; message: string }[];
  }) =>
    Object.assign(new OrderPayload(), {
      order: result.order ? Order.from(result.order) : null,
      userErrors: result.userErrors.map(UserError.from),
    });

  @Resolver(() => Order)
  abstract class StoreMutations {
    @Mutation(() => OrderPayload, {
      name: names.checkout,
      description: 'Pay a cart with the credit line (holds the amount)',
    })
    async checkout(@Arg('input', () => CheckoutInput) input: CheckoutInput, @Ctx() ctx: StoreContext) {
      return payload(await ctx.services.store.checkout.checkout(ctx.viewer, input));
    }

    @Mutation(() => OrderPayload, {
      name: names.cancel,
      description: 'Cancel before shipping: the hold is released',
    })
    async cancel(@Arg('input', () => OrderIdInput) input: OrderIdInput, @Ctx() ctx: StoreContext) {
      return payload(await ctx.services.store.payments.cancel(ctx.viewer, input.orderId));
    }

    @Mutation(() => OrderPayload, {
      name: names.ship,
      description: 'Operator: ship the order, capturing the hold',
    })
    async ship(@Arg('input', () => OrderIdInput) input: OrderIdInput, @Ctx() ctx: StoreContext) {
      return payload(await ctx.services.store.payments.ship(ctx.viewer, input.orderId));
    }

    @Mutation(() => RefundPayload, {
      name: names.refund,
      description: 'Operator: refund part or all of a shipped order',
    })
    async refund(@Arg('input', () => RefundOrderInput) input: RefundOrderInput, @Ctx() ctx: StoreContext) {
      const amountMinor = decimalInput(input.amount);
      if (amountMinor instanceof UserError) {
        return Object.assign(new RefundPayload(), { order: null, refund: null, userErrors: [amountMinor] });
      }
      const result = await ctx.services.store.payments.refund(
        ctx.viewer,
        input.orderId,
        amountMinor,
        input.idempotencyKey,
      );
      return Object.assign(new RefundPayload(), {
        ...payload(result),
        refund: result.refund ? toRefund(result.refund) : null,
      });
    }

    @FieldResolver(() => InstallmentPlan, {
      nullable: true,
      description: 'Set once an INSTALLMENTS order ships',
    })
    async installmentPlan(@Root() order: TOrder & { id: string }, @Ctx() ctx: StoreContext) {
      const doc = await ctx.services.store.catalog.order(ctx.viewer, order.id);
      const plan = await ctx.services.store.catalog.planOfOrder(ctx.viewer, doc);
      return plan ? InstallmentPlan.from(plan) : null;
    }
  }

  function toRefund(doc: RefundDoc): Refund {
    return Object.assign(new Refund(), {
      id: doc._id,
      number: doc.number,
      amount: Money.of(doc.amountMinor),
      feeWrittenOff: Money.of(doc.feeWrittenOffMinor),
    });
  }

  return StoreMutations;
}
