import { Schema } from 'mongoose';
import type { BillAsAsked } from '../../core/repayment/as-asked';
import { type RepayKind, repayKinds } from '../../core/repayment/amount-due';

export const repaymentStatuses = ['INITIATED', 'SUCCEEDED', 'FAILED'] as const;
export type RepaymentStatus = (typeof repaymentStatuses)[number];
export const paymentSources = ['BANK_CARD', 'WALLET_BALANCE', 'PARTNER_WALLET'] as const;
export type PaymentSource = (typeof paymentSources)[number];

/** A repayment through a payment rail; the ledger REPAY entry is appended only once it SUCCEEDED. */
export interface RepaymentDoc {
  _id: string;
  lineId: string;
  userId: string;
  /** `<userId>:<client key>`, unique. */
  idempotencyKey: string;
  requestHash: string;
  kind: RepayKind;
  /** The plan a PLAN_PAYOFF pays off. */
  planId: string | null;
  /** Plans this repayment pays off (decided when it was asked for; the ledger pays them if it can). */
  payOffPlanIds: string[];
  /** Periods each of those plans had billed when asked (fees billed since are waived); absent before. */
  billedPeriodsWhenAsked?: Record<string, number>;
  /** What the quote paid on each bill when asked (as-asked.ts); absent before. */
  billsAsAsked?: Record<string, BillAsAsked>;
  source: PaymentSource;
  /** What the source is asked for. */
  amountMinor: number;
  /** Credit balance spent first, set aside when asked (`RESERVE_CREDIT`); absent before: 0. */
  fromCreditBalanceMinor?: number;
  status: RepaymentStatus;
  failureReason: string | null;
  createdAt: Date;
}

export const repaymentSchema = new Schema<RepaymentDoc>(
  {
    _id: { type: String, required: true },
    lineId: { type: String, required: true },
    userId: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    requestHash: { type: String, required: true },
    kind: { type: String, enum: repayKinds, required: true },
    planId: { type: String, default: null },
    payOffPlanIds: { type: [String], default: [] },
    billedPeriodsWhenAsked: { type: Schema.Types.Mixed, default: undefined },
    billsAsAsked: { type: Schema.Types.Mixed, default: undefined },
    source: { type: String, enum: paymentSources, required: true },
    amountMinor: { type: Number, required: true },
    fromCreditBalanceMinor: { type: Number, default: 0 },
    status: { type: String, enum: repaymentStatuses, required: true },
    failureReason: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'repayments', versionKey: false, autoIndex: false },
);
repaymentSchema.index({ idempotencyKey: 1 }, { unique: true });
repaymentSchema.index({ lineId: 1, createdAt: -1 });
repaymentSchema.index({ status: 1, createdAt: 1 });
// A line's repayments in flight (`CreditLine.repaymentsInFlight`, new quotes).
repaymentSchema.index({ lineId: 1, status: 1, createdAt: 1, _id: 1 });
