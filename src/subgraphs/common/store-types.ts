import { DateTimeISOResolver } from 'graphql-scalars';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { type OrderDoc, type OrderStatus as Status, orderStatuses } from '../../storage/models/order.model';
import { enumFrom } from './enum-from';
import type { ProductDoc } from '../../storage/models/product.model';
import { connectionTypes } from './connection.type';
import { Money } from './money.type';
import { PaymentPlan } from './payment-plan.enum';

export const OrderStatus = enumFrom('OrderStatus', orderStatuses);

/**
 * Product, order and order-item types of one store, named `<prefix>Product`, `<prefix>Order`...
 * The mall and the installment store sell the same way; each subgraph adds its own fields on top.
 */
export function storeTypes(prefix: 'Mall' | 'Installment') {
  @ObjectType(`${prefix}Product`)
  class Product {
    @Field(() => ID)
    id!: string;

    @Field()
    title!: string;

    @Field()
    category!: string;

    @Field(() => Money)
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
    @Field(() => ID)
    productId!: string;

    @Field()
    title!: string;

    @Field(() => Int)
    quantity!: number;

    @Field(() => Money)
    unitPrice!: Money;
  }

  @Directive('@key(fields: "id")')
  @ObjectType(`${prefix}Order`)
  class Order {
    @Field(() => ID)
    id!: string;

    @Field(() => OrderStatus)
    status!: Status;

    @Field(() => Money)
    total!: Money;

    @Field(() => [OrderItem])
    items!: OrderItem[];

    @Field(() => PaymentPlan)
    plan!: PaymentPlan;

    @Field(() => Int, { description: '1 for FULL, else the number of monthly installments' })
    periods!: number;

    @Field(() => Money, { description: 'Charged to the credit line when the order shipped' })
    captured!: Money;

    @Field(() => Money)
    refunded!: Money;

    @Field(() => DateTimeISOResolver)
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
