import { Schema } from 'mongoose';
import { feeTiers, type FeeTier } from '../../core/installments/fee-rates';
import { schedulePrincipalMinor } from '../../core/orders/order-amounts';
import type { ScheduledPeriod } from '../../core/installments/schedule';
import { type PlanState, type PlanStatus, planStatuses } from '../../core/ledger/line-state';

/**
 * An installment plan created by a capture: a projection of the plan's state in the ledger (as of
 * `sequence`). `schedule` is the plan as sold; `remaining` is the schedule now (billed periods as
 * billed, unbilled ones after refunds).
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
  status: PlanStatus;
  sequence: number;
}

/** The plan document for a plan state (used live and by the rebuild). */
export function planProjection(
  plan: PlanState,
  line: { lineId: string; userId: string },
  sequence: number,
): InstallmentPlanDoc {
  const principalMinor = schedulePrincipalMinor(plan.schedule);
  return {
    _id: plan.planId,
    lineId: line.lineId,
    userId: line.userId,
    orderId: plan.orderId,
    principalMinor,
    periods: plan.periods,
    tier: plan.tier,
    feeRateBpsPerPeriod: plan.feeRateBpsPerPeriod,
    totalFeeMinor: plan.totalFeeMinor,
    annualizedRateBps: plan.annualizedRateBps,
    schedule: plan.schedule,
    remaining: plan.remaining,
    billedPeriods: plan.billedPeriods,
    feeWrittenOffMinor: plan.feeWrittenOffMinor,
    status: plan.status,
    sequence,
  };
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
    tier: { type: String, enum: feeTiers, required: true },
    feeRateBpsPerPeriod: { type: Number, required: true },
    totalFeeMinor: { type: Number, required: true },
    annualizedRateBps: { type: Number, required: true },
    schedule: { type: [periodSchema], required: true },
    remaining: { type: [periodSchema], required: true },
    billedPeriods: { type: Number, required: true },
    feeWrittenOffMinor: { type: Number, required: true },
    status: { type: String, enum: planStatuses, required: true },
    sequence: { type: Number, required: true },
  },
  { collection: 'installmentPlans', versionKey: false, autoIndex: false },
);
installmentPlanSchema.index({ orderId: 1 }, { unique: true });
installmentPlanSchema.index({ lineId: 1 });
