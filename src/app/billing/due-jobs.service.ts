import { formatMinor } from '../../core/money';
import type { Viewer } from '../../auth/token';
import { isAutoDebitDue } from '../../core/billing/bill-status';
import { type BusinessDate, businessDate } from '../../core/time/business-date';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import { LedgerWriter } from '../../ledger/ledger-writer';
import { LimitReviewService } from './limit-review.service';
import type { Repositories } from '../../storage/repositories/repositories';
import { requireOperator } from '../common/access';
import { type BillingReport, BillingService, emptyBillingReport } from './billing.service';
import { defaultLinesPerRead, visitEveryLine } from './every-line';
import type { ClockService } from '../common/clock.service';
import { OrderPaymentService } from '../orders/order-payment.service';
import { LogSender, type NotificationSender, OutboxService } from './outbox.service';
import { type PaymentRail, SimulatedRail } from '../repayment/payment-rail';
import {
  autoDebitKey,
  billOfAutoDebit,
  type RepayResult,
  RepaymentService,
} from '../repayment/repayment.service';
import { log } from '../../observability/log';

export interface DueJobsReport extends BillingReport {
  ranAt: Date;
  expiredHolds: number;
  autoDebits: number;
  repaymentsConfirmed: number;
  notificationsSent: number;
}

/** What the due jobs run, built once by `createDueJobs` (services do not construct services). */
export interface DueJobsParts {
  repos: Pick<Repositories, 'creditLines' | 'bills'>;
  clock: ClockService;
  orderPayments: OrderPaymentService[];
  repayments: RepaymentService;
  billing: BillingService;
  outbox: OutboxService;
  sender: NotificationSender;
  linesPerRead: number;
}

/** Time-driven work, run by an operator (local mode) or a scheduler: each job is idempotent. */
export class DueJobsService {
  constructor(private readonly parts: DueJobsParts) {}

  /**
   * `walkLines: false` leaves out the day's work on every line (statements, accruals, overdue, limit
   * reviews, reminders, auto-debit): what a schedule repeats within a day reads no line.
   */
  async run(viewer: Viewer | undefined, { walkLines = true } = {}): Promise<DueJobsReport> {
    requireOperator(viewer);
    const { clock, orderPayments, repayments, billing: billingService, outbox, sender } = this.parts;
    const now = await clock.now();
    let expiredHolds = 0;
    for (const payments of orderPayments) expiredHolds += await payments.expireHolds(now);
    // Money lands before the lines are judged: late rail confirmations, then the day's collections,
    // so a line whose bill is collected today is not frozen (and reopened) by the same run.
    const confirmed = await repayments.confirmPending();
    for (const late of confirmed) await this.tellOfLateAutoDebit(late, now);
    const autoDebit = walkLines
      ? await this.autoDebit(now)
      : await this.autoDebitAfterDeclines(confirmed, now);
    const billing = walkLines ? await billingService.runDue(now) : emptyBillingReport();
    const notificationsSent = await outbox.dispatch(sender, now);
    return {
      ranAt: now,
      expiredHolds,
      ...billing,
      linesFailed: billing.linesFailed + autoDebit.linesFailed,
      autoDebits: autoDebit.attempted,
      repaymentsConfirmed: confirmed.length,
      notificationsSent,
    };
  }

  /** On the due day, collects what is still owed from the default source (a bank card). */
  private async autoDebit(now: Date): Promise<{ attempted: number; linesFailed: number }> {
    const today = businessDate(now);
    let attempted = 0;
    const linesFailed = await visitEveryLine(
      this.parts.repos,
      this.parts.linesPerRead,
      'due jobs: an auto-debit failed',
      async (line) => {
        attempted += await this.autoDebitLine(line, today, now);
      },
    );
    return { attempted, linesFailed };
  }

  /**
   * A run that walks no line (the schedule's repeats within a day) still collects a bill due today
   * whose auto-debit was not needed this morning: the repayment it counted on was just declined.
   */
  private async autoDebitAfterDeclines(
    confirmed: RepayResult[],
    now: Date,
  ): Promise<{ attempted: number; linesFailed: number }> {
    const lineIds = new Set(
      confirmed
        .filter(({ repayment }) => repayment?.status === 'FAILED' && !billOfAutoDebit(repayment))
        .map(({ repayment }) => repayment!.lineId),
    );
    let attempted = 0;
    let linesFailed = 0;
    for (const lineId of lineIds) {
      try {
        const line = await this.parts.repos.creditLines.byId(lineId);
        if (line) attempted += await this.autoDebitLine(line, businessDate(now), now);
      } catch (error) {
        linesFailed += 1;
        log().error('due jobs: an auto-debit failed', { lineId, error });
      }
    }
    return { attempted, linesFailed };
  }

  /** The line's auto-debits due today; counts those asked of the bank (not those nothing was left for). */
  private async autoDebitLine(line: CreditLineDoc, today: BusinessDate, now: Date): Promise<number> {
    let asked = 0;
    for (const bill of line.state?.bills ?? []) {
      if (!isAutoDebitDue(bill, today)) continue;
      const result = await this.parts.repayments.autoDebit(line.userId, bill.billId);
      if (result.repayment) asked += 1;
      await this.tellOfAutoDebit(line.userId, bill, result, now);
    }
    return asked;
  }

  /** An auto-debit the bank answered on a later day: its notice, as if it had answered at once. */
  private async tellOfLateAutoDebit(late: RepayResult, now: Date): Promise<void> {
    const billId = late.repayment ? billOfAutoDebit(late.repayment) : undefined;
    if (!billId) return;
    const { userId, lineId } = late.repayment!;
    try {
      const bill = await this.parts.repos.bills.byId(billId);
      // Another line's bill in the key: a client's own key, not an auto-debit.
      if (bill?.lineId === lineId)
        await this.tellOfAutoDebit(userId, { billId, dueDate: bill.dueDate }, late, now);
    } catch (error) {
      // The money has landed; only its notice is missing (not retried: the repayment is settled).
      log().error('due jobs: a late auto-debit notice failed', { billId, error });
    }
  }

  private async tellOfAutoDebit(
    userId: string,
    bill: { billId: string; dueDate: string },
    result: RepayResult,
    now: Date,
  ): Promise<void> {
    // Waiting on the bank: neither collected nor declined yet, so no notice (not a false failure).
    if (result.repayment?.status === 'INITIATED') return;
    if (result.beingAsked) {
      // Another quote held the line past the job's wait (a stopped process's claim): nothing was asked.
      log().error('due jobs: auto-debit not asked, the line was being quoted', {
        billId: bill.billId,
        userId,
      });
      return;
    }
    if (result.paidByWaiting) {
      // The shopper's own repayment (or an earlier auto-debit) waiting on its source pays the bill.
      // A key of its own: a run later that day, after a decline, still collects and tells of it.
      await this.parts.outbox.record(
        `autodebit-covered:${bill.billId}`,
        userId,
        'AUTO_DEBIT_NOT_NEEDED',
        `Nothing was collected from your bank card for your bill due ${bill.dueDate}: the repayment waiting on your payment source pays it. The bill is paid when the source confirms it: confirmed after today, the bill counts as overdue; declined, repay by hand today to keep the bill current`,
        bill.billId,
        now,
      );
      return;
    }
    // The other bills its quote paid (a STATEMENT pays every bill owing), named as they stood the day
    // it was asked, overdue ones as such: paid in full, they are gone from the line's state by now.
    const askedOn = result.repayment ? businessDate(result.repayment.createdAt) : undefined;
    const others = Object.keys(result.repayment?.billsAsAsked ?? {}).filter((id) => id !== bill.billId);
    const alsoPaid = (await Promise.all(others.map((id) => this.parts.repos.bills.byId(id))))
      .flatMap((other) => (other ? [other] : []))
      .map(
        (other) =>
          ` and your ${askedOn && other.dueDate < askedOn ? 'overdue ' : ''}bill due ${other.dueDate}`,
      )
      .join('');
    const ok = result.repayment?.status === 'SUCCEEDED';
    await this.parts.outbox.record(
      autoDebitKey(bill.billId),
      userId,
      ok ? 'AUTO_DEBIT_SUCCEEDED' : 'AUTO_DEBIT_FAILED',
      ok
        ? `We collected ${formatMinor(result.repayment!.amountMinor)} CNY for your bill due ${bill.dueDate}${alsoPaid} from your bank card`
        : `We could not collect your bill due ${bill.dueDate}${alsoPaid}: ${result.userErrors[0]?.message ?? 'unknown error'}`,
      bill.billId,
      now,
    );
  }
}

/** Builds the due jobs over one ledger writer and one clock instant. */
export function createDueJobs(
  repos: Repositories,
  clock: ClockService,
  rail: PaymentRail = new SimulatedRail(clock),
  sender: NotificationSender = new LogSender(),
  linesPerRead = defaultLinesPerRead,
): DueJobsService {
  const ledger = new LedgerWriter(repos);
  const outbox = new OutboxService(repos.notifications);
  const reviews = new LimitReviewService(ledger, outbox);
  return new DueJobsService({
    repos,
    clock,
    orderPayments: [repos.mallOrders, repos.installmentOrders, repos.partnerPayments].map(
      (orders) => new OrderPaymentService(repos, orders, clock, ledger, reviews),
    ),
    repayments: new RepaymentService(repos, clock, rail, ledger, reviews, outbox),
    billing: new BillingService(repos, ledger, outbox, reviews, linesPerRead),
    outbox,
    sender,
    linesPerRead,
  });
}
