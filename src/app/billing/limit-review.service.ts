import { formatMinor, type MinorUnits } from '../../core/money';
import {
  freezeAfterDaysOverdue,
  frozenLineReopens,
  type LimitReviewAction,
  type limitReviewFor,
  reopeningFor,
} from '../../core/risk/limit-review';
import { businessDate } from '../../core/time/business-date';
import { type LineState, upgradeLineState } from '../../core/ledger/line-state';
import type { AppendOutcome, LedgerWriter } from '../../ledger/ledger-writer';
import { keyHash } from '../../ledger/request-hash';
import { log } from '../../observability/log';
import type { NotificationKind } from '../../storage/models/notification.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { OutboxService } from './outbox.service';

export type LimitReview = NonNullable<ReturnType<typeof limitReviewFor>>;

/** The ledger key of a review: once per line and cause, whoever writes it (the due jobs or a payment). */
export function limitReviewKey(review: LimitReview): string {
  return `review:${review.reviewId}`;
}

/** Limit reviews' notices, and the review a payment or refund calls for at once (a line reopening). */
export class LimitReviewService {
  constructor(
    private readonly ledger: LedgerWriter,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Tells the shopper what a review changed; also on a replay, since a crash before the line's
   * summary caught up finds the same review again. Notice ids are global, review ids per line.
   */
  async recordNotice(
    lineId: string,
    userId: string,
    review: LimitReview,
    /** The state the review was decided on: its limit, and the bill a cut is for. */
    reviewed: LineState,
    now: Date,
  ): Promise<void> {
    await this.outbox.record(
      `review:${lineId}:${review.reviewId}`,
      userId,
      limitNoticeKinds[review.action],
      limitReviewNotice(
        review.action,
        reviewed.limitMinor,
        review.newLimitMinor,
        cutFor(reviewed, review.billId),
      ),
      review.billId ?? lineId,
      now,
    );
  }

  /**
   * After an entry that paid bills (a repayment, a refund, a reversed payout): a frozen line with
   * nothing left overdue opens now. It never fails the caller, whose money has landed: a crash or an
   * error here leaves the line to the next daily review, which finds the same review by its key.
   */
  async reopenIfPaidUp(lineId: string, userId: string, paid: AppendOutcome, now: Date): Promise<void> {
    try {
      await this.reopenNow(lineId, userId, paid, now);
    } catch (error) {
      log().error('reopening a paid-up line failed; the next daily review opens it', { lineId, error });
    }
  }

  private async reopenNow(lineId: string, userId: string, paid: AppendOutcome, now: Date): Promise<void> {
    if (paid.status !== 'APPLIED' && paid.status !== 'REPLAYED') return;
    const review = reopeningFor(paid.entry.stateAfter, businessDate(now));
    if (!review) return;
    const key = limitReviewKey(review);
    // The core decides again on the head (LINE_STILL_OVERDUE, LINE_NOT_FROZEN): then nothing to tell.
    const outcome = await this.ledger.append({
      lineId,
      command: { type: 'REVIEW_LIMIT', ...review },
      key,
      requestHash: keyHash(key),
      now,
    });
    if (outcome.status === 'APPLIED' || outcome.status === 'REPLAYED') {
      await this.recordNotice(lineId, userId, review, paid.entry.stateAfter, now);
    }
  }
}

const limitNoticeKinds: Record<Exclude<LimitReviewAction, 'KEEP'>, NotificationKind> = {
  RAISE: 'LIMIT_RAISED',
  CUT: 'LIMIT_CUT',
  FREEZE: 'LINE_FROZEN',
  UNFREEZE: 'LINE_UNFROZEN',
};

/**
 * The bill a cut is for, as the reviewed state has it: still owing, or paid in full since it went
 * overdue (a bill gone overdue cuts once, paid or not, so the shopper who paid late is told why).
 */
function cutFor(
  state: LineState,
  billId: string | undefined,
): { dueDate: string; paidSince: boolean } | undefined {
  if (billId === undefined) return undefined;
  const owing = state.bills.find((bill) => bill.billId === billId);
  if (owing) return { dueDate: owing.dueDate, paidSince: false };
  const settled = upgradeLineState(state).settledOverdueBillsUncut.find((bill) => bill.billId === billId);
  return settled && { dueDate: settled.dueDate, paidSince: true };
}

/** Why a cut was made, naming its bill when the state knows it (and, `sayPaid`, that it is paid since). */
function becauseOverdue(cut: ReturnType<typeof cutFor>, { sayPaid }: { sayPaid: boolean }): string {
  if (!cut) return 'because a bill went overdue';
  const paid =
    sayPaid && cut.paidSince
      ? ' (paid since: a bill that went overdue lowers the limit once, paid or not)'
      : '';
  return `because your bill due ${cut.dueDate} went overdue${paid}`;
}

/** What a limit review changed, in the shopper's terms (`limitBeforeMinor`: the limit it reviewed). */
function limitReviewNotice(
  action: Exclude<LimitReviewAction, 'KEEP'>,
  limitBeforeMinor: MinorUnits,
  newLimitMinor: MinorUnits,
  cut: ReturnType<typeof cutFor>,
): string {
  switch (action) {
    case 'RAISE':
      return `Your credit limit is now ${formatMinor(newLimitMinor)} CNY (was ${formatMinor(limitBeforeMinor)}): raised for paying your bills on time`;
    case 'CUT':
      return `Your credit limit is now ${formatMinor(newLimitMinor)} CNY (was ${formatMinor(limitBeforeMinor)}) ${becauseOverdue(cut, { sayPaid: true })}`;
    case 'FREEZE':
      return `Your credit line is frozen: a bill is more than ${freezeAfterDaysOverdue} days overdue. Pay what is overdue; ${frozenLineReopens}`;
    case 'UNFREEZE':
      return newLimitMinor < limitBeforeMinor
        ? `Your credit line is active again: nothing is overdue. Your credit limit is now ${formatMinor(newLimitMinor)} CNY (was ${formatMinor(limitBeforeMinor)}) ${becauseOverdue(cut, { sayPaid: false })}`
        : 'Your credit line is active again: nothing is overdue';
  }
}

/** The reviews of services that move money (payments, refunds), over the same ledger writer. */
export function limitReviewsOver(
  repos: Pick<Repositories, 'notifications'>,
  ledger: LedgerWriter,
): LimitReviewService {
  return new LimitReviewService(ledger, new OutboxService(repos.notifications));
}
