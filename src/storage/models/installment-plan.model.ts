import { Schema } from 'mongoose';
import type { FeeTier } from '../../core/installments/fee-rates';
import type { ScheduledPeriod } from '../../core/installments/schedule';

export const planStatuses = ['ACTIVE', 'CANCELLED', 'PAID_OFF'] as const;
export type PlanStatus = (typeof planStatuses)[number];

/**
 * An installment plan created by a capture. `schedule` is the plan as sold; `remaining` is the
 * schedule now (billed periods as billed, unbilled ones after refunds), and the periods with index
 * above `billedPeriods` are still to bill. A projection of the capture, bills and refunds.
 */
export interface InstallmentPlanDoc {
  _id: string;
  lineId: string;
  userId: string;
  orderId: string;
  principalMinor: number;
  periods: number;
  tier: FeeTier;
  feeRateBpsPerPeriod: number;
  totalFeeMinor: number;
  annualizedRateBps: number;
  schedule: ScheduledPeriod[];
  remaining: ScheduledPeriod[];
  billedPeriods: number;
  feeWrittenOffMinor: number;
  /** Refunds already applied to `remaining` (each applies once). */
  refundsApplied: string[];
  status: PlanStatus;
  capturedAt: Date;
}

const periodSchema = new Schema<ScheduledPeriod>(
  {
    index: { type: Number, required: true },
    principalMinor: { type: Number, required: true },
    feeMinor: { type: Number, required: true },
  },
  { _id: false },
);

export const installmentPlanSchema = new Schema<InstallmentPlanDoc>(
  {
    _id: { type: String, required: true },
    lineId: { type: String, required: true },
    userId: { type: String, required: true },
    orderId: { type: String, required: true },
    principalMinor: { type: Number, required: true },
    periods: { type: Number, required: true },
    tier: { type: String, required: true },
    feeRateBpsPerPeriod: { type: Number, required: true },
    totalFeeMinor: { type: Number, required: true },
    annualizedRateBps: { type: Number, required: true },
    schedule: { type: [periodSchema], required: true },
    remaining: { type: [periodSchema], required: true },
    billedPeriods: { type: Number, required: true },
    feeWrittenOffMinor: { type: Number, required: true },
    refundsApplied: { type: [String], default: [] },
    status: { type: String, enum: planStatuses, required: true },
    capturedAt: { type: Date, required: true },
  },
  { collection: 'installmentPlans', versionKey: false, autoIndex: false },
);
installmentPlanSchema.index({ lineId: 1, status: 1 });
installmentPlanSchema.index({ orderId: 1 }, { unique: true });
