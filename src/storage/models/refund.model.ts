import { Schema } from 'mongoose';

/**
 * Refund number n of an order: `_id` is `<orderId>:r<n>`. Refunds of one order are numbered, so two
 * concurrent partial refunds cannot both be computed against the same remaining amount.
 */
export interface RefundDoc {
  _id: string;
  orderId: string;
  number: number;
  /** `<orderId>:<client key>`, unique. */
  idempotencyKey: string;
  requestHash: string;
  amountMinor: number;
  /** Refunded on this order including this refund: never above the captured amount. */
  refundedAfterMinor: number;
  feeWrittenOffMinor: number;
  at: Date;
}

export const refundSchema = new Schema<RefundDoc>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    number: { type: Number, required: true },
    idempotencyKey: { type: String, required: true },
    requestHash: { type: String, required: true },
    amountMinor: { type: Number, required: true },
    refundedAfterMinor: { type: Number, required: true },
    feeWrittenOffMinor: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'refunds', versionKey: false, autoIndex: false },
);
refundSchema.index({ idempotencyKey: 1 }, { unique: true });
refundSchema.index({ orderId: 1, number: 1 }, { unique: true });
