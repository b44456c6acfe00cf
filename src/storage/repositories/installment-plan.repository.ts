import type { Models } from '../database';
import type { InstallmentPlanDoc, PlanStatus } from '../models/installment-plan.model';
import { insertOnce } from './insert-once';

export class InstallmentPlanRepository {
  constructor(private readonly models: Pick<Models, 'installmentPlans'>) {}

  async byId(planId: string): Promise<InstallmentPlanDoc | undefined> {
    return (
      (await this.models.installmentPlans.findById(planId).lean<InstallmentPlanDoc>().exec()) ?? undefined
    );
  }

  findByOrderIds(orderIds: readonly string[]): Promise<InstallmentPlanDoc[]> {
    return this.models.installmentPlans
      .find({ orderId: { $in: orderIds } })
      .lean<InstallmentPlanDoc[]>()
      .exec();
  }

  activeOfLine(lineId: string): Promise<InstallmentPlanDoc[]> {
    return this.models.installmentPlans
      .find({ lineId, status: 'ACTIVE' })
      .lean<InstallmentPlanDoc[]>()
      .exec();
  }

  insertOnce(plan: InstallmentPlanDoc): Promise<boolean> {
    return insertOnce(this.models.installmentPlans, plan);
  }

  async setBilledPeriods(planId: string, billedPeriods: number, status: PlanStatus): Promise<void> {
    await this.models.installmentPlans.updateOne({ _id: planId }, { $set: { billedPeriods, status } }).exec();
  }

  async applyRefund(
    planId: string,
    fields: Pick<InstallmentPlanDoc, 'remaining' | 'feeWrittenOffMinor' | 'status' | 'refundsApplied'>,
  ): Promise<void> {
    await this.models.installmentPlans.updateOne({ _id: planId }, { $set: fields }).exec();
  }
}
