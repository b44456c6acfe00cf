import type { Viewer } from '../auth/token';
import { isOpenBill } from '../core/billing/bill-payments';
import { businessDate } from '../core/time/business-date';
import type { Repositories } from '../storage/repositories/repositories';
import { requireOperator } from './access';
import { type BillingReport, BillingService } from './billing.service';
import type { ClockService } from './clock.service';
import { OrderPaymentService } from './order-payment.service';
import { LogSender, type NotificationSender, OutboxService } from './outbox.service';
import { type PaymentRail, SimulatedRail } from './payment-rail';
import { RepaymentService } from './repayment.service';

export interface DueJobsReport extends BillingReport {
  ranAt: Date;
  expiredHolds: number;
  autoDebits: number;
  repaymentsConfirmed: number;
  notificationsSent: number;
}

/** Time-driven work, run by an operator (local mode) or a scheduler: each job is idempotent. */
export class DueJobsService {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: ClockService,
    private readonly viewer: Viewer | undefined,
    private readonly rail: PaymentRail = new SimulatedRail(),
    private readonly sender: NotificationSender = new LogSender(),
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
    // Late rail confirmations land first, so today's overdue check sees the money.
    const repaymentsConfirmed = await new RepaymentService(
      this.repos,
      this.clock,
      this.rail,
      this.viewer,
    ).confirmPending();
    const billing = await new BillingService(this.repos).runDue(now);
    const autoDebits = await this.autoDebit(now);
    const notificationsSent = await new OutboxService(this.repos.notifications).dispatch(this.sender, now);
    return { ranAt: now, expiredHolds, ...billing, autoDebits, repaymentsConfirmed, notificationsSent };
  }

  /** On the due day, collects what is still owed on each bill from the default source (a bank card). */
  private async autoDebit(now: Date): Promise<number> {
    const today = businessDate(now);
    const outbox = new OutboxService(this.repos.notifications);
    let attempted = 0;
    for (const line of await this.repos.creditLines.all()) {
      for (const bill of await this.repos.bills.ofLine(line._id)) {
        if (bill.dueDate !== today || !isOpenBill(bill.status)) continue;
        const owner = { userId: line.userId, scopes: ['auto-debit'] };
        const result = await new RepaymentService(this.repos, this.clock, this.rail, owner).repay({
          kind: 'STATEMENT',
          source: 'BANK_CARD',
          idempotencyKey: `autodebit:${bill._id}`,
        });
        attempted += 1;
        const ok = result.repayment?.status === 'SUCCEEDED';
        await outbox.record(
          `autodebit:${bill._id}`,
          line.userId,
          ok ? 'AUTO_DEBIT_SUCCEEDED' : 'AUTO_DEBIT_FAILED',
          ok
            ? `We collected your bill due ${bill.dueDate} from your bank card`
            : `We could not collect your bill due ${bill.dueDate}: ${result.userErrors[0]?.message ?? 'unknown error'}`,
          bill._id,
          now,
        );
      }
    }
    return attempted;
  }
}
