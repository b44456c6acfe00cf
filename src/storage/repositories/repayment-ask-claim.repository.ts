import type { Models } from '../database';
import type { RepaymentAskClaimDoc } from '../models/repayment-ask-claim.model';
import { WindowClaims } from './window-claim';

/**
 * A line's ask claim lasts one window of real time: quotes take milliseconds, and a quoter that
 * stopped holding one blocks the line's repayments for one to two windows.
 */
export const repaymentAskClaimMs = 5_000;
/**
 * Another claimer may take the line once the window after next starts by its own clock: a holder
 * stops trusting its claim this long before that (clocks apart, and the insert it is about to make).
 */
const claimMarginMs = 1_500;
const pollMs = { min: 20, spread: 30 };

/** A claim on quoting a line's next repayment, while it lasts. */
export interface AskClaim {
  /** Whether no other quoter can have taken the line since (checked before recording). */
  stillHeld(): boolean;
  release(): Promise<void>;
}

/** Claims on quoting a line's next repayment (`WindowClaims`: one quoter of a line at a time). */
export class RepaymentAskClaimRepository {
  private readonly claims: WindowClaims<RepaymentAskClaimDoc>;

  constructor(models: Pick<Models, 'repaymentAskClaims'>) {
    this.claims = new WindowClaims<RepaymentAskClaimDoc>(models.repaymentAskClaims, (lineId) => ({ lineId }));
  }

  /**
   * Takes the line's claim, trying again every few tens of milliseconds until `giveUpAtMs` (by
   * `wallClockMs`, real time shared by every process); undefined when another holds it all along.
   */
  async hold(lineId: string, wallClockMs: () => number, giveUpAtMs: number): Promise<AskClaim | undefined> {
    for (;;) {
      const claimedAtMs = wallClockMs();
      const window = Math.floor(claimedAtMs / repaymentAskClaimMs);
      if (await this.claims.claim(lineId, window, new Date(claimedAtMs))) {
        const trustedUntilMs = (window + 2) * repaymentAskClaimMs - claimMarginMs;
        return {
          stillHeld: () => wallClockMs() < trustedUntilMs,
          release: () => this.claims.release(lineId, window),
        };
      }
      if (wallClockMs() >= giveUpAtMs) return undefined;
      await new Promise((resolve) => setTimeout(resolve, pollMs.min + Math.random() * pollMs.spread));
    }
  }
}
