import type { ScheduledPeriod } from '../../core/installments/schedule';
import type { Models } from '../database';
import type { InstallmentPlanDoc, PlanStatus } from '../models/installment-plan.model';
import { insertOnce } from './insert-once';

export class InstallmentPlanRepository {
  constructor(private readonly models: Pick<Models, 'installmentPlans'>) {}

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

  async setBilledPeriods(planId: string, billedPeriods: number, status: PlanStatus): Promise<void> {
    await this.models.installmentPlans.updateOne({ _id: planId }, { $set: { billedPeriods, status } }).exec();
  }

  insertOnce(plan: InstallmentPlanDoc): Promise<boolean> {
    return insertOnce(this.models.installmentPlans, plan);
  }

  async updateRemaining(
    planId: string,
    remaining: ScheduledPeriod[],
    feeWrittenOffMinor: number,
    status: PlanStatus,
  ): Promise<void> {
    await this.models.installmentPlans
      .updateOne({ _id: planId }, { $set: { remaining, feeWrittenOffMinor, status } })
      .exec();
  }
}
