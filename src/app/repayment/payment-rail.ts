import { businessDate } from '../../core/time/business-date';
import type { RepaymentDoc } from '../../storage/models/repayment.model';

/** PENDING: the rail has not confirmed yet; the repayment stays INITIATED and is asked again later. */
export type RailResult =
  { status: 'SUCCEEDED' } | { status: 'PENDING' } | { status: 'FAILED'; reason: string };

/**
 * A payment rail (bank card, wallet balance, partner wallet). Real rails confirm asynchronously; the
 * repayment stays INITIATED until `collect` settles, and tests plug in rails that fail on demand.
 */
export interface PaymentRail {
  collect(repayment: RepaymentDoc): Promise<RailResult>;
  /** Pays money back to the customer's source; idempotent per `payoutId`, like `collect` per repayment. */
  disburse(payout: { payoutId: string; userId: string; amountMinor: number }): Promise<RailResult>;
}

/**
 * The sandbox's way to see a decline (as card sandboxes use test amounts): an AMOUNT repayment whose
 * fen part is .44. Computed amounts (STATEMENT, MINIMUM, ...) always succeed.
 */
export const sandboxDeclinedFenPart = 44;

/**
 * The sandbox's way to see a source that confirms later (as a bank transfer does): a repayment whose
 * idempotency key starts with this stays PENDING through the business day it was asked, and is
 * collected when asked again on a later day (the due jobs ask every pending repayment again).
 */
export const sandboxPendingKeyPrefix = 'sandbox-pending';

/** Local rail: collections succeed after a tick, but for the sandbox decline and wait (there is no bank to call). */
export class SimulatedRail implements PaymentRail {
  /** `now`: the business clock, so a sandbox wait ends when the clock moves to the next day. */
  constructor(private readonly now: () => Promise<Date> = async () => new Date()) {}

  async collect(repayment: RepaymentDoc): Promise<RailResult> {
    await new Promise((resolve) => setImmediate(resolve));
    if (repayment.kind === 'AMOUNT' && repayment.amountMinor % 100 === sandboxDeclinedFenPart)
      return { status: 'FAILED', reason: 'declined by the sandbox rail (an amount ending in .44)' };
    const clientKey = repayment.idempotencyKey.slice(repayment.userId.length + 1);
    if (
      clientKey.startsWith(sandboxPendingKeyPrefix) &&
      businessDate(await this.now()) === businessDate(repayment.createdAt)
    )
      return { status: 'PENDING' };
    return { status: 'SUCCEEDED' };
  }

  async disburse(): Promise<RailResult> {
    await new Promise((resolve) => setImmediate(resolve));
    return { status: 'SUCCEEDED' };
  }
}
