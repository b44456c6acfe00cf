import { DateTimeISOResolver } from 'graphql-scalars';
import { holdLifetimeDays } from '../../core/orders/order-amounts';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { type OrderDoc, type OrderStatus as Status, orderStatuses } from '../../storage/models/order.model';
import { enumFrom } from './enum-from';
import type { ProductDoc } from '../../storage/models/product.model';
import { connectionTypes } from './connection.type';
import { Money } from './money.type';
import { PaymentPlan } from './payment-plan.enum';

export const OrderStatus = enumFrom('OrderStatus', orderStatuses, "Where an order's payment stands", {
  PLACED: 'The total is held on the credit line, not charged yet',
  SHIPPED: 'The hold was captured: charged to the credit line (refunds leave it SHIPPED)',
  CANCELLED: `The hold was released without charge: cancelled before capture, or not captured within ${holdLifetimeDays} days (the due jobs release it)`,
});

/**
 * Product, order and order-item types of one store, named `<prefix>Product`, `<prefix>Order`...
 * The mall and the installment store sell the same way; each subgraph adds its own fields on top.
 */
export function storeTypes(prefix: 'Mall' | 'Installment') {
  @ObjectType(`${prefix}Product`)
  class Product {
    @Field(() => ID, { description: "The product's id, as `CartItemInput.productId` takes it" })
    id!: string;

    @Field({ description: "The product's name" })
    title!: string;

    @Field({
      description: 'Category code the checkout rules check, e.g. ELECTRONICS (a channel may block some)',
    })
    category!: string;

    @Field(() => Money, { description: 'Price of one unit' })
    price!: Money;

    installmentPeriods!: number[];

    static from(doc: ProductDoc): Product {
      return Object.assign(new Product(), {
        id: doc._id,
        title: doc.title,
        category: doc.category,
        price: Money.of(doc.priceMinor),
        installmentPeriods: doc.installmentPeriods,
      });
    }
  }

  @ObjectType(`${prefix}OrderItem`)
  class OrderItem {
    @Field(() => ID, { description: 'The product bought (its id)' })
    productId!: string;

    @Field({ description: "The product's name at checkout" })
    title!: string;

    @Field(() => Int, { description: 'Units bought' })
    quantity!: number;

    @Field(() => Money, { description: 'Price of one unit at checkout' })
    unitPrice!: Money;
  }

  @Directive('@key(fields: "id")')
  @ObjectType(`${prefix}Order`)
  class Order {
    @Field(() => ID, { description: "The order's id" })
    id!: string;

    @Field(() => OrderStatus, {
      description: 'Where the order stands: PLACED at checkout, then SHIPPED or CANCELLED',
    })
    status!: Status;

    @Field(() => Money, {
      description: 'What the cart cost (unit price x quantity, summed): the amount held at checkout',
    })
    total!: Money;

    @Field(() => [OrderItem], { description: 'The cart lines, priced at checkout' })
    items!: OrderItem[];

    @Field(() => PaymentPlan, { description: 'How the order is paid' })
    plan!: PaymentPlan;

    @Field(() => Int, { description: '1 for FULL, else the number of monthly installments' })
    periods!: number;

    @Field(() => Money, { description: 'Charged to the credit line when the order shipped' })
    captured!: Money;

    @Field(() => Money, { description: 'Refunded so far, over all its refunds (never more than captured)' })
    refunded!: Money;

    @Field(() => DateTimeISOResolver, { description: 'When it was placed (checkout), on the business clock' })
    createdAt!: Date;

    static from(doc: OrderDoc): Order {
      return Object.assign(new Order(), {
        id: doc._id,
        status: doc.status,
        total: Money.of(doc.totalMinor),
        items: doc.items.map((item) =>
          Object.assign(new OrderItem(), {
            productId: item.sku,
            title: item.title,
            quantity: item.quantity,
            unitPrice: Money.of(item.unitPriceMinor),
          }),
        ),
        createdAt: doc.createdAt,
        plan: doc.plan as PaymentPlan,
        periods: doc.periods,
        captured: Money.of(doc.capturedMinor),
        refunded: Money.of(doc.refundedMinor),
      });
    }
  }

  const { Connection: OrderConnection } = connectionTypes(Order, `${prefix}Order`);
  return { Product, Order, OrderItem, OrderConnection };
}
