import type { Models } from '../database';
import type { RepaymentAskClaimDoc } from '../models/repayment-ask-claim.model';
import { WindowClaims } from './window-claim';

/** Claims on quoting a line's next repayment (`WindowClaims`: one quoter of a line at a time). */
export class RepaymentAskClaimRepository {
  private readonly claims: WindowClaims<RepaymentAskClaimDoc>;

  constructor(models: Pick<Models, 'repaymentAskClaims'>) {
    this.claims = new WindowClaims<RepaymentAskClaimDoc>(models.repaymentAskClaims, (lineId) => ({ lineId }));
  }

  claim(lineId: string, window: number, at: Date): Promise<boolean> {
    return this.claims.claim(lineId, window, at);
  }

  release(lineId: string, window: number): Promise<void> {
    return this.claims.release(lineId, window);
  }
}
