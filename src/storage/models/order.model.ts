import { Schema } from 'mongoose';

export const orderStatuses = ['PLACED', 'SHIPPED', 'CANCELLED'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface OrderItem {
  sku: string;
  title: string;
  quantity: number;
  unitPriceMinor: number;
}

/** Mall and installment-store orders share a shape but live in separate collections (separate subgraphs). */
export interface OrderDoc {
  _id: string;
  userId: string;
  items: OrderItem[];
  totalMinor: number;
  /** 1 for pay-in-full; 3/6/12/24 for installments. */
  periods: number;
  status: OrderStatus;
  createdAt: Date;
}

function orderSchema(collection: string): Schema<OrderDoc> {
  const schema = new Schema<OrderDoc>(
    {
      _id: { type: String, required: true },
      userId: { type: String, required: true },
      items: {
        type: [
          new Schema<OrderItem>(
            {
              sku: { type: String, required: true },
              title: { type: String, required: true },
              quantity: { type: Number, required: true },
              unitPriceMinor: { type: Number, required: true },
            },
            { _id: false },
          ),
        ],
        required: true,
      },
      totalMinor: { type: Number, required: true },
      periods: { type: Number, required: true },
      status: { type: String, enum: orderStatuses, required: true },
      createdAt: { type: Date, required: true },
    },
    { collection, versionKey: false, autoIndex: false },
  );
  schema.index({ userId: 1, _id: -1 });
  return schema;
}

export const mallOrderSchema = orderSchema('mallOrders');
export const installmentOrderSchema = orderSchema('installmentOrders');
