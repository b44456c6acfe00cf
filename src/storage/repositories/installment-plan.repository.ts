import { trusted } from 'mongoose';
import type { Models } from '../database';
import type { InstallmentPlanDoc } from '../models/installment-plan.model';
import { projectVersioned } from './project-versioned';

export class InstallmentPlanRepository {
  constructor(private readonly models: Pick<Models, 'installmentPlans'>) {}

  async byId(planId: string): Promise<InstallmentPlanDoc | undefined> {
    return (
      (await this.models.installmentPlans.findById(planId).lean<InstallmentPlanDoc>().exec()) ?? undefined
    );
  }

  findByOrderIds(orderIds: readonly string[]): Promise<InstallmentPlanDoc[]> {
    return this.models.installmentPlans
      .find({ orderId: trusted({ $in: orderIds }) })
      .lean<InstallmentPlanDoc[]>()
      .exec();
  }

  ofLine(lineId: string): Promise<InstallmentPlanDoc[]> {
    return this.models.installmentPlans.find({ lineId }).lean<InstallmentPlanDoc[]>().exec();
  }

  /** Writes the plan as of a ledger sequence, unless a newer one is there. */
  project(plan: InstallmentPlanDoc): Promise<void> {
    return projectVersioned(this.models.installmentPlans, plan);
  }
}
