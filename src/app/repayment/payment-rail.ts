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

/** Local rail: every collection succeeds after a tick (the sandbox has no bank to call). */
export class SimulatedRail implements PaymentRail {
  async collect(): Promise<RailResult> {
    await new Promise((resolve) => setImmediate(resolve));
    return { status: 'SUCCEEDED' };
  }

  async disburse(): Promise<RailResult> {
    await new Promise((resolve) => setImmediate(resolve));
    return { status: 'SUCCEEDED' };
  }
}
