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
import { captureAmountDescription, decimalInput, optionalDecimalInput } from './decimal-input';
import { idempotencyKeyDescription } from './idempotency-key';
import { partnerRefundKeyPrefix } from '../../app/orders/order-payment.service';
import { InstallmentPlan } from './installment-plan.type';
import { Money } from './money.type';
import { PaymentPlan } from './payment-plan.enum';
import { installmentPeriodCountsText } from '../../core/installments/fee-rates';
import { maxCartLines, maxUnitsPerLine } from '../../core/orders/order-amounts';
import type { StoreContext } from './store.context';
import { UserError } from './user-error.type';

@InputType({ description: 'One cart line' })
export class CartItemInput {
  @Field(() => ID, { description: 'A product of this store (its catalog id)' })
  productId!: string;

  @Field(() => Int, { description: `Units, 1 to ${maxUnitsPerLine}` })
  quantity!: number;
}

@InputType()
export class CheckoutInput {
  @Field(() => [CartItemInput], { description: `The cart: 1 to ${maxCartLines} lines` })
  items!: CartItemInput[];

  @Field(() => PaymentPlan, { description: "How to pay (the store's channel must offer the plan)" })
  plan!: PaymentPlan;

  @Field(() => Int, {
    nullable: true,
    description: `Required for INSTALLMENTS: ${installmentPeriodCountsText}`,
  })
  periods?: number;

  @Field({
    description: idempotencyKeyDescription(
      'Same key + same input returns the same order; same key + other input is refused. Keys are per user',
    ),
  })
  idempotencyKey!: string;
}

@InputType()
export class OrderIdInput {
  @Field(() => ID, { description: 'An order of this store (its id)' })
  orderId!: string;
}

@InputType()
export class ShipOrderInput {
  @Field(() => ID, { description: 'An order of this store (its id)' })
  orderId!: string;

  @Field(() => String, { nullable: true, description: captureAmountDescription })
  amount?: string | null;
}

@InputType()
export class RefundOrderInput {
  @Field(() => ID, { description: 'A shipped order of this store (its id)' })
  orderId!: string;

  @Field({ description: 'Exact decimal amount in CNY, e.g. "100.00"' })
  amount!: string;

  @Field({
    description: idempotencyKeyDescription(
      `Same key + same order and amount returns the same refund; same key + other input is refused. Operators share one key space for every store refund, and its keys may not begin with "${partnerRefundKeyPrefix}" (partners' refunds are kept there)`,
    ),
  })
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
    @Field(() => Order, {
      nullable: true,
      description:
        'The order as the mutation left it; null when the input was refused before any order was read or placed',
    })
    order!: TOrder | null;

    @Field(() => [UserError], { description: 'Why the mutation did nothing; empty when it succeeded' })
    userErrors!: UserError[];
  }

  @ObjectType(`${prefix}Refund`)
  class Refund {
    @Field(() => ID, { description: "The refund's id" })
    id!: string;

    @Field(() => Int, { description: 'Refund number n of this order' })
    number!: number;

    @Field(() => Money, { description: 'What this refund gave back' })
    amount!: Money;

    @Field(() => Money, { description: 'Unbilled installment fees written off by this refund' })
    feeWrittenOff!: Money;
  }

  @ObjectType(`${prefix}RefundPayload`)
  class RefundPayload extends OrderPayload {
    @Field(() => Refund, {
      nullable: true,
      description: 'The refund recorded (a replay of its key returns it again); null when refused',
    })
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
    async checkout(
      @Arg('input', () => CheckoutInput, {
        description: 'The cart, how to pay it, and an idempotency key',
      })
      input: CheckoutInput,
      @Ctx() ctx: StoreContext,
    ) {
      return payload(await ctx.services.store.checkout.checkout(ctx.viewer, input));
    }

    @Mutation(() => OrderPayload, {
      name: names.cancel,
      description: 'Cancel before shipping: the hold is released',
    })
    async cancel(
      @Arg('input', () => OrderIdInput, {
        description:
          "The order to cancel: your own (an operator's: any); another user's or an unknown one is NOT_FOUND",
      })
      input: OrderIdInput,
      @Ctx() ctx: StoreContext,
    ) {
      return payload(await ctx.services.store.payments.cancel(ctx.viewer, input.orderId));
    }

    @Mutation(() => OrderPayload, {
      name: names.ship,
      description: 'Operator: ship the order, capturing the hold (all of it, or part when part shipped)',
    })
    async ship(
      @Arg('input', () => ShipOrderInput, {
        description:
          'The order to ship, and what to capture when only part of it shipped; an unknown one is NOT_FOUND',
      })
      input: ShipOrderInput,
      @Ctx() ctx: StoreContext,
    ) {
      const captureMinor = optionalDecimalInput(input.amount);
      if (captureMinor instanceof UserError) return payload({ order: null, userErrors: [captureMinor] });
      return payload(await ctx.services.store.payments.ship(ctx.viewer, input.orderId, captureMinor));
    }

    @Mutation(() => RefundPayload, {
      name: names.refund,
      description: 'Operator: refund part or all of a shipped order',
    })
    async refund(
      @Arg('input', () => RefundOrderInput, {
        description:
          'The shipped order, the amount to refund, and an idempotency key; an unknown order is NOT_FOUND',
      })
      input: RefundOrderInput,
      @Ctx() ctx: StoreContext,
    ) {
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
