import type { Viewer } from '../../auth/token';
import { isAutoDebitDue, isOpenBillStatus } from '../../core/billing/bill-status';
import { type BusinessDate, businessDate } from '../../core/time/business-date';
import { autoDebitAttemptAt } from '../../core/repayment/auto-debit-attempts';
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
import type { RepayResult, RepaymentService } from '../repayment/repayment.service';
import type { PayoutService } from '../repayment/payout.service';
import { railServices } from '../repayment/rail-services';
import { autoDebitKey, couldNotCollect } from '../repayment/auto-debit-notice';
import { log } from '../../observability/log';
import type { NotificationKind } from '../../storage/models/notification.model';
import { codesSweptIfExpiredBefore } from '../../core/partners/consent';
import { quoteHoldsDays } from '../../core/repayment/as-asked';

export interface DueJobsReport extends BillingReport {
  ranAt: Date;
  expiredHolds: number;
  autoDebits: number;
  repaymentsConfirmed: number;
  /** Payouts of a credit balance a crash or a slow rail had left unfinished, finished now. */
  payoutsFinished: number;
  /** Repayments and payouts waiting on the bank that this run could not carry on (an error). */
  waitingFailed: number;
  notificationsSent: number;
}

/** What the due jobs run, built once by `createDueJobs` (services do not construct services). */
export interface DueJobsParts {
  repos: Pick<Repositories, 'creditLines' | 'bills' | 'partnerAccess'>;
  clock: ClockService;
  orderPayments: OrderPaymentService[];
  repayments: RepaymentService;
  payouts: PayoutService;
  billing: BillingService;
  outbox: OutboxService;
  sender: NotificationSender;
  linesPerRead: number;
}

/** Bills due today read at a time by a run that walks no line. */
const billsDuePerRead = 200;

/** Time-driven work, run by an operator (local mode) or a scheduler: each job is idempotent. */
export class DueJobsService {
  constructor(private readonly parts: DueJobsParts) {}

  /**
   * `walkLines: false` leaves out the day's work on every line (statements, accruals, overdue, limit
   * reviews, reminders, auto-debit): what a schedule repeats within a day reads no line.
   */
  async run(viewer: Viewer | undefined, { walkLines = true } = {}): Promise<DueJobsReport> {
    requireOperator(viewer);
    const { clock, orderPayments, repayments, payouts, billing: billingService, outbox, sender } = this.parts;
    const now = await clock.now();
    let expiredHolds = 0;
    for (const payments of orderPayments) expiredHolds += await payments.expireHolds(now);
    // Money lands before the lines are judged: late rail confirmations, then the day's collections,
    // so a line whose bill is collected today is not frozen (and reopened) by the same run.
    const confirmed = await repayments.confirmPending();
    const payoutsRun = await payouts.finishInterrupted();
    const autoDebit = walkLines ? await this.autoDebit(now) : await this.autoDebitStillDue(now);
    const billing = walkLines ? await billingService.runDue(now) : emptyBillingReport();
    const notificationsSent = await outbox.dispatch(sender, now);
    if (walkLines) await this.sweepExpiredCodes(now);
    return {
      ranAt: now,
      expiredHolds,
      ...billing,
      linesFailed: billing.linesFailed + autoDebit.linesFailed,
      autoDebits: autoDebit.attempted,
      repaymentsConfirmed: confirmed.settled.length,
      payoutsFinished: payoutsRun.finished,
      waitingFailed: confirmed.failed + payoutsRun.failed,
      notificationsSent,
    };
  }

  /** Binding and payment codes long expired (`expiredCodesKeptDays`): nothing answers by them any more. */
  private async sweepExpiredCodes(now: Date): Promise<void> {
    try {
      const swept = await this.parts.repos.partnerAccess.sweepExpired(codesSweptIfExpiredBefore(now));
      if (swept.bindingRequests + swept.paymentCodes > 0) log().info('due jobs: expired codes swept', swept);
    } catch (error) {
      // Housekeeping: the next day's run sweeps them.
      log().error('due jobs: sweeping expired codes failed', { error });
    }
  }

  /** On the due day, collects what is still owed from the default source (a bank card). */
  private async autoDebit(now: Date): Promise<{ attempted: number; linesFailed: number }> {
    const today = businessDate(now);
    // Counted as they are asked: a line that fails after some were asked still counts those.
    const counted = { asked: 0 };
    const linesFailed = await visitEveryLine(
      this.parts.repos,
      this.parts.linesPerRead,
      'due jobs: an auto-debit failed',
      (line) => this.autoDebitLine(line, today, now, counted),
    );
    return { attempted: counted.asked, linesFailed };
  }

  /**
   * A run that walks no line (the schedule's repeats within a day) still looks at every bill due
   * today: one whose auto-debit was not needed this morning, the repayment it counted on declined
   * since; one the bank declined, once its next attempt's time came (`autoDebitAttemptAt`); one the
   * morning could not ask (the line busy). Bills are read in pages by id, so every one is reached.
   */
  private async autoDebitStillDue(now: Date): Promise<{ attempted: number; linesFailed: number }> {
    const today = businessDate(now);
    const counted = { asked: 0 };
    let linesFailed = 0;
    let afterId: string | null = null;
    for (;;) {
      const bills = await this.parts.repos.bills.dueOn(today, afterId, billsDuePerRead);
      for (const lineId of new Set(
        bills.filter((bill) => isOpenBillStatus(bill.status)).map((b) => b.lineId),
      )) {
        try {
          const line = await this.parts.repos.creditLines.byId(lineId);
          if (line) await this.autoDebitLine(line, today, now, counted);
        } catch (error) {
          linesFailed += 1;
          log().error('due jobs: an auto-debit failed', { lineId, error });
        }
      }
      if (bills.length < billsDuePerRead) return { attempted: counted.asked, linesFailed };
      afterId = bills[bills.length - 1]!._id;
    }
  }

  /**
   * The line's auto-debits due today, counting into `counted` those asked of the bank (not those
   * nothing was left for). One that could not be asked now (the line busy) does not stop the others;
   * the line then counts as failed (thrown after the last).
   */
  private async autoDebitLine(
    line: CreditLineDoc,
    today: BusinessDate,
    now: Date,
    counted: { asked: number },
  ): Promise<void> {
    const notAsked: string[] = [];
    for (const bill of line.state?.bills ?? []) {
      if (!isAutoDebitDue(bill, today)) continue;
      const last = await this.parts.repayments.lastAutoDebit(line.userId, bill.billId);
      const attempt = autoDebitAttemptAt(last, bill.dueDate, now.getTime());
      const result = await this.parts.repayments.autoDebit(line.userId, bill.billId, attempt);
      // Asked of the bank by this run: a new attempt, or one still waiting asked again (not the replay
      // of one answered before, which a later run the same day makes until the retry is due).
      if (result.repayment && !result.answeredBefore) counted.asked += 1;
      if ((await this.tellOfAutoDebitNotAsked(line.userId, bill, attempt, result, now)) === 'keptOut')
        notAsked.push(bill.billId);
    }
    if (notAsked.length > 0)
      throw new Error(`auto-debit of ${notAsked.join(', ')} not asked: the line was busy (another quote)`);
  }

  /**
   * What the settlement does not tell (it records the notice of an auto-debit the bank answered,
   * `recordAutoDebitNotice`): an auto-debit nothing was asked for. `keptOut`: it could not be asked
   * now (the line busy with another quote); the schedule's next run asks again, and the shopper is
   * told to repay by hand meanwhile.
   */
  private async tellOfAutoDebitNotAsked(
    userId: string,
    bill: { billId: string; dueDate: string },
    attempt: number,
    result: RepayResult,
    now: Date,
  ): Promise<'asked' | 'told' | 'keptOut'> {
    // Asked: collected, declined (the settlement told of it) or waiting on the bank (no notice yet).
    if (result.repayment) return 'asked';
    const tell = (key: string, kind: NotificationKind, message: string) =>
      this.parts.outbox.record(key, userId, kind, message, bill.billId, now);
    if (result.notAskedNow) {
      await tell(
        `autodebit-kept-out:${bill.billId}`,
        'AUTO_DEBIT_FAILED',
        `We could not collect your bill due ${bill.dueDate} from your bank card today: another repayment of your credit line was being asked. Repay by hand today to keep the bill current`,
      );
      return 'keptOut';
    }
    if (result.paidByWaiting) {
      // The shopper's own repayment (or an earlier auto-debit) waiting on its source pays the bill.
      // A key of its own: a run later that day, after a decline, still collects and tells of it.
      await tell(
        `autodebit-covered:${bill.billId}`,
        'AUTO_DEBIT_NOT_NEEDED',
        `Nothing was collected from your bank card for your bill due ${bill.dueDate}: the repayment waiting on your payment source pays it. The bill is paid when the source confirms it: within ${quoteHoldsDays} days of the day you asked, it counts as paid on time; if the source declines it, repay by hand at once, as the bill then counts as overdue from the day after its due day`,
      );
      return 'told';
    }
    // Paid since the walk read the line (a payment, a refund): nothing to collect, nothing to tell.
    if (result.userErrors[0]?.code === 'NOTHING_TO_REPAY') return 'told';
    // Refused before the card was asked (the key used by the shopper for another repayment): says why.
    await tell(
      autoDebitKey(bill.billId, attempt),
      'AUTO_DEBIT_FAILED',
      couldNotCollect(bill.dueDate, result.userErrors[0]?.message ?? 'unknown error'),
    );
    return 'told';
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
    ...railServices({ repos, clock, rail, ledger, reviews, outbox }),
    billing: new BillingService(repos, ledger, outbox, reviews, linesPerRead),
    outbox,
    sender,
    linesPerRead,
  });
}
