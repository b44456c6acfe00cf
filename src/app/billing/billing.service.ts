import { billIdOf } from '../../storage/ids';
import { isDueSoonReminderDue } from '../../core/billing/bill-status';
import { statementDatesDue } from '../../core/billing/statement';
import {
  type BillState,
  billOwedMinor,
  type LineState,
  statementTotalMinor,
} from '../../core/ledger/line-state';
import { formatMinor, type MinorUnits } from '../../core/money';
import { accrualDue, penaltyBaseMinor, penaltyBpsPerDay } from '../../core/overdue/penalty';
import { confirmedInTimeBy } from '../../core/overdue/awaited-repayments';
import { amountDueOn } from '../../core/repayment/amount-due';
import { stateOnceLanded } from '../../core/repayment/landing';
import { formatRateBps as formatBps } from '../../core/installments/annualized-rate';
import { limitReviewFor } from '../../core/risk/limit-review';
import { type BusinessDate, businessDate } from '../../core/time/business-date';
import { accrualKey, type AppendOutcome, type LedgerWriter } from '../../ledger/ledger-writer';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import type { Repositories } from '../../storage/repositories/repositories';
import type { OutboxService } from './outbox.service';
import { type LimitReviewService, limitReviewKey } from './limit-review.service';
import { keyHash } from '../../ledger/request-hash';
import { waitingText } from '../repayment/waiting-text';
import { defaultLinesPerRead, visitEveryLine } from './every-line';

export interface BillingReport {
  billsIssued: number;
  billsOverdue: number;
  penaltiesAccrued: number;
  interestAccrued: number;
  limitChanges: number;
  remindersSent: number;
  /** Lines the run could not bring up to date (an error, logged with the line): tried again next run. */
  linesFailed: number;
}

export function emptyBillingReport(): BillingReport {
  return {
    billsIssued: 0,
    billsOverdue: 0,
    penaltiesAccrued: 0,
    interestAccrued: 0,
    limitChanges: 0,
    remindersSent: 0,
    linesFailed: 0,
  };
}

/**
 * What a notice quotes as the least to pay on `day`: repay kind MINIMUM then, which also covers what
 * the waterfall pays before this bill's minimum (an older bill's interest), not the bill's own figure.
 * Repayments the source said it would answer later (`AWAIT_REPAYMENT`) count as paid, as in a quote,
 * and the notice names them and the day their confirmation must come by, so that it neither asks the
 * shopper to pay twice nor promises what a late confirmation will not keep.
 */
interface LeastToPay {
  leastMinor: MinorUnits;
  /** The repayments waiting that lower it; null when none waits or they change nothing. */
  waiting: {
    text: string;
    count: number;
    /** Their confirmations keep a bill due on the notice's due day on time up to this day. */
    confirmBy: BusinessDate;
    /** The least to pay should they be declined. */
    withoutThemMinor: MinorUnits;
  } | null;
}

function leastToStayCurrent(state: LineState, day: BusinessDate, dueDate: BusinessDate): LeastToPay {
  const awaited = state.awaitedRepayments ?? [];
  const repayments = awaited.map((waiting) => waiting.repayment);
  const leastMinor = amountDueOn(state, day, 'MINIMUM', undefined, repayments).amountMinor;
  if (awaited.length === 0) return { leastMinor, waiting: null };
  const withoutThemMinor = amountDueOn(state, day, 'MINIMUM').amountMinor;
  if (withoutThemMinor <= leastMinor) return { leastMinor, waiting: null };
  const confirmBy = awaited
    .map(({ askedOn }) => confirmedInTimeBy(askedOn, dueDate))
    .reduce((earliest, date) => (date < earliest ? date : earliest));
  return {
    leastMinor,
    waiting: { text: waitingText(repayments).text, count: awaited.length, confirmBy, withoutThemMinor },
  };
}

/**
 * Statement day, overdue, accruals and limit review, driven by the business clock. Which statements,
 * accruals and reviews are due is the core's answer from the line's state; each append has an
 * at-most-once key (`bill:<id>`, `accrue:<day>`, `review:<id>`).
 */
export class BillingService {
  constructor(
    private readonly repos: Pick<Repositories, 'creditLines'>,
    private readonly ledger: LedgerWriter,
    private readonly outbox: OutboxService,
    private readonly reviews: LimitReviewService,
    private readonly linesPerRead = defaultLinesPerRead,
  ) {}

  async runDue(now: Date): Promise<BillingReport> {
    const report = emptyBillingReport();
    const today = businessDate(now);
    report.linesFailed = await visitEveryLine(
      this.repos,
      this.linesPerRead,
      'due jobs: a line failed; the next run tries it again',
      (line) => (line.state ? this.runLine(report, line, today, now) : Promise.resolve()),
    );
    return report;
  }

  private async runLine(
    report: BillingReport,
    walked: CreditLineDoc,
    today: BusinessDate,
    now: Date,
  ): Promise<void> {
    let line = walked;
    for (const statementDate of statementDatesDue(line.state!, today)) {
      const billId = billIdOf(line._id, statementDate);
      const outcome = await this.append(
        report,
        line,
        { type: 'ISSUE_BILL', billId, statementDate },
        `bill:${billId}`,
        now,
      );
      line = advanced(line, outcome);
      const bill =
        outcome.status === 'APPLIED'
          ? outcome.entry.effects?.bills.find((b) => b.billId === billId)
          : undefined;
      if (bill) {
        report.billsIssued += 1;
        await this.outbox.record(
          `statement:${billId}`,
          line.userId,
          'STATEMENT_ISSUED',
          statementNotice(statementDate, bill, leastToStayCurrent(line.state!, today, bill.dueDate)),
          billId,
          now,
        );
      }
    }
    if (accrualDue(line.state!, today)) {
      const outcome = await this.append(report, line, { type: 'ACCRUE', day: today }, accrualKey(today), now);
      line = advanced(line, outcome);
    }
    // Every overdue bill still owing gets its notice once, whichever entry judged it overdue: this
    // run's accrual, or a user's or partner's command that brought the line up to date first. The
    // walk's copy of the line can be older than the ledger (a payment since): notice from the newest.
    const current = overdueOwing(line.state!).length > 0 ? await this.ledger.currentState(line) : null;
    for (const bill of current ? overdueOwing(current) : []) {
      const recorded = await this.outbox.record(
        `overdue:${bill.billId}`,
        line.userId,
        'OVERDUE',
        overdueNotice(bill, paidByWaiting(current!, bill, today)),
        bill.billId,
        now,
      );
      if (recorded) report.billsOverdue += 1;
    }
    for (const bill of line.state!.bills) {
      if (!isDueSoonReminderDue(bill, today)) continue;
      // The reminder is a ledger entry (a bill update for subscribers); its notice follows below.
      const outcome = await this.append(
        report,
        line,
        { type: 'REMIND_DUE_SOON', billId: bill.billId },
        dueSoonKey(bill.billId),
        now,
      );
      line = advanced(line, outcome);
      if (outcome.status === 'APPLIED') report.remindersSent += 1;
    }
    // Every reminded bill still before its due day gets its notice (idempotent per bill), so a
    // crash between the entry and the notice is mended by the next run.
    for (const bill of line.state!.bills) {
      if (!bill.dueSoonRemindedOn || bill.overdue || today > bill.dueDate) continue;
      await this.outbox.record(
        dueSoonKey(bill.billId),
        line.userId,
        'DUE_SOON',
        // As of the due day: interest accrues until then, so today's figure could fall short.
        dueSoonNotice(bill, leastToStayCurrent(line.state!, bill.dueDate, bill.dueDate)),
        bill.billId,
        now,
      );
    }
    const review = limitReviewFor(line.state!, today);
    if (review) {
      const outcome = await this.append(
        report,
        line,
        { type: 'REVIEW_LIMIT', ...review },
        limitReviewKey(review),
        now,
      );
      if (outcome.status === 'APPLIED') report.limitChanges += 1;
      if (outcome.status === 'APPLIED' || outcome.status === 'REPLAYED') {
        await this.reviews.recordNotice(line._id, line.userId, review, line.state!, now);
      }
    }
  }

  /**
   * Appends for the jobs and counts the penalty and interest days its entries accrued: the day's
   * `ACCRUE` the writer puts before a statement cut or a limit review (a late run) too.
   */
  private async append(
    report: BillingReport,
    line: CreditLineDoc,
    command: Parameters<LedgerWriter['append']>[0]['command'],
    key: string,
    now: Date,
  ): Promise<AppendOutcome> {
    const outcome = await this.ledger.append({
      lineId: line._id,
      command,
      key,
      requestHash: keyHash(key),
      now,
      line,
    });
    for (const entry of [outcome.accrual, outcome.status === 'APPLIED' ? outcome.entry : undefined]) {
      if (!entry?.effects) continue;
      report.penaltiesAccrued += entry.effects.penaltyDays;
      report.interestAccrued += entry.effects.interestDays;
    }
    return outcome;
  }
}

/** One reminder per bill: the ledger entry's key and its notice's id. */
const dueSoonKey = (billId: string) => `due-soon:${billId}`;

/** Penalties are never charged on penalties: a bill owing only them is told nothing more accrues. */
function overdueNotice(bill: BillState, waiting: string | null): string {
  const owed = `Your bill due ${bill.dueDate} is overdue: ${formatMinor(billOwedMinor(bill))} CNY unpaid`;
  const judged =
    penaltyBaseMinor(bill) > 0
      ? `${owed}; a ${formatBps(penaltyBpsPerDay)} daily penalty applies`
      : `${owed}, all of it penalties: no more penalty accrues on it`;
  return waiting ? `${judged}; ${waiting}` : judged;
}

/**
 * What the repayments waiting on their source (asked too late to keep the bill current) will pay of
 * an overdue bill once confirmed, so that its notice does not ask for that money again; null if none.
 */
function paidByWaiting(state: LineState, bill: BillState, today: BusinessDate): string | null {
  const repayments = (state.awaitedRepayments ?? []).map((awaited) => awaited.repayment);
  if (repayments.length === 0) return null;
  const landed = stateOnceLanded(state, repayments, today).bills.find((b) => b.billId === bill.billId);
  const paidMinor = billOwedMinor(bill) - (landed ? billOwedMinor(landed) : 0);
  if (paidMinor <= 0) return null;
  const { text } = waitingText(repayments);
  const pays = repayments.length === 1 ? 'pays' : 'pay';
  const what =
    paidMinor >= billOwedMinor(bill) ? `${pays} it` : `${pays} ${formatMinor(paidMinor)} CNY of it`;
  return `your ${text} ${what} once the source confirms ${repayments.length === 1 ? 'it' : 'them'}`;
}

function overdueOwing(state: LineState): BillState[] {
  return state.bills.filter((bill) => bill.overdue && billOwedMinor(bill) > 0);
}

/** The line as the append left it, so the next step starts from there without a read. */
function advanced(line: CreditLineDoc, outcome: AppendOutcome): CreditLineDoc {
  if (outcome.status !== 'APPLIED' && outcome.status !== 'REPLAYED') return line;
  if (outcome.entry.sequence <= line.headSequence) return line;
  return { ...line, headSequence: outcome.entry.sequence, state: outcome.entry.stateAfter };
}

/** The statement as the app shows it (total and minimum at issue), then what credits already paid. */
function statementNotice(statementDate: string, bill: BillState, least: LeastToPay): string {
  const totalMinor = statementTotalMinor(bill);
  const owedMinor = billOwedMinor(bill);
  const credited =
    owedMinor < totalMinor
      ? `; your credit balance and refunds already paid ${formatMinor(totalMinor - owedMinor)} CNY of it`
      : '';
  const { waiting } = least;
  const keepsCurrent = !waiting
    ? `${formatMinor(least.leastMinor)} CNY keeps all your bills current now`
    : least.leastMinor > 0
      ? `${formatMinor(least.leastMinor)} CNY keeps all your bills current now, besides your ${waiting.text} (${ifConfirmed(waiting)})`
      : `your ${waiting.text} ${waiting.count === 1 ? 'keeps' : 'keep'} all your bills current ${ifConfirmed(waiting)}; ${ifDeclined(waiting, bill.dueDate)}`;
  return `Your ${statementDate} statement: ${formatMinor(totalMinor)} CNY, minimum ${formatMinor(bill.minimumDueMinor)}, due ${bill.dueDate}${credited}; ${keepsCurrent}`;
}

function dueSoonNotice(bill: BillState, least: LeastToPay): string {
  const due = `Your bill is due ${bill.dueDate}`;
  const { waiting } = least;
  if (!waiting) return `${due}: pay at least ${formatMinor(least.leastMinor)} CNY by then to stay current`;
  const otherwise = `if the source declines, ${formatMinor(waiting.withoutThemMinor)} CNY`;
  return least.leastMinor > 0
    ? `${due}: pay at least ${formatMinor(least.leastMinor)} CNY by then to stay current, besides your ${waiting.text} (${ifConfirmed(waiting)}; ${otherwise})`
    : `${due}: your ${waiting.text} ${waiting.count === 1 ? 'keeps' : 'keep'} your bills current ${ifConfirmed(waiting)}; ${ifDeclined(waiting, bill.dueDate)}`;
}

/** Paying by hand keeps the bill current only by its due day: a decline after it comes too late. */
function ifDeclined(waiting: NonNullable<LeastToPay['waiting']>, dueDate: BusinessDate): string {
  const pay = `if the source declines, pay at least ${formatMinor(waiting.withoutThemMinor)} CNY`;
  return waiting.confirmBy > dueDate
    ? `${pay} at once (declined after ${dueDate}, the bill counts as overdue from the day after it)`
    : `${pay} by ${dueDate}`;
}

/** Only a confirmation by that day keeps the bill on time: later, it is overdue from its due day. */
function ifConfirmed(waiting: NonNullable<LeastToPay['waiting']>): string {
  return `if the source confirms ${waiting.count === 1 ? 'it' : 'them'} by ${waiting.confirmBy}`;
}
