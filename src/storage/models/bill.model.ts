import { Schema } from 'mongoose';

import type { BillStatus } from '../../core/billing/bill-payments';

export type { BillStatus };
export const billStatuses: readonly BillStatus[] = ['ISSUED', 'PAID', 'PARTIALLY_PAID', 'OVERDUE', 'SETTLED'];

export const billLineKinds = [
  'PURCHASE',
  'INSTALLMENT_PRINCIPAL',
  'INSTALLMENT_FEE',
  'PENALTY',
  'OVERDUE_CARRIED',
  'REFUND',
] as const;
export type BillLineKind = (typeof billLineKinds)[number];

export interface BillLineDoc {
  kind: BillLineKind;
  description: string;
  amountMinor: number;
  /** Order, plan or bill the line comes from. */
  ref: string;
}

/**
 * A statement. `_id` is `<lineId>:<statementDate>`, so a cycle is billed at most once. Lines and
 * amounts are frozen at issue; `paidMinor` and `status` are projections of later repayments.
 */
export interface BillDoc {
  _id: string;
  lineId: string;
  userId: string;
  statementDate: string;
  dueDate: string;
  lines: BillLineDoc[];
  totalMinor: number;
  minimumDueMinor: number;
  paidMinor: number;
  status: BillStatus;
  /** Last overdue day a penalty was accrued for (0 = none). */
  penaltyDaysAccrued: number;
  /** Last day after the due day revolving interest was accrued for (0 = none). */
  interestDaysAccrued: number;
  issuedAt: Date;
}

export const billSchema = new Schema<BillDoc>(
  {
    _id: { type: String, required: true },
    lineId: { type: String, required: true },
    userId: { type: String, required: true },
    statementDate: { type: String, required: true },
    dueDate: { type: String, required: true },
    lines: {
      type: [
        new Schema<BillLineDoc>(
          {
            kind: { type: String, enum: billLineKinds, required: true },
            description: { type: String, required: true },
            amountMinor: { type: Number, required: true },
            ref: { type: String, required: true },
          },
          { _id: false },
        ),
      ],
      required: true,
    },
    totalMinor: { type: Number, required: true },
    minimumDueMinor: { type: Number, required: true },
    paidMinor: { type: Number, required: true },
    status: { type: String, enum: billStatuses, required: true },
    penaltyDaysAccrued: { type: Number, required: true },
    interestDaysAccrued: { type: Number, default: 0 },
    issuedAt: { type: Date, required: true },
  },
  { collection: 'bills', versionKey: false, autoIndex: false },
);
billSchema.index({ lineId: 1, statementDate: -1 });
billSchema.index({ userId: 1, _id: -1 });
