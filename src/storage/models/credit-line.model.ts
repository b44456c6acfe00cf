import { Schema } from 'mongoose';

export const creditLineStatuses = ['PENDING_REVIEW', 'ACTIVE', 'FROZEN', 'CLOSED'] as const;
export type CreditLineStatus = (typeof creditLineStatuses)[number];

/** Summary projection of a credit line; the append-only ledger (next issue) becomes its source of truth. */
export interface CreditLineDoc {
  _id: string;
  userId: string;
  status: CreditLineStatus;
  limitMinor: number;
  usedMinor: number;
  heldMinor: number;
  statementDay: number;
  createdAt: Date;
}

export const creditLineSchema = new Schema<CreditLineDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    status: { type: String, enum: creditLineStatuses, required: true },
    limitMinor: { type: Number, required: true },
    usedMinor: { type: Number, required: true },
    heldMinor: { type: Number, required: true },
    statementDay: { type: Number, required: true, min: 1, max: 28 },
    createdAt: { type: Date, required: true },
  },
  { collection: 'creditLines', versionKey: false, autoIndex: false },
);
creditLineSchema.index({ userId: 1 }, { unique: true });
