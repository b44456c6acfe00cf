import type { LedgerWriter } from '../../ledger/ledger-writer';
import type { Repositories } from '../../storage/repositories/repositories';
import type { LimitReviewService } from '../billing/limit-review.service';
import type { OutboxService } from '../billing/outbox.service';
import type { ClockService } from '../common/clock.service';
import type { PaymentRail } from './payment-rail';
import { PayoutService } from './payout.service';
import { RepaymentService } from './repayment.service';

/** What moves money through a payment rail, wired once: repayments and payouts share the rail, ledger, reviews and outbox. */
export interface RailServiceParts {
  repos: Repositories;
  clock: ClockService;
  rail: PaymentRail;
  ledger: LedgerWriter;
  reviews: LimitReviewService;
  outbox: OutboxService;
  /** Real time the repayments' ask claims are leased on (default: the machine's). */
  wallClockMs?: () => number;
}

export function railServices(parts: RailServiceParts): {
  repayments: RepaymentService;
  payouts: PayoutService;
} {
  const { repos, clock, rail, ledger, reviews, outbox, wallClockMs } = parts;
  return {
    repayments: new RepaymentService(repos, clock, rail, ledger, reviews, outbox, wallClockMs),
    payouts: new PayoutService(repos, clock, rail, ledger, reviews, outbox),
  };
}
