import type { PayoutService } from '../../app/repayment/payout.service';
import type { ClockService } from '../../app/common/clock.service';
import type { CreditService } from '../../app/credit/credit.service';
import type { DueJobsService } from '../../app/billing/due-jobs.service';
import type { BillUpdatesService } from '../../app/credit/bill-updates.service';
import type { OffersService } from '../../app/credit/offers.service';
import type { RepaymentService } from '../../app/repayment/repayment.service';
import type { SubgraphContext } from '../common/context';

export type CreditContext = SubgraphContext<{
  credit: CreditService;
  offers: OffersService;
  billUpdates: BillUpdatesService;
  clock: ClockService;
  dueJobs: DueJobsService;
  repayments: RepaymentService;
  payouts: PayoutService;
}>;
