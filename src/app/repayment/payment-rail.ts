import { businessDate } from '../../core/time/business-date';
import type { ClockService } from '../common/clock.service';
import type { RepaymentDoc } from '../../storage/models/repayment.model';
import { autoDebitOf } from './auto-debit-notice';

/** PENDING: the rail has not confirmed yet; the repayment stays INITIATED and is asked again later. */
export type RailResult =
  { status: 'SUCCEEDED' } | { status: 'PENDING' } | { status: 'FAILED'; reason: string };

/** A payout of the credit balance as the rail is asked for it: `<userId>:<client key>`, asked when. */
export interface Disbursement {
  payoutId: string;
  userId: string;
  amountMinor: number;
  askedAt: Date;
}

/**
 * A payment rail (bank card, wallet balance, partner wallet). Real rails confirm asynchronously; the
 * repayment stays INITIATED until `collect` settles, and tests plug in rails that fail on demand.
 */
export interface PaymentRail {
  collect(repayment: RepaymentDoc): Promise<RailResult>;
  /** Pays money back to the customer's source; idempotent per `payoutId`, like `collect` per repayment. */
  disburse(payout: Disbursement): Promise<RailResult>;
}

/**
 * The sandbox's way to see a decline (as card sandboxes use test amounts), in local mode: an AMOUNT
 * repayment, or a payout, whose fen part is .44, and the first attempt of a due-day auto-debit of
 * such an amount (its retry is collected). Other computed amounts (STATEMENT, MINIMUM, ...) succeed.
 */
export const sandboxDeclinedFenPart = 44;

/**
 * The sandbox's way to see a source that confirms later (as a bank transfer does), in local mode: a
 * repayment (or payout) whose idempotency key starts with this stays PENDING through the business day
 * it was asked, and is answered when asked again on a later day (the due jobs ask every pending one
 * again).
 */
export const sandboxPendingKeyPrefix = 'sandbox-pending';

const sandboxDecline: RailResult = {
  status: 'FAILED',
  reason: 'declined by the sandbox rail (an amount ending in .44)',
};

const sandboxAutoDebitDecline: RailResult = {
  status: 'FAILED',
  reason:
    'declined by the sandbox rail (a first auto-debit of an amount ending in .44; the next attempt is collected)',
};

/**
 * The rail there is (no bank to call): collections succeed after a tick; in local mode, but for the
 * sandbox decline and wait, which a shopper in production must not be able to ask for.
 */
export class SimulatedRail implements PaymentRail {
  /** `clock`: the business clock (a sandbox wait ends when it moves to the next day) and the mode. */
  constructor(private readonly clock: Pick<ClockService, 'now' | 'mode'>) {}

  async collect(repayment: RepaymentDoc): Promise<RailResult> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.clock.mode !== 'local') return { status: 'SUCCEEDED' };
    const endsIn44 = repayment.amountMinor % 100 === sandboxDeclinedFenPart;
    if (repayment.kind === 'AMOUNT' && endsIn44) return sandboxDecline;
    // A card short on the due day's first attempt, funded by its retry (README "Subscriptions").
    // (A shopper's key imitating one for her own line is declined too: she declines herself.)
    if (endsIn44 && autoDebitOf(repayment)?.attempt === 1) return sandboxAutoDebitDecline;
    if (await this.waitsThroughTheDay(repayment.idempotencyKey, repayment.userId, repayment.createdAt))
      return { status: 'PENDING' };
    return { status: 'SUCCEEDED' };
  }

  /**
   * Local mode, for payouts too: a key starting with `sandboxPendingKeyPrefix` waits through the
   * business day asked (the due jobs ask again later), then an amount ending in .44 is refused.
   */
  async disburse(payout: Disbursement): Promise<RailResult> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.clock.mode !== 'local') return { status: 'SUCCEEDED' };
    if (await this.waitsThroughTheDay(payout.payoutId, payout.userId, payout.askedAt))
      return { status: 'PENDING' };
    if (payout.amountMinor % 100 === sandboxDeclinedFenPart) return sandboxDecline;
    return { status: 'SUCCEEDED' };
  }

  /** A `sandboxPendingKeyPrefix` client key (in `<userId>:<key>`), asked today: no answer yet. */
  private async waitsThroughTheDay(scopedKey: string, userId: string, askedAt: Date): Promise<boolean> {
    return (
      scopedKey.slice(userId.length + 1).startsWith(sandboxPendingKeyPrefix) &&
      businessDate(await this.clock.now()) === businessDate(askedAt)
    );
  }
}
