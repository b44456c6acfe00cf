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

/** Local rail: collections succeed after a tick, but for the sandbox decline (there is no bank to call). */
export class SimulatedRail implements PaymentRail {
  async collect(repayment: RepaymentDoc): Promise<RailResult> {
    await new Promise((resolve) => setImmediate(resolve));
    if (repayment.kind === 'AMOUNT' && repayment.amountMinor % 100 === sandboxDeclinedFenPart)
      return { status: 'FAILED', reason: 'declined by the sandbox rail (an amount ending in .44)' };
    return { status: 'SUCCEEDED' };
  }

  async disburse(): Promise<RailResult> {
    await new Promise((resolve) => setImmediate(resolve));
    return { status: 'SUCCEEDED' };
  }
}
