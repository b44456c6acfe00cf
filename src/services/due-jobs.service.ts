import type { Viewer } from '../auth/token';
import type { Repositories } from '../storage/repositories/repositories';
import { requireOperator } from './access';
import type { ClockService } from './clock.service';
import { type BillingReport, BillingService } from './billing.service';
import { OrderPaymentService } from './order-payment.service';

export interface DueJobsReport extends BillingReport {
  ranAt: Date;
  expiredHolds: number;
}

/** Time-driven work, run by an operator (local mode) or a scheduler: each job is idempotent. */
export class DueJobsService {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: ClockService,
    private readonly viewer: Viewer | undefined,
  ) {}

  async run(): Promise<DueJobsReport> {
    requireOperator(this.viewer);
    const now = await this.clock.now();
    let expiredHolds = 0;
    for (const orders of [this.repos.mallOrders, this.repos.installmentOrders]) {
      expiredHolds += await new OrderPaymentService(this.repos, orders, this.clock, this.viewer).expireHolds(
        now,
      );
    }
    const billing = await new BillingService(this.repos).runDue(now);
    return { ranAt: now, expiredHolds, ...billing };
  }
}
