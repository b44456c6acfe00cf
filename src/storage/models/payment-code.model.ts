import { Schema } from 'mongoose';

/** A one-time offline payment code the user shows at a till (FULL only). */
export interface PaymentCodeDoc {
  /** sha256 of the code: shown once to the user, never stored. */
  _id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

export const paymentCodeSchema = new Schema<PaymentCodeDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'paymentCodes', versionKey: false, autoIndex: false },
);
// The due jobs' sweep of codes long expired.
paymentCodeSchema.index({ expiresAt: 1 });
