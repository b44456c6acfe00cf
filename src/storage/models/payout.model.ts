import { Schema } from 'mongoose';

/**
 * INITIATED: asked, not finished (the ledger debit or the rail's answer may be missing); PAID: the
 * rail paid it; REVERSED: the rail refused it and the money is back on the credit balance; REFUSED:
 * nothing was debited (no balance to pay, the key reused).
 */
export const payoutStatuses = ['INITIATED', 'PAID', 'REVERSED', 'REFUSED'] as const;
export type PayoutStatus = (typeof payoutStatuses)[number];

/**
 * A shopper's request to pay her credit balance back, recorded before the ledger debits it, so the
 * due jobs finish one a crash or a slow rail left unfinished. `_id` is the rail's payout id,
 * `<userId>:<client key>`.
 */
export interface PayoutDoc {
  _id: string;
  lineId: string;
  userId: string;
  /** The client's idempotency key (the ledger entry's is `payout:<it>`). */
  idempotencyKey: string;
  /** What was asked for; null: the whole credit balance. */
  askedMinor: number | null;
  /** What the ledger debited, once it did. */
  amountMinor?: number;
  status: PayoutStatus;
  /** Why it was refused or reversed. */
  reason?: string;
  /** 1, and one more each time a refused payout is asked again under its key: writes name the attempt they saw. */
  attempt: number;
  createdAt: Date;
  /** When its steps were last tried (by her request or a due job): the jobs take the longest untried first. */
  triedAt: Date;
}

export const payoutSchema = new Schema<PayoutDoc>(
  {
    _id: { type: String, required: true },
    lineId: { type: String, required: true },
    userId: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    askedMinor: { type: Number, default: null },
    amountMinor: { type: Number },
    status: { type: String, enum: payoutStatuses, required: true },
    reason: { type: String },
    attempt: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    triedAt: { type: Date, required: true },
  },
  { collection: 'payouts', versionKey: false, autoIndex: false },
);
// The due jobs' read of unfinished payouts, longest untried first.
payoutSchema.index({ status: 1, triedAt: 1 });
// A line's payouts on their way (CreditLine.payoutsInFlight).
payoutSchema.index({ lineId: 1, status: 1, createdAt: 1, _id: 1 });
