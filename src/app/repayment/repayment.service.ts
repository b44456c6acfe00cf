import type { LedgerCommand } from '../../core/ledger/commands';
import { createHash } from 'node:crypto';
import type { Viewer } from '../../auth/token';
import { formatMinor, isPositiveMinor } from '../../core/money';
import {
  type AmountDue,
  amountDueOn,
  type AmountsDue,
  amountsDueOn,
  amountRepayableOn,
  type RepayKind,
} from '../../core/repayment/amount-due';
import type { RepayCommand } from '../../core/repayment/landing';
import { planUnbilledPrincipalMinor } from '../../core/ledger/line-state';
import { type BusinessDate, businessDate } from '../../core/time/business-date';
import { canHoldBillDueOn } from '../../core/overdue/awaited-repayments';
import type { LimitReviewService } from '../billing/limit-review.service';
import type { OutboxService } from '../billing/outbox.service';
import { log } from '../../observability/log';
import type { AppendOutcome, LedgerWriter } from '../../ledger/ledger-writer';
import { creditLineIdOf } from '../../storage/ids';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import type { PaymentSource, RepaymentDoc } from '../../storage/models/repayment.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { repaymentAskClaimMs } from '../../storage/repositories/repayment-ask-claim.repository';
import { requireOwner, requireUser } from '../common/access';
import type { ClockService } from '../common/clock.service';
import type { PaymentRail, RailResult } from './payment-rail';
import { waitingText } from './waiting-text';
import { requestHash } from '../../ledger/request-hash';
import { AppError } from '../../errors';
import { KeyedMutex } from '../../ledger/keyed-mutex';
import type { LineState } from '../../core/ledger/line-state';
import type { LedgerEntryDoc } from '../../storage/models/ledger-entry.model';
import { idempotencyKeyError, type UserError, userError } from '../common/user-error';
import { autoDebitKey, recordAutoDebitNotice } from './auto-debit-notice';
import { type AutoDebitAttempt, autoDebitAttemptsPerBill } from '../../core/repayment/auto-debit-attempts';

export type { RepayKind };

export interface RepayInput {
  kind: RepayKind;
  amountMinor?: number | undefined;
  /** For PLAN_PAYOFF: the installment plan to pay off. */
  planId?: string | undefined;
  source: PaymentSource;
  idempotencyKey: string;
}

export interface RepayResult {
  repayment: RepaymentDoc | null;
  userErrors: UserError[];
  /** Nothing asked: the repayments waiting on their source already pay what this kind would. */
  paidByWaiting?: true;
  /**
   * Nothing recorded, to be tried again with the same key: another quote of the line held it all
   * the while (`REPAYMENT_BEING_ASKED`), or a same-key race left no record (`CONFLICT`).
   */
  notAskedNow?: true;
  /** A retry of a repayment answered before (collected or declined): its first answer, nothing asked. */
  answeredBefore?: true;
}

/** This process's quotes of one line, one after another (the ask claim orders processes). */
const quotesOfLine = new KeyedMutex();

/** Repayments through a payment rail. What is due is the core's answer. */
export class RepaymentService {
  constructor(
    private readonly repos: Pick<Repositories, 'creditLines' | 'repayments' | 'repaymentAskClaims' | 'bills'>,
    private readonly clock: ClockService,
    private readonly rail: PaymentRail,
    private readonly ledger: LedgerWriter,
    private readonly reviews: LimitReviewService,
    private readonly outbox: OutboxService,
    /** Ask claims are leases on real elapsed time, not on the business clock (moved by hand locally). */
    private readonly wallClockMs: () => number = Date.now,
  ) {}

  /** The signed-in user repays their own line (operators are staff, not borrowers). */
  repay(viewer: Viewer | undefined, input: RepayInput): Promise<RepayResult> {
    return this.repayFor(requireUser(viewer).userId, input);
  }

  /**
   * What STATEMENT, MINIMUM and PAYOFF would collect if paid now, today's penalty and interest
   * counted (the line's summary shows them as of its last entry).
   */
  async amountsDue(
    viewer: Viewer | undefined,
    line: CreditLineDoc,
  ): Promise<{ asOfDate: string; amountsMinor: AmountsDue; amountAtMostMinor: number }> {
    requireOwner(viewer, line.userId);
    const quoted = await this.quotedLine(line, true);
    if (!quoted) throw new AppError('NOT_FOUND', `No credit line ${line._id}`);
    const today = businessDate(await this.clock.now());
    return {
      asOfDate: today,
      amountsMinor: amountsDueOn(quoted.state, today, quoted.waiting),
      // As a repayment checks it: the repayments waiting are not counted (AMOUNT is asked as given).
      amountAtMostMinor: amountRepayableOn(quoted.state, today),
    };
  }

  /**
   * The due-day auto-debit of a bill from the default source (a system action, not the user's):
   * `attempt` n under its own key (`autoDebitAttemptAt` decides which a run asks).
   */
  autoDebit(userId: string, billId: string, attempt = 1): Promise<RepayResult> {
    return this.repayFor(
      userId,
      { kind: 'STATEMENT', source: 'BANK_CARD', idempotencyKey: autoDebitKey(billId, attempt) },
      autoDebitClaimWaitMs,
      billId,
    );
  }

  /** The last auto-debit attempt asked for a bill, if any (each attempt's record is read by its key). */
  async lastAutoDebit(userId: string, billId: string): Promise<AutoDebitAttempt | undefined> {
    let last: AutoDebitAttempt | undefined;
    for (let attempt = 1; attempt <= autoDebitAttemptsPerBill; attempt += 1) {
      const recorded = await this.repos.repayments.byId(
        repaymentIdOf(`${userId}:${autoDebitKey(billId, attempt)}`),
      );
      if (!recorded) break;
      last = { attempt, declined: recorded.status === 'FAILED', askedAtMs: recorded.createdAt.getTime() };
    }
    return last;
  }

  private async repayFor(
    userId: string,
    input: RepayInput,
    claimWaitMs = repaymentAskClaimWaitMs,
    /** The auto-debit's bill: it stands aside only for waiting repayments that can still pay it on time. */
    autoDebitOf?: string,
  ): Promise<RepayResult> {
    const keyError = idempotencyKeyError(input.idempotencyKey);
    if (keyError) return fail(keyError);
    if (input.kind === 'AMOUNT' && !isPositiveMinor(input.amountMinor)) {
      return fail(userError('INVALID_AMOUNT', 'AMOUNT repayments need a positive amount', 'amount'));
    }
    if (input.kind !== 'PLAN_PAYOFF' && input.planId !== undefined) {
      return fail(
        userError('PLAN_NOT_EXPECTED', `${input.kind} pays no particular plan; leave planId empty`, 'planId'),
      );
    }
    if (input.kind === 'PLAN_PAYOFF' && !input.planId) {
      return fail(
        userError(
          'PLAN_ID_REQUIRED',
          'PLAN_PAYOFF pays one plan off: give its planId (CreditLine.amountsDue.planPayoffs lists them)',
          'planId',
        ),
      );
    }
    if (input.kind !== 'AMOUNT' && input.amountMinor !== undefined) {
      return fail(
        userError('INVALID_AMOUNT', `${input.kind} computes the amount; leave amount empty`, 'amount'),
      );
    }
    const key = `${userId}:${input.idempotencyKey}`;
    const id = repaymentIdOf(key);
    const hash = requestHash({
      kind: input.kind,
      amountMinor: input.amountMinor,
      source: input.source,
      planId: input.planId,
    });
    // A retry: answered without the claim (the key's record says it all).
    const earlier = await this.repos.repayments.byId(id);
    const line = earlier ? undefined : await this.repos.creditLines.byId(creditLineIdOf(userId));
    if (!earlier && !line) return fail(userError('NO_CREDIT_LINE', 'You have no credit line'));
    // The quote and its record under the line's ask claim: every repayment asked before is counted.
    const asked = earlier
      ? this.replayOf(earlier, hash)
      : await this.underAskClaim(line!._id, claimWaitMs, (claimHeld) =>
          this.quoteAndRecord(userId, line!, input, { id, key, hash }, claimHeld, autoDebitOf),
        );
    if (!asked) return beingAsked();
    // The rail is asked after the claim is given back: a slow source does not hold the line's quotes.
    if ('answer' in asked) return asked.answer;
    return 'resume' in asked ? this.resume(asked.resume) : this.settle(asked.settle);
  }

  /**
   * Quotes `input` on the line as it stands with the repayments waiting on their source, and records
   * the repayment (INITIATED): what the rail is to be asked, or the answer when nothing is.
   */
  private async quoteAndRecord(
    userId: string,
    line: CreditLineDoc,
    input: RepayInput,
    ids: { id: string; key: string; hash: string },
    claimHeld: () => boolean,
    autoDebitOf?: string,
  ): Promise<{ answer: RepayResult } | { settle: RepaymentDoc } | { resume: RepaymentDoc }> {
    const answer = (error: UserError) => ({ answer: fail(error) });
    // The same key asked at the same moment, recorded while this one waited for the claim: its replay.
    const recorded = await this.repos.repayments.byId(ids.id);
    if (recorded) return this.replayOf(recorded, ids.hash);
    // What is already on its way is not asked twice (the due-day auto-debit, a second tap); AMOUNT is the caller's.
    const quoted = await this.quotedLine(line, input.kind !== 'AMOUNT');
    if (!quoted) return answer(userError('NO_CREDIT_LINE', 'You have no credit line'));
    const { state: current } = quoted;
    const autoDebited = autoDebitOf && current.bills.find((bill) => bill.billId === autoDebitOf);
    // One asked too early to hold the bill past its due day pays it on time only if it lands today:
    // the auto-debit collects rather than leave the bill to go overdue (it lands later: credit balance).
    const waiting = autoDebited
      ? quoted.waiting.filter((_, index) =>
          canHoldBillDueOn(quoted.waitingAskedOn[index]!, autoDebited.dueDate),
        )
      : quoted.waiting;
    const now = await this.clock.now();
    const today = businessDate(now);
    if (input.kind === 'PLAN_PAYOFF' && !current.plans.some((plan) => plan.planId === input.planId)) {
      return answer(
        userError(
          'PLAN_NOT_FOUND',
          'Give the id of one of your installment plans with periods still to bill (CreditLine.amountsDue.planPayoffs lists them)',
          'planId',
        ),
      );
    }
    if (input.kind === 'AMOUNT') {
      const mostMinor = amountRepayableOn(current, today);
      if (input.amountMinor! > mostMinor)
        return answer(
          amountOverOwed(
            mostMinor,
            current.plans.some((plan) => planUnbilledPrincipalMinor(plan) > 0),
          ),
        );
    }
    const due =
      input.kind === 'AMOUNT'
        ? {
            amountMinor: input.amountMinor!,
            payOffPlanIds: [],
            billedPeriodsWhenAsked: {},
            billsAsAsked: {},
            fromCreditBalanceMinor: 0,
          }
        : amountDueOn(current, today, input.kind, input.planId, waiting);
    if (due.amountMinor + due.fromCreditBalanceMinor <= 0) {
      // Without them this kind would collect something: say so, not "nothing is owed".
      const alone =
        input.kind !== 'AMOUNT' &&
        waiting.length > 0 &&
        amountDueOn(current, today, input.kind, input.planId);
      if (alone && alone.amountMinor + alone.fromCreditBalanceMinor > 0)
        return { answer: { ...fail(paidByWaiting(input.kind, waiting)), paidByWaiting: true } };
      const owedWithoutThem = waiting.length > 0 && amountDueOn(current, today, 'PAYOFF');
      const paidByThem =
        owedWithoutThem && owedWithoutThem.amountMinor + owedWithoutThem.fromCreditBalanceMinor > 0
          ? waiting
          : undefined;
      return answer(
        nothingToRepay(
          input.kind,
          amountsDueOn(current, today, waiting),
          amountDueOn(current, today, 'PAYOFF', undefined, waiting),
          paidByThem,
        ),
      );
    }
    const repayment: RepaymentDoc = {
      _id: ids.id,
      lineId: line._id,
      userId,
      idempotencyKey: ids.key,
      requestHash: ids.hash,
      kind: input.kind,
      planId: input.planId ?? null,
      payOffPlanIds: due.payOffPlanIds,
      billedPeriodsWhenAsked: due.billedPeriodsWhenAsked,
      billsAsAsked: due.billsAsAsked,
      source: input.source,
      amountMinor: due.amountMinor,
      fromCreditBalanceMinor: due.fromCreditBalanceMinor,
      status: 'INITIATED',
      failureReason: null,
      createdAt: now,
    };
    // A quote that outlived its claim may have missed a repayment asked meanwhile: nothing recorded.
    if (!claimHeld()) return { answer: beingAsked() };
    if (!(await this.repos.repayments.insertOnce(repayment))) {
      // The same key recorded by a process that took no claim (an older one): answer as its replay.
      const raced = await this.repos.repayments.byId(ids.id);
      if (!raced)
        return {
          answer: {
            ...fail(userError('CONFLICT', 'Retry with the same idempotency key')),
            notAskedNow: true,
          },
        };
      return this.replayOf(raced, ids.hash);
    }
    // Under the claim: the next quote finds the balance it counts on set aside already, or this one
    // declined (spent since the quote: a payout, a statement) rather than counted as paying.
    if (!(await this.setAside(repayment))) return { answer: await this.declineSpent(repayment) };
    return { settle: repayment };
  }

  /** A repayment recorded earlier under the same key: its replay, or the key's misuse. */
  private replayOf(earlier: RepaymentDoc, hash: string): { answer: RepayResult } | { resume: RepaymentDoc } {
    if (earlier.requestHash !== hash) {
      return {
        answer: fail(
          userError('IDEMPOTENCY_KEY_REUSED', 'This key was used for another repayment', 'idempotencyKey'),
        ),
      };
    }
    if (earlier.status === 'INITIATED') return { resume: earlier };
    // The same answer as the first time, a declined payment included.
    return {
      answer: {
        repayment: earlier,
        userErrors: earlier.status === 'FAILED' ? [declined(earlier.failureReason)] : [],
        answeredBefore: true,
      },
    };
  }

  /**
   * Runs `task` holding the line's ask claim (`RepaymentAskClaimRepository.hold`): one quoter of a
   * line at a time across processes, so each quote sees the repayments recorded before it. Waits up
   * to `waitMs` (from now: queued behind this process's own quotes of the line too); undefined when
   * another held it all along. `claimHeld` tells the task whether its claim still excludes others.
   */
  private underAskClaim<T>(
    lineId: string,
    waitMs: number,
    task: (claimHeld: () => boolean) => Promise<T>,
  ): Promise<T | undefined> {
    const giveUpAtMs = this.wallClockMs() + waitMs;
    return quotesOfLine.run(lineId, async () => {
      const claim = await this.repos.repaymentAskClaims.hold(lineId, this.wallClockMs, giveUpAtMs);
      if (!claim) return undefined;
      try {
        return await task(claim.stillHeld);
      } finally {
        await claim.release().catch((error: unknown) => {
          // It lapses by itself: the line's quotes wait one to two windows.
          log().error('giving back a repayment ask claim failed', { lineId, error });
        });
      }
    });
  }

  /**
   * The owner's repayments still waiting on their source, oldest first: they have moved no money
   * yet (the bills do not count them; new quotes do, `quotedLine`).
   */
  async inFlight(viewer: Viewer | undefined, line: { id: string; userId: string }): Promise<RepaymentDoc[]> {
    requireOwner(viewer, line.userId);
    return this.repos.repayments.inFlightOfLine(line.id, repaymentsInFlightShown);
  }

  /**
   * Asks the rail again about repayments it had not confirmed (a due job). Returns those that
   * settled, and how many could not be carried on (an error: the report counts them as failed).
   */
  async confirmPending(): Promise<{ settled: RepayResult[]; failed: number }> {
    const settled: RepayResult[] = [];
    let failed = 0;
    for (const repayment of await this.repos.repayments.initiated(500)) {
      try {
        const result = await this.resume(repayment);
        if (result.repayment?.status !== 'INITIATED') settled.push(result);
      } catch (error) {
        // Left INITIATED: the next run asks again, and its entries replay.
        failed += 1;
        log().error('confirming a pending repayment failed', { repaymentId: repayment._id, error });
      }
    }
    return { settled, failed };
  }

  /** A repayment recorded earlier and still INITIATED: declined already (a crash before the status was set) stays so, whatever the balance is now; else settled. */
  private async resume(repayment: RepaymentDoc): Promise<RepayResult> {
    const declinedEntry = await this.ledger.entryByKey(repayment.lineId, `repay-declined:${repayment._id}`);
    if (declinedEntry?.command.type === 'DECLINE_REPAYMENT')
      return this.failed(repayment, declinedEntry.command.reason);
    return this.settle(repayment);
  }

  private async failed(repayment: RepaymentDoc, reason: string): Promise<RepayResult> {
    // Before the status: a crash between the two records the notice on the next try.
    const why = declined(reason).message;
    await recordAutoDebitNotice(
      this.noticeDeps(),
      repayment,
      { collected: false, why },
      await this.clock.now(),
    );
    await this.repos.repayments.setStatus(repayment._id, 'FAILED', reason);
    return {
      repayment: { ...repayment, status: 'FAILED', failureReason: reason },
      userErrors: [declined(reason)],
    };
  }

  /**
   * Sets the balance it counts on aside, then collects the rest through the rail (none: no rail call);
   * only money actually collected reaches the ledger, and a decline gives the balance back.
   */
  private async settle(repayment: RepaymentDoc): Promise<RepayResult> {
    const reservedMinor = repayment.fromCreditBalanceMinor ?? 0;
    const reserved = reservedMinor > 0 ? { reservedCreditMinor: reservedMinor } : {};
    if (!(await this.setAside(repayment))) return this.declineSpent(repayment);
    const result: RailResult =
      repayment.amountMinor > 0 ? await this.rail.collect(repayment) : { status: 'SUCCEEDED' };
    if (result.status === 'PENDING') {
      await this.recordAwaited(repayment);
      return { repayment, userErrors: [] };
    }
    if (result.status === 'FAILED') {
      // The decline is an entry (a bill update for the customer's apps) before the repayment is final.
      written(
        await this.appendOutcome(repayment, 'repay-declined', {
          type: 'DECLINE_REPAYMENT',
          repaymentId: repayment._id,
          amountMinor: repayment.amountMinor,
          reason: result.reason,
          ...reserved,
        }),
      );
      return this.failed(repayment, result.reason);
    }
    const repaid = await this.appendOutcome(repayment, 'repay', repayCommandOf(repayment));
    written(repaid);
    // Before the status: a crash between the two replays the entry and records the notices then.
    await this.tellOfPlansLeft(repayment, repaid);
    await this.tellOfBalanceAdded(repayment, repaid);
    await recordAutoDebitNotice(this.noticeDeps(), repayment, { collected: true }, await this.clock.now());
    await this.repos.repayments.setStatus(repayment._id, 'SUCCEEDED', null);
    await this.reviews.reopenIfPaidUp(repayment.lineId, repayment.userId, repaid, await this.clock.now());
    return { repayment: { ...repayment, status: 'SUCCEEDED' }, userErrors: [] };
  }

  /**
   * The source confirms later: the ledger learns it waits (once: its key), so the bills it would keep
   * current are not judged overdue meanwhile. A failed write is only logged: the repayment is asked
   * for and stays INITIATED, and the next due-jobs run asks the source again and writes it then.
   */
  private async recordAwaited(repayment: RepaymentDoc): Promise<void> {
    try {
      const outcome = await this.appendOutcome(repayment, 'repay-await', {
        type: 'AWAIT_REPAYMENT',
        askedOn: businessDate(repayment.createdAt),
        repayment: repayCommandOf(repayment),
      });
      // Answered meanwhile by another ask of the source, or asked over 7 days ago: nothing to hold.
      if (outcome.status === 'REJECTED' && awaitNotNeeded.includes(outcome.rejection)) return;
      written(outcome);
    } catch (error) {
      log().error('recording a repayment awaited from its source failed', {
        repaymentId: repayment._id,
        error,
      });
    }
  }

  /**
   * The balance a repayment counted on was spent between its quote and now (a statement, a payout):
   * nothing is asked of the source. The decline is an entry all the same (the customer's apps hear
   * of it); nothing was set aside.
   */
  private async declineSpent(repayment: RepaymentDoc): Promise<RepayResult> {
    written(
      await this.appendOutcome(repayment, 'repay-declined', {
        type: 'DECLINE_REPAYMENT',
        repaymentId: repayment._id,
        amountMinor: repayment.amountMinor + (repayment.fromCreditBalanceMinor ?? 0),
        reason: balanceSpentReason,
      }),
    );
    return this.failed(repayment, balanceSpentReason);
  }

  /**
   * Sets aside the credit balance a repayment counts on (once: its key; none counted, nothing to do).
   * False when the balance was spent first (a refusal writes nothing: a later try asks again).
   */
  private async setAside(repayment: RepaymentDoc): Promise<boolean> {
    const reservedMinor = repayment.fromCreditBalanceMinor ?? 0;
    if (reservedMinor <= 0) return true;
    const outcome = await this.appendOutcome(repayment, 'repay-reserve', {
      type: 'RESERVE_CREDIT',
      repaymentId: repayment._id,
      amountMinor: reservedMinor,
    });
    if (outcome.status === 'REJECTED' && outcome.rejection === 'CREDIT_BALANCE_TOO_LOW') return false;
    written(outcome);
    return true;
  }

  /**
   * A payoff whose money landed too short to pay off every plan it was asked to (charges billed
   * while the source had not answered took part: `allocatePayoff`) tells the shopper what pays them
   * off now. Before the status is set: an error leaves the repayment INITIATED, and the next try
   * (a retry, `confirmPending`) replays the entry and records the notice once (its key).
   */
  private async tellOfPlansLeft(repayment: RepaymentDoc, repaid: AppendOutcome): Promise<void> {
    if (repaid.status !== 'APPLIED' && repaid.status !== 'REPLAYED') return;
    const leftByEntry = repaid.entry.stateAfter.plans
      .filter((plan) => plan.status === 'ACTIVE' && repayment.payOffPlanIds.includes(plan.planId))
      .map((plan) => plan.planId);
    if (leftByEntry.length === 0) return;
    // A replay after a crash: the line as it is now (the plan may have been paid off since).
    const line = await this.repos.creditLines.byId(repayment.lineId);
    const quoted = line && (await this.quotedLine(line, true));
    if (!quoted) return;
    const { state, waiting } = quoted;
    const planIdsLeft = leftByEntry.filter((planId) =>
      state.plans.some((plan) => plan.planId === planId && plan.status === 'ACTIVE'),
    );
    if (planIdsLeft.length === 0) return;
    const now = await this.clock.now();
    const again =
      repayment.kind === 'PLAN_PAYOFF' && repayment.planId
        ? amountDueOn(state, businessDate(now), 'PLAN_PAYOFF', repayment.planId, waiting)
        : amountDueOn(state, businessDate(now), 'PAYOFF', undefined, waiting);
    const balanceShare =
      again.fromCreditBalanceMinor > 0
        ? ` from your payment source, after ${formatMinor(again.fromCreditBalanceMinor)} CNY of your credit balance`
        : '';
    const paidMinor = repayment.amountMinor + (repayment.fromCreditBalanceMinor ?? 0);
    await this.outbox.record(
      `payoff-short:${repayment._id}`,
      repayment.userId,
      'PAYOFF_SHORT',
      `Your ${repayment.kind} repayment of ${formatMinor(paidMinor)} CNY landed after charges billed meanwhile took part of it: it paid what it could, but installment plan ${planIdsLeft.join(', ')} is not paid off. ${repayment.kind} today asks ${formatMinor(again.amountMinor)} CNY${balanceShare}`,
      repayment._id,
      now,
    );
  }

  /**
   * A repayment that waited on its source and found less owed when it landed (other money paid it
   * meanwhile, a refund, accruals waived, or an AMOUNT asked beside it) leaves the rest on the
   * credit balance: the shopper is told, and how to get it back. Before the status, as the other
   * notices of a landing (recorded once: its key).
   */
  private async tellOfBalanceAdded(repayment: RepaymentDoc, repaid: AppendOutcome): Promise<void> {
    if (repaid.status !== 'APPLIED' && repaid.status !== 'REPLAYED') return;
    const addedMinor = repaid.entry.effects?.creditBalanceAddedMinor ?? 0;
    // A payoff is asked to prepay what is not billed yet; other kinds only when they find less owed.
    const prepaysByDesign = repayment.kind === 'PAYOFF' || repayment.kind === 'PLAN_PAYOFF';
    const prepaidMinor = prepaysByDesign ? 0 : (repaid.entry.effects?.unbilledPrepaidMinor ?? 0);
    if (addedMinor <= 0 && prepaidMinor <= 0) return;
    // One asked and answered at once was answered to the shopper's own request: no notice needed.
    if (!(await this.ledger.entryByKey(repayment.lineId, `repay-await:${repayment._id}`))) return;
    const paidMinor = repayment.amountMinor + (repayment.fromCreditBalanceMinor ?? 0);
    // The source paid only its part: say what came from where.
    const fromBalance =
      (repayment.fromCreditBalanceMinor ?? 0) > 0
        ? ` (${formatMinor(repayment.amountMinor)} from your payment source, ${formatMinor(repayment.fromCreditBalanceMinor!)} from your credit balance)`
        : '';
    const went = [
      prepaidMinor > 0 &&
        `${formatMinor(prepaidMinor)} CNY of it paid purchases not billed yet (CreditLine.used)`,
      addedMinor > 0 &&
        `${formatMinor(addedMinor)} CNY of it is now your credit balance (CreditLine.creditBalance): it pays your next bills, or ask for it back (payOutCreditBalance)`,
    ].filter(Boolean);
    await this.outbox.record(
      `repaid-to-balance:${repayment._id}`,
      repayment.userId,
      'REPAID_TO_CREDIT_BALANCE',
      `Your ${repayment.kind} repayment of ${formatMinor(paidMinor)} CNY${fromBalance}, confirmed by your payment source, was more than it found owed (paid meanwhile, refunded or waived): ${went.join('; ')}`,
      repayment._id,
      await this.clock.now(),
    );
  }

  private noticeDeps() {
    return { bills: this.repos.bills, outbox: this.outbox };
  }

  /**
   * The line's newest state and the repayments still waiting on their source (oldest first, as they
   * will land), or only the state (`countWaiting` false). The waiting ones are read before the state
   * and their answers after it: one answered meanwhile is in the state (read again), never counted.
   */
  private async quotedLine(
    line: CreditLineDoc,
    countWaiting: boolean,
  ): Promise<{ state: LineState; waiting: RepayCommand[]; waitingAskedOn: BusinessDate[] } | undefined> {
    const candidates = countWaiting
      ? await this.repos.repayments.inFlightOfLine(line._id, repaymentsCountedInFlight)
      : [];
    let head = await this.ledger.currentHead(line);
    let waiting = candidates;
    // Still INITIATED with its entry written: answered already (its status is set after the entry,
    // and after a payoff's notice), so not counted. An answer newer than the state read: the state
    // is read again (and those still unanswered looked at again), so it holds what the answer moved.
    // Ends: a read repeats only after an answer was found, and an answered repayment leaves the list.
    while (waiting.length > 0) {
      const answers = await Promise.all(waiting.map((repayment) => this.answerOf(repayment)));
      waiting = waiting.filter((_, index) => !answers[index]);
      const newest = Math.max(0, ...answers.map((answer) => answer?.sequence ?? 0));
      if (newest <= head.sequence) break;
      head = await this.ledger.currentHead(line);
    }
    if (!head.state) return undefined;
    return {
      state: head.state,
      waiting: waiting.map(repayCommandOf),
      waitingAskedOn: waiting.map((repayment) => businessDate(repayment.createdAt)),
    };
  }

  /** The entry that answered a repayment (landed or declined), if one is written. */
  private async answerOf(repayment: RepaymentDoc): Promise<LedgerEntryDoc | undefined> {
    const [landed, declinedEntry] = await Promise.all([
      this.ledger.entryByKey(repayment.lineId, `repay:${repayment._id}`),
      this.ledger.entryByKey(repayment.lineId, `repay-declined:${repayment._id}`),
    ]);
    return landed ?? declinedEntry;
  }

  /** The rail's answer as a ledger entry, once per repayment and outcome (a retry replays it). */
  private async appendOutcome(
    repayment: RepaymentDoc,
    keyPrefix: 'repay' | 'repay-declined' | 'repay-reserve' | 'repay-await',
    command: LedgerCommand,
  ): Promise<AppendOutcome> {
    return this.ledger.append({
      lineId: repayment.lineId,
      command,
      key: `${keyPrefix}:${repayment._id}`,
      requestHash: requestHash({ [keyPrefix]: repayment._id, amountMinor: repayment.amountMinor }),
      now: await this.clock.now(),
    });
  }
}

/**
 * A repayment's ledger entry is written (or was, by an earlier try); anything else is a broken
 * invariant: the repayment stays INITIATED and the next try meets the same entry.
 */
function written(outcome: AppendOutcome): void {
  if (outcome.status !== 'APPLIED' && outcome.status !== 'REPLAYED') {
    throw new Error(`repayment ledger entry not written: ${outcome.status}`);
  }
}

const awaitNotNeeded: readonly string[] = ['REPAYMENT_ALREADY_ANSWERED', 'AWAITED_TOO_LATE'];

/** At most this many repayments in flight are listed (a line rarely has more than one or two). */
export const repaymentsInFlightShown = 20;

/** A new quote counts at most this many of a line's repayments in flight as paid (oldest first). */
const repaymentsCountedInFlight = 100;

/** How a recorded repayment's money lands (its ledger entry; a new quote's forecast of it). */
function repayCommandOf(repayment: RepaymentDoc): RepayCommand {
  const reservedMinor = repayment.fromCreditBalanceMinor ?? 0;
  return {
    type: 'REPAY',
    repaymentId: repayment._id,
    amountMinor: repayment.amountMinor,
    payOffPlanIds: repayment.payOffPlanIds ?? [],
    ...(repayment.billedPeriodsWhenAsked ? { billedPeriodsWhenAsked: repayment.billedPeriodsWhenAsked } : {}),
    ...(repayment.billsAsAsked
      ? { billsAsAsked: repayment.billsAsAsked, askedOn: businessDate(repayment.createdAt) }
      : {}),
    ...(reservedMinor > 0 ? { reservedCreditMinor: reservedMinor } : {}),
  };
}

/** How long a shopper's repay waits for another quote of the line before it answers `REPAYMENT_BEING_ASKED`. */
const repaymentAskClaimWaitMs = 3_000;
/** The due-day auto-debit is a job, not a person waiting: it outwaits a claim a stopped quoter left. */
const autoDebitClaimWaitMs = 2 * repaymentAskClaimMs + 1_000;

/** Nothing recorded: another quote of the line held its claim all the while this one could wait. */
function beingAsked(): RepayResult {
  return {
    ...fail(
      userError(
        'REPAYMENT_BEING_ASKED',
        'Another repayment of your credit line is being asked right now; retry in a few seconds with the same idempotency key',
      ),
    ),
    notAskedNow: true,
  };
}

/** A repayment's failure reason when the balance it counted on was spent before it could be set aside. */
const balanceSpentReason = 'the credit balance it counted on was spent first';

function declined(reason: string | null): UserError {
  if (reason === balanceSpentReason) {
    return userError(
      'CREDIT_BALANCE_CHANGED',
      'Your credit balance changed since this repayment was quoted; nothing was collected: ask again with a new key',
      'kind',
    );
  }
  return userError('PAYMENT_FAILED', `The payment source declined: ${reason ?? 'unknown reason'}`, 'source');
}

function fail(error: UserError): RepayResult {
  return { repayment: null, userErrors: [error] };
}

/**
 * An AMOUNT above what it can pay (`amountRepayableOn`); with nothing it can pay, NOTHING_TO_REPAY as
 * for the other kinds. `plansLeft`: installments not billed yet, which PAYOFF and PLAN_PAYOFF pay.
 */
function amountOverOwed(mostMinor: number, plansLeft: boolean): UserError {
  const plans = plansLeft ? ' (installments not billed yet are paid off with PAYOFF or PLAN_PAYOFF)' : '';
  return mostMinor > 0
    ? userError(
        'AMOUNT_OVER_OWED',
        `At most ${formatMinor(mostMinor)} CNY can be repaid as an AMOUNT now: everything billed and the purchases not billed yet${plans}`,
        'amount',
      )
    : userError(
        'NOTHING_TO_REPAY',
        `Nothing billed or bought in full is owed: an AMOUNT has nothing to pay${plans}`,
        'kind',
      );
}

/** A kind that would collect something, were it not for the repayments still waiting on their source. */
function paidByWaiting(kind: RepayKind, waiting: readonly RepayCommand[]): UserError {
  const { text, onSource } = waitingText(waiting);
  // A repayment the balance pays alone lands at once: no source to decline it.
  const ifDeclined = onSource ? 'if the source declines, repay again, or ' : '';
  return userError(
    'NOTHING_TO_REPAY',
    `Your ${text} already ${waiting.length === 1 ? 'pays' : 'pay'} what ${kind} would collect (CreditLine.repaymentsInFlight); ${ifDeclined}repay an AMOUNT to pay now anyway`,
    'kind',
  );
}

/**
 * Why a kind pays nothing, and which kind would pay what is owed (`payoff`: with the balance's share),
 * both with the repayments waiting on their source counted as paid.
 */
function nothingToRepay(
  kind: RepayKind,
  due: AmountsDue,
  payoff: AmountDue,
  paidByThem?: readonly RepayCommand[],
): UserError {
  const owedMinor = payoff.amountMinor + payoff.fromCreditBalanceMinor;
  const balanceShare =
    payoff.fromCreditBalanceMinor > 0
      ? ` (your credit balance pays ${formatMinor(payoff.fromCreditBalanceMinor)} of it)`
      : '';
  const message =
    kind === 'MINIMUM' && due.STATEMENT > 0
      ? `Every bill is current, so no minimum is due; ${formatMinor(due.STATEMENT)} CNY is billed: repay STATEMENT or an AMOUNT to pay it`
      : (kind === 'MINIMUM' || kind === 'STATEMENT') && owedMinor > 0
        ? `Nothing is billed; ${formatMinor(owedMinor)} CNY is owed and not billed yet: repay PAYOFF to pay it early${balanceShare}`
        : paidByThem
          ? `Nothing is left to pay: your ${waitingText(paidByThem).text} ${paidByThem.length === 1 ? 'pays' : 'pay'} what is owed (CreditLine.repaymentsInFlight)`
          : 'Nothing is owed on your credit line';
  return userError('NOTHING_TO_REPAY', message, 'kind');
}

/** A repayment's id: from its key (`<userId>:<client key>`), so a retry finds its record. */
function repaymentIdOf(scopedKey: string): string {
  return `rp_${createHash('sha256').update(scopedKey).digest('hex').slice(0, 24)}`;
}
