import type { Viewer } from '../../auth/token';
import { AppError } from '../../errors';
import { formatMinor, isPositiveMinor } from '../../core/money';
import { businessDate } from '../../core/time/business-date';
import type { LedgerWriter } from '../../ledger/ledger-writer';
import { requestHash } from '../../ledger/request-hash';
import { log } from '../../observability/log';
import { creditLineIdOf } from '../../storage/ids';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import type { PayoutDoc, PayoutStatus } from '../../storage/models/payout.model';
import type { Repositories } from '../../storage/repositories/repositories';
import type { LimitReviewService } from '../billing/limit-review.service';
import type { OutboxService } from '../billing/outbox.service';
import { requireOwner, requireUser } from '../common/access';
import type { ClockService } from '../common/clock.service';
import { idempotencyKeyError, type UserError, userError } from '../common/user-error';
import type { PaymentRail } from './payment-rail';

export interface PayOutResult {
  /** What was paid out (or is on its way, the rail answering later); null when nothing was. */
  amountMinor: number | null;
  /** The payout after this request: INITIATED while the rail has not answered; null when none was recorded. */
  status: PayoutStatus | null;
  userErrors: UserError[];
}

/** `CreditLine.payoutsInFlight` shows at most this many, oldest first. */
export const payoutsInFlightShown = 20;

/** Unfinished payouts one due-jobs run takes up. */
const payoutsPerRun = 500;

/** The jobs leave a payout alone this long after its last try: her request may still be on it. */
export const payoutUntouchedMs = 5 * 60_000;

/**
 * Paying a credit balance back to the shopper's source. The payout is recorded first, then the ledger
 * debits the balance (so the same money cannot be paid out twice), then the rail pays it; a refusal
 * puts the money back (`REVERSE_PAYOUT`). A crash between the steps, or a rail that answers later,
 * leaves the payout INITIATED: the due jobs finish it (`finishInterrupted`) through the same steps,
 * each keyed, so nothing is debited or paid twice. Each write names the attempt it saw, so one made
 * from an old reading changes nothing.
 */
export class PayoutService {
  constructor(
    private readonly repos: Pick<Repositories, 'creditLines' | 'payouts'>,
    private readonly clock: ClockService,
    private readonly rail: PaymentRail,
    private readonly ledger: LedgerWriter,
    private readonly reviews: LimitReviewService,
    private readonly outbox: OutboxService,
  ) {}

  /** The line's payouts not finished yet (the bank not answered, or a stop left one), oldest first. */
  async inFlight(viewer: Viewer | undefined, line: { id: string; userId: string }): Promise<PayoutDoc[]> {
    requireOwner(viewer, line.userId);
    return this.repos.payouts.inFlightOfLine(line.id, payoutsInFlightShown);
  }

  async payOutCreditBalance(
    viewer: Viewer | undefined,
    input: { amountMinor?: number | undefined; idempotencyKey: string },
  ): Promise<PayOutResult> {
    const { userId } = requireUser(viewer);
    const keyError = idempotencyKeyError(input.idempotencyKey);
    if (keyError) return notRecorded(keyError);
    // Not a positive amount: refused before anything is recorded (as a malformed one is).
    if (input.amountMinor !== undefined && !isPositiveMinor(input.amountMinor))
      return notRecorded(notPositive);
    const line = await this.repos.creditLines.byId(creditLineIdOf(userId));
    if (!line) return notRecorded(noCreditLine);
    const now = await this.clock.now();
    const payout: PayoutDoc = {
      _id: `${userId}:${input.idempotencyKey}`,
      lineId: line._id,
      userId,
      idempotencyKey: input.idempotencyKey,
      askedMinor: input.amountMinor ?? null,
      status: 'INITIATED',
      attempt: 1,
      createdAt: now,
      triedAt: now,
    };
    if (await this.repos.payouts.insertOnce(payout)) return this.carryOut(payout, line, { byJob: false });
    let earlier = await this.repos.payouts.byId(payout._id);
    // A refusal moved nothing and holds no key (as the ledger keeps none for it): asked again, with
    // this input or another, the payout starts over as its next attempt, which the jobs follow.
    if (earlier?.status === 'REFUSED') {
      const restarted = (await this.repos.payouts.askAgain(payout))
        ? await this.repos.payouts.byId(payout._id)
        : undefined;
      if (restarted) return this.carryOut(restarted, line, { byJob: false });
      earlier = await this.repos.payouts.byId(payout._id); // another request started it over first
    }
    if (!earlier) throw new AppError('CONFLICT', 'The payout changed meanwhile; retry with the same key');
    if (earlier.askedMinor !== payout.askedMinor) return notRecorded(keyReused);
    return this.carryOut(earlier, line, { byJob: false });
  }

  /**
   * A due job: payouts a crash or a rail answering later left INITIATED, untouched for
   * `payoutUntouchedMs`, carried on from where they stopped; the shopper is told how each ended.
   * Returns how many ended, and how many an error stopped (left for the next run).
   */
  async finishInterrupted(): Promise<{ finished: number; failed: number }> {
    const triedBefore = new Date((await this.clock.now()).getTime() - payoutUntouchedMs);
    let finished = 0;
    let failed = 0;
    for (const listed of await this.repos.payouts.untriedSince(triedBefore, payoutsPerRun)) {
      try {
        // Read again: her request may have taken it on since the list was read.
        const payout = await this.repos.payouts.byId(listed._id);
        if (payout?.status !== 'INITIATED' || payout.triedAt > triedBefore) continue;
        const line = await this.repos.creditLines.byId(payout.lineId);
        const result = line
          ? await this.carryOut(payout, line, { byJob: true })
          : await this.refuse(payout, noCreditLine, 'NO_CREDIT_LINE', { byJob: true });
        if (result.status !== 'INITIATED') finished += 1;
      } catch (error) {
        // Left INITIATED: the next run carries it on; each step replays.
        failed += 1;
        log().error('finishing a payout failed', { payoutId: listed._id, error });
      }
    }
    return { finished, failed };
  }

  /** Debit, pay, and put back on a refusal; each step keyed, so a second caller meets the first's. */
  private async carryOut(
    payout: PayoutDoc,
    line: CreditLineDoc,
    { byJob }: { byJob: boolean },
  ): Promise<PayOutResult> {
    const now = await this.clock.now();
    const state = await this.ledger.currentState(line);
    if (!state) return this.refuse(payout, noCreditLine, 'NO_CREDIT_LINE', { byJob });
    const outcome = await this.ledger.append({
      lineId: line._id,
      command: {
        type: 'PAY_OUT_CREDIT',
        payoutId: payout._id,
        amountMinor: payout.askedMinor ?? state.creditBalanceMinor,
      },
      key: `payout:${payout.idempotencyKey}`,
      // The request is what was asked ("all" or an amount), so a retry after the payout replays it.
      requestHash: requestHash({ payout: payout.askedMinor ?? 'ALL' }),
      now,
      line,
    });
    // The key holds a debit of another input: one made before payouts were recorded.
    if (outcome.status === 'KEY_REUSED')
      return this.refuse(payout, keyReused, 'IDEMPOTENCY_KEY_REUSED', { byJob: false });
    if (outcome.status === 'REJECTED') {
      const error =
        outcome.rejection === 'INVALID_AMOUNT' && payout.askedMinor === null
          ? userError('NOTHING_TO_PAY_OUT', 'There is no credit balance to pay back')
          : outcome.rejection === 'INVALID_AMOUNT'
            ? notPositive
            : userError(
                outcome.rejection,
                `At most ${formatMinor(state.creditBalanceMinor)} CNY can be paid back`,
                'amount',
              );
      return this.refuse(payout, error, outcome.rejection, { byJob });
    }
    const amountMinor = outcome.entry.amountMinor;
    // Debited: recorded on the payout (what is on its way), and a concurrent try that found too
    // little balance a moment before judged it wrongly.
    await this.repos.payouts.debited(payout, amountMinor);
    const reversalKey = `payout-reversed:${payout.idempotencyKey}`;
    // A retry of a payout that was reversed answers the same; the rail is never asked again.
    const reversed = outcome.status === 'REPLAYED' && (await this.ledger.entryByKey(line._id, reversalKey));
    // The rail is idempotent per payout id: asking again on a replay never pays twice.
    const paid = reversed
      ? { status: 'FAILED' as const, reason: payout.reason ?? 'refused earlier' }
      : await this.rail.disburse({
          payoutId: payout._id,
          userId: payout.userId,
          amountMinor,
          askedAt: payout.createdAt,
        });
    if (paid.status === 'PENDING') {
      // The jobs come back to it after the others.
      if (byJob) await this.repos.payouts.tried(payout, now);
      return { amountMinor, status: 'INITIATED', userErrors: [] };
    }
    if (paid.status === 'SUCCEEDED') {
      const ended = await this.repos.payouts.finish(payout, { status: 'PAID', amountMinor });
      if (byJob && ended)
        await this.tell(
          payout,
          'PAID',
          `Your payout of ${formatMinor(amountMinor)} CNY from your credit balance, asked on ${askedOn(payout)}, was paid to your bank card`,
        );
      return { amountMinor, status: 'PAID', userErrors: [] };
    }
    const reversal = await this.ledger.append({
      lineId: line._id,
      command: { type: 'REVERSE_PAYOUT', payoutId: payout._id, amountMinor },
      key: reversalKey,
      requestHash: requestHash({ reverse: payout._id }),
      now,
    });
    // Back on the balance, it pays what bills owe: after a late retry, perhaps the last overdue one.
    await this.reviews.reopenIfPaidUp(line._id, payout.userId, reversal, now);
    const ended = await this.repos.payouts.finish(payout, {
      status: 'REVERSED',
      amountMinor,
      reason: paid.reason,
    });
    if (byJob && ended)
      await this.tell(
        payout,
        'REVERSED',
        `Your payout of ${formatMinor(amountMinor)} CNY from your credit balance, asked on ${askedOn(payout)}, was refused by your payment source (${paid.reason}): the money is back on your credit balance`,
      );
    return {
      amountMinor: null,
      status: 'REVERSED',
      userErrors: [
        userError(
          'PAYMENT_FAILED',
          `The payment source refused the payout: ${paid.reason}; the money is back on your credit balance`,
        ),
      ],
    };
  }

  /** Nothing was debited: the attempt ends refused (and a job tells her, her request having stopped). */
  private async refuse(
    payout: PayoutDoc,
    error: UserError,
    reason: string,
    { byJob }: { byJob: boolean },
  ): Promise<PayOutResult> {
    const ended = await this.repos.payouts.finish(payout, { status: 'REFUSED', reason });
    if (byJob && ended)
      await this.tell(
        payout,
        'REFUSED',
        `Your payout from your credit balance asked on ${askedOn(payout)} could not be made: ${error.message}. Nothing left your credit balance`,
      );
    return { amountMinor: null, status: 'REFUSED', userErrors: [error] };
  }

  /** How an attempt the shopper's request did not see end ended; once per attempt and outcome. */
  private async tell(
    payout: PayoutDoc,
    ended: Exclude<PayoutStatus, 'INITIATED'>,
    message: string,
  ): Promise<void> {
    await this.outbox.record(
      payoutNoticeKey(payout, ended),
      payout.userId,
      ended === 'PAID' ? 'PAYOUT_PAID' : 'PAYOUT_FAILED',
      message,
      payout._id,
      await this.clock.now(),
    );
  }
}

/** The notice of how one attempt of a payout ended. */
export const payoutNoticeKey = (payout: Pick<PayoutDoc, '_id' | 'attempt'>, ended: PayoutStatus) =>
  `payout:${payout._id}:${payout.attempt}:${ended}`;

const askedOn = (payout: PayoutDoc) => businessDate(payout.createdAt);

/** An answer for which no payout was recorded or changed. */
const notRecorded = (error: UserError): PayOutResult => ({
  amountMinor: null,
  status: null,
  userErrors: [error],
});

const noCreditLine = userError('NO_CREDIT_LINE', 'You have no credit line');
const notPositive = userError('INVALID_AMOUNT', 'Pay back a positive amount', 'amount');
const keyReused = userError(
  'IDEMPOTENCY_KEY_REUSED',
  'This key was used for another payout',
  'idempotencyKey',
);
