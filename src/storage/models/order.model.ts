import { Schema } from 'mongoose';
import { type PartnerPaymentKind, partnerPaymentKinds } from '../../core/partners/partner-payment';
import { type Plan, plans } from '../../core/policy/channel-policies';

/** PLACED = authorized (a hold on the line); SHIPPED = captured; CANCELLED = hold voided or expired. */
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
  plan: Plan;
  /** 1 for pay-in-full; 3/6/12/24 for installments. */
  periods: number;
  status: OrderStatus;
  lineId: string;
  /** The hold on the credit line; its capture or void is a unique ledger key (resolves once). */
  authorizationId: string;
  /** `<userId>:<client key>`, unique: the same checkout twice is one order. */
  idempotencyKey: string;
  requestHash: string;
  capturedMinor: number;
  refundedMinor: number;
  createdAt: Date;
  /** Partner payments only: who took it, for whom (their handle), and their reference. */
  partner?: PartnerOrderRef;
}

export interface PartnerOrderRef {
  partnerId: string;
  partnerUserId: string;
  kind: PartnerPaymentKind;
  merchantRef: string;
  /** TOP_UP: the number topped up. */
  phoneNumber?: string;
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
      plan: { type: String, enum: plans, required: true },
      periods: { type: Number, required: true },
      status: { type: String, enum: orderStatuses, required: true },
      lineId: { type: String, required: true },
      authorizationId: { type: String, required: true },
      idempotencyKey: { type: String, required: true },
      requestHash: { type: String, required: true },
      capturedMinor: { type: Number, required: true },
      refundedMinor: { type: Number, required: true },
      createdAt: { type: Date, required: true },
      partner: {
        type: new Schema<PartnerOrderRef>(
          {
            partnerId: { type: String, required: true },
            partnerUserId: { type: String, required: true },
            kind: { type: String, enum: partnerPaymentKinds, required: true },
            merchantRef: { type: String, required: true },
            phoneNumber: { type: String },
          },
          { _id: false },
        ),
        required: false,
      },
    },
    { collection, versionKey: false, autoIndex: false },
  );
  schema.index({ userId: 1, _id: -1 });
  schema.index({ idempotencyKey: 1 }, { unique: true });
  schema.index({ status: 1, createdAt: 1 });
  return schema;
}

export const mallOrderSchema = orderSchema('mallOrders');
export const installmentOrderSchema = orderSchema('installmentOrders');
/** Payments partners took for bound users (wallets subgraph): the same life cycle as an order. */
export const partnerPaymentSchema = orderSchema('partnerPayments');
partnerPaymentSchema.index({ 'partner.partnerId': 1, _id: -1 });
