import type { Viewer } from '../auth/token';
import { isOpenBillStatus, billStatus } from '../core/billing/bill-status';
import { businessDate } from '../core/time/business-date';
import { LedgerWriter } from '../ledger/ledger-writer';
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
  private readonly ledger: LedgerWriter;
  private readonly outbox: OutboxService;
  private readonly repayments: RepaymentService;

  constructor(
    private readonly repos: Repositories,
    private readonly clock: ClockService,
    rail: PaymentRail = new SimulatedRail(),
    private readonly sender: NotificationSender = new LogSender(),
  ) {
    this.ledger = new LedgerWriter(repos);
    this.outbox = new OutboxService(repos.notifications);
    this.repayments = new RepaymentService(repos, clock, rail, this.ledger);
  }

  async run(viewer: Viewer | undefined): Promise<DueJobsReport> {
    requireOperator(viewer);
    const now = await this.clock.now();
    let expiredHolds = 0;
    for (const orders of [this.repos.mallOrders, this.repos.installmentOrders]) {
      const payments = new OrderPaymentService(this.repos, orders, this.clock, this.ledger);
      expiredHolds += await payments.expireHolds(now);
    }
    // Late rail confirmations land first, so today's overdue check sees the money.
    const repaymentsConfirmed = await this.repayments.confirmPending();
    const billing = await new BillingService(this.repos, this.ledger, this.outbox).runDue(now);
    const autoDebits = await this.autoDebit(now);
    const notificationsSent = await this.outbox.dispatch(this.sender, now);
    return { ranAt: now, expiredHolds, ...billing, autoDebits, repaymentsConfirmed, notificationsSent };
  }

  /** On the due day, collects what is still owed from the default source (a bank card). */
  private async autoDebit(now: Date): Promise<number> {
    const today = businessDate(now);
    let attempted = 0;
    for (const line of await this.repos.creditLines.all()) {
      for (const bill of line.state?.bills ?? []) {
        if (bill.dueDate !== today || !isOpenBillStatus(billStatus(bill))) continue;
        const result = await this.repayments.autoDebit(line.userId, bill.billId);
        attempted += 1;
        const ok = result.repayment?.status === 'SUCCEEDED';
        await this.outbox.record(
          `autodebit:${bill.billId}`,
          line.userId,
          ok ? 'AUTO_DEBIT_SUCCEEDED' : 'AUTO_DEBIT_FAILED',
          ok
            ? `We collected your bill due ${bill.dueDate} from your bank card`
            : `We could not collect your bill due ${bill.dueDate}: ${result.userErrors[0]?.message ?? 'unknown error'}`,
          bill.billId,
          now,
        );
      }
    }
    return attempted;
  }
}
