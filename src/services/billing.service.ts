import {
  cycleStartFor,
  dueDateFor,
  laterStatementDate,
  latestStatementDate,
  statementDateFor,
} from '../core/billing/calendar';
import { billStatus, isOpenBill, spreadPayment } from '../core/billing/bill-payments';
import { minimumDue } from '../core/billing/minimum-due';
import { unbilledPrincipalMinor } from '../core/ledger/balances';
import { dailyAccrual, penaltyForOverdueDay, revolvingInterestBpsPerDay } from '../core/overdue/penalty';
import { reviewLimit } from '../core/risk/limit-review';
import { addDays, businessDate, daysBetween, startOfBusinessDay } from '../core/time/business-date';
import type { BillDoc, BillLineDoc } from '../storage/models/bill.model';
import type { CreditLineDoc } from '../storage/models/credit-line.model';
import type { Repositories } from '../storage/repositories/repositories';
import { LedgerService } from './ledger.service';
import { OutboxService } from './outbox.service';
import { formatMinor } from '../core/money';
import { requestHash } from './request-hash';

export interface BillingReport {
  billsIssued: number;
  billsOverdue: number;
  penaltiesAccrued: number;
  interestAccrued: number;
  limitChanges: number;
}

/**
 * Statement day, due day and overdue, driven by the business clock. Every effect is an at-most-once
 * key: the bill `_id` per cycle, `bill:<id>`, `overdue:<id>` and `penalty:<id>:<day>` ledger keys.
 */
export class BillingService {
  private readonly ledger;
  private readonly outbox;

  constructor(private readonly repos: Repositories) {
    this.ledger = new LedgerService(repos);
    this.outbox = new OutboxService(repos.notifications);
  }

  async runDue(now: Date): Promise<BillingReport> {
    const report: BillingReport = {
      billsIssued: 0,
      billsOverdue: 0,
      penaltiesAccrued: 0,
      interestAccrued: 0,
      limitChanges: 0,
    };
    const today = businessDate(now);
    for (const line of await this.repos.creditLines.all()) {
      if (line.headSequence === 0) continue;
      report.billsIssued += await this.issueMissingBills(line, today, now);
      for (const bill of await this.repos.bills.ofLine(line._id)) {
        await this.remindIfDueSoon(bill, today, now);
        if (await this.markOverdue(bill, today, now)) report.billsOverdue += 1;
        report.penaltiesAccrued += await this.accrueDaily(bill, today, now, 'PENALTY');
        report.interestAccrued += await this.accrueDaily(bill, today, now, 'INTEREST');
      }
      if (await this.reviewLimit(line, today, now)) report.limitChanges += 1;
    }
    return report;
  }

  /**
   * Issues the statements due since the newest one (or since the line opened), in order. Cycles older
   * than the newest bill are never revisited: a late penalty must not land on a years-old cycle.
   */
  private async issueMissingBills(line: CreditLineDoc, today: string, now: Date): Promise<number> {
    const newest = (await this.repos.bills.ofLine(line._id)).at(-1);
    let statement: string;
    if (newest) {
      statement = laterStatementDate(newest.statementDate, 1);
    } else {
      const opened = businessDate(line.createdAt);
      statement = statementDateFor(opened, line.statementDay);
      if (statement === opened) statement = laterStatementDate(statement, 1);
    }
    const last = latestStatementDate(today, line.statementDay);
    let issued = 0;
    for (; statement <= last; statement = laterStatementDate(statement, 1)) {
      if (await this.issue(line, statement, now)) issued += 1;
    }
    return issued;
  }

  private async issue(line: CreditLineDoc, statementDate: string, now: Date): Promise<boolean> {
    const billId = `${line._id}:${statementDate}`;
    const from = startOfBusinessDay(cycleStartFor(statementDate));
    const to = startOfBusinessDay(addDays(statementDate, 1));
    const lines: BillLineDoc[] = [];

    let fullPayMinor = 0;
    for (const entry of await this.repos.ledger.inRange(line._id, ['CAPTURE', 'REFUND'], from, to)) {
      const command = entry.command;
      if (command.type === 'CAPTURE' && command.plan !== 'INSTALLMENTS') {
        fullPayMinor += command.captureMinor;
        lines.push({
          kind: 'PURCHASE',
          description: 'Purchase',
          amountMinor: command.captureMinor,
          ref: command.orderId ?? command.authorizationId,
        });
      }
      if (command.type === 'REFUND' && command.plan !== 'INSTALLMENTS') {
        fullPayMinor -= command.amountMinor;
        lines.push({
          kind: 'REFUND',
          description: 'Refund',
          amountMinor: -command.amountMinor,
          ref: command.refundId,
        });
      }
    }
    fullPayMinor = Math.max(0, fullPayMinor);

    // Installment periods falling due on this statement (and any missed earlier ones).
    let installmentPrincipal = 0;
    let installmentFees = 0;
    const planUpdates: { planId: string; billedPeriods: number; paidOff: boolean }[] = [];
    for (const plan of await this.repos.installmentPlans.activeOfLine(line._id)) {
      const first = statementDateFor(businessDate(plan.capturedAt), line.statementDay);
      let billed = plan.billedPeriods;
      for (const period of plan.remaining.filter((p) => p.index > plan.billedPeriods)) {
        if (laterStatementDate(first, period.index - 1) > statementDate) break;
        installmentPrincipal += period.principalMinor;
        installmentFees += period.feeMinor;
        lines.push(
          {
            kind: 'INSTALLMENT_PRINCIPAL',
            description: `Installment ${period.index}/${plan.periods}`,
            amountMinor: period.principalMinor,
            ref: plan._id,
          },
          {
            kind: 'INSTALLMENT_FEE',
            description: `Installment fee ${period.index}/${plan.periods}`,
            amountMinor: period.feeMinor,
            ref: plan._id,
          },
        );
        billed = period.index;
      }
      if (billed !== plan.billedPeriods)
        planUpdates.push({ planId: plan._id, billedPeriods: billed, paidOff: billed === plan.periods });
    }

    const head = await this.ledger.head(line._id);
    const unbilled = head ? unbilledPrincipalMinor(head.balancesAfter) : 0;
    const principalMinor = Math.min(unbilled, fullPayMinor + installmentPrincipal);
    const penaltiesMinor = head?.balancesAfter.penaltiesOwedMinor ?? 0;
    if (penaltiesMinor > 0)
      lines.push({
        kind: 'PENALTY',
        description: 'Overdue penalties',
        amountMinor: penaltiesMinor,
        ref: line._id,
      });

    // A cycle with nothing in it and nothing owed gets no statement.
    if (lines.length === 0 && principalMinor === 0 && installmentFees === 0) return false;
    const outcome = await this.ledger.append({
      lineId: line._id,
      command: { type: 'ISSUE_BILL', billId, principalMinor, feesMinor: installmentFees },
      key: `bill:${billId}`,
      requestHash: requestHash({ bill: billId }),
      now,
    });
    // On a replay the stored entry's figures win, so a re-run issues the same bill.
    const posted = outcome.status === 'REJECTED' ? undefined : outcome.entry.command;
    const billedPrincipal = posted?.type === 'ISSUE_BILL' ? posted.principalMinor : 0;
    const billedFees = posted?.type === 'ISSUE_BILL' ? posted.feesMinor : 0;
    const totalMinor = billedPrincipal + billedFees + penaltiesMinor;
    const bill: BillDoc = {
      _id: billId,
      lineId: line._id,
      userId: line.userId,
      statementDate,
      dueDate: dueDateFor(statementDate),
      lines,
      totalMinor,
      minimumDueMinor: Math.min(
        totalMinor,
        minimumDue({
          fullPayPrincipalMinor: Math.min(fullPayMinor, billedPrincipal),
          installmentsDueMinor: installmentPrincipal + installmentFees,
          feesMinor: 0,
          penaltiesMinor,
          overdueCarriedMinor: 0,
        }),
      ),
      paidMinor: 0,
      status: totalMinor === 0 ? 'PAID' : 'ISSUED',
      penaltyDaysAccrued: 0,
      interestDaysAccrued: 0,
      issuedAt: now,
    };
    if (await this.repos.bills.insertOnce(bill)) {
      await this.outbox.record(
        `statement:${billId}`,
        line.userId,
        'STATEMENT_ISSUED',
        `Your ${statementDate} statement: ${formatMinor(totalMinor)} CNY, minimum ${formatMinor(bill.minimumDueMinor)}, due ${bill.dueDate}`,
        billId,
        now,
      );
      for (const update of planUpdates) {
        await this.repos.installmentPlans.setBilledPeriods(
          update.planId,
          update.billedPeriods,
          update.paidOff ? 'PAID_OFF' : 'ACTIVE',
        );
      }
    }
    return true;
  }

  /** Reminder in the 3 days before the due day while the minimum is not paid. */
  private async remindIfDueSoon(bill: BillDoc, today: string, now: Date): Promise<void> {
    if (!isOpenBill(bill.status)) return;
    const daysLeft = daysBetween(today, bill.dueDate);
    if (daysLeft < 0 || daysLeft > 3 || bill.paidMinor >= bill.minimumDueMinor) return;
    await this.outbox.record(
      `due-soon:${bill._id}`,
      bill.userId,
      'DUE_SOON',
      `Your bill is due ${bill.dueDate}: pay at least ${formatMinor(bill.minimumDueMinor - bill.paidMinor)} CNY to stay current`,
      bill._id,
      now,
    );
  }

  /** After the due day, a bill whose minimum was not paid goes overdue; its principal moves bucket. */
  private async markOverdue(bill: BillDoc, today: string, now: Date): Promise<boolean> {
    if (!isOpenBill(bill.status)) return false;
    if (today <= bill.dueDate || bill.paidMinor >= bill.minimumDueMinor) return false;
    const principalOnBill = bill.lines
      .filter((l) => l.kind === 'PURCHASE' || l.kind === 'REFUND' || l.kind === 'INSTALLMENT_PRINCIPAL')
      .reduce((sum, l) => sum + l.amountMinor, 0);
    const othersOnBill = bill.totalMinor - Math.max(0, principalOnBill);
    const principalUnpaid = Math.max(0, principalOnBill - Math.max(0, bill.paidMinor - othersOnBill));
    await this.ledger.append({
      lineId: bill.lineId,
      command: { type: 'MARK_OVERDUE', billId: bill._id, principalMinor: principalUnpaid },
      key: `overdue:${bill._id}`,
      requestHash: requestHash({ overdue: bill._id }),
      now,
    });
    await this.repos.bills.setStatus(bill._id, 'OVERDUE');
    bill.status = 'OVERDUE';
    await this.outbox.record(
      `overdue:${bill._id}`,
      bill.userId,
      'OVERDUE',
      `Your bill due ${bill.dueDate} is overdue: ${formatMinor(bill.totalMinor - bill.paidMinor)} CNY unpaid; a 0.05% daily penalty applies`,
      bill._id,
      now,
    );
    return true;
  }

  /**
   * Daily accruals after the due day, once per day each (`penalty:<bill>:<day>`, `interest:<bill>:<day>`):
   * a 0.05% penalty on an overdue bill's unpaid amount; 0.05% interest on the unpaid rest of a bill
   * whose minimum was paid.
   */
  private async accrueDaily(
    bill: BillDoc,
    today: string,
    now: Date,
    kind: 'PENALTY' | 'INTEREST',
  ): Promise<number> {
    const applies =
      kind === 'PENALTY'
        ? bill.status === 'OVERDUE'
        : bill.status === 'PARTIALLY_PAID' && bill.paidMinor >= bill.minimumDueMinor;
    if (!applies) return 0;
    const field = kind === 'PENALTY' ? 'penaltyDaysAccrued' : 'interestDaysAccrued';
    const doneDays = bill[field] ?? 0;
    const days = daysBetween(bill.dueDate, today);
    const unpaid = bill.totalMinor - bill.paidMinor;
    let accrued = 0;
    for (let day = doneDays + 1; day <= days; day += 1) {
      const command =
        kind === 'PENALTY'
          ? {
              type: 'ACCRUE_PENALTY' as const,
              billId: bill._id,
              overdueDay: day,
              amountMinor: penaltyForOverdueDay(unpaid, day),
            }
          : {
              type: 'ACCRUE_INTEREST' as const,
              billId: bill._id,
              day,
              amountMinor: dailyAccrual(unpaid, revolvingInterestBpsPerDay, day),
            };
      await this.ledger.append({
        lineId: bill.lineId,
        command,
        key: `${kind.toLowerCase()}:${bill._id}:${day}`,
        requestHash: requestHash({ [kind.toLowerCase()]: bill._id, day }),
        now,
      });
      accrued += 1;
    }
    if (days > doneDays) await this.repos.bills.setAccruedDays(bill._id, field, days);
    return accrued;
  }

  /**
   * Limit review from the bill history: cut when a bill is overdue, freeze past 30 days, unfreeze once
   * cleared, raise after every 3 on-time bills. Each change is keyed to the bill that caused it, so a
   * daily run applies it once.
   */
  private async reviewLimit(line: CreditLineDoc, today: string, now: Date): Promise<boolean> {
    const bills = await this.repos.bills.ofLine(line._id);
    const overdue = bills.filter((bill) => bill.status === 'OVERDUE');
    const currentDaysOverdue = Math.max(0, ...overdue.map((bill) => daysBetween(bill.dueDate, today)));
    let onTimeStreak = 0;
    for (const bill of [...bills].reverse()) {
      if (bill.status !== 'PAID') break;
      onTimeStreak += 1;
    }
    const head = (await this.ledger.head(line._id))?.balancesAfter;
    if (!head) return false;
    const review = reviewLimit({
      limitMinor: head.limitMinor,
      usedMinor: head.principalMinor + head.heldMinor,
      onTimeStreak,
      currentDaysOverdue,
      frozen: head.status === 'FROZEN',
    });
    if (review.action === 'KEEP') return false;
    const cause =
      review.action === 'RAISE' ? bills.at(-1)!._id : review.action === 'UNFREEZE' ? today : overdue[0]!._id;
    const reviewId = `${review.action.toLowerCase()}:${cause}`;
    const outcome = await this.ledger.append({
      lineId: line._id,
      command: { type: 'REVIEW_LIMIT', reviewId, action: review.action, newLimitMinor: review.newLimitMinor },
      key: `review:${reviewId}`,
      requestHash: requestHash({ review: reviewId }),
      now,
    });
    return outcome.status === 'APPLIED';
  }

  /** Spreads a successful repayment over the line's unpaid bills, oldest first (bill projections). */
  async applyToBills(lineId: string, amountMinor: number): Promise<void> {
    const bills = await this.repos.bills.ofLine(lineId);
    const paid = spreadPayment(amountMinor, bills);
    for (const [index, bill] of bills.entries()) {
      if (paid[index] === bill.paidMinor) continue;
      const status = billStatus(paid[index]!, bill.totalMinor, bill.status === 'OVERDUE');
      await this.repos.bills.setPayment(bill._id, paid[index]!, status);
    }
  }
}
