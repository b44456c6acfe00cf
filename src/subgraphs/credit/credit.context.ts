import type { ClockService } from '../../services/clock.service';
import type { CreditService } from '../../services/credit.service';
import type { DueJobsService } from '../../services/due-jobs.service';
import type { OffersService } from '../../services/offers.service';
import type { RepaymentService } from '../../services/repayment.service';
import type { SubgraphContext } from '../common/context';

export type CreditContext = SubgraphContext<{
  credit: CreditService;
  offers: OffersService;
  clock: ClockService;
  dueJobs: DueJobsService;
  repayments: RepaymentService;
}>;
