import { loadConfig } from '../../config';
import { ClockService } from '../../app/common/clock.service';
import { CreditService } from '../../app/credit/credit.service';
import { LedgerWriter } from '../../ledger/ledger-writer';
import { limitReviewsOver } from '../../app/billing/limit-review.service';
import { OutboxService } from '../../app/billing/outbox.service';
import { createDueJobs } from '../../app/billing/due-jobs.service';
import { DueJobsSchedule, schedulerViewer } from '../../app/billing/due-jobs-schedule';
import { OffersService } from '../../app/credit/offers.service';
import { BillUpdatesService } from '../../app/credit/bill-updates.service';
import { partnerCursorSeal } from '../../app/credit/bill-update-cursor';
import { LineWatch } from '../../app/credit/line-watch';
import type { Repositories } from '../../storage/repositories/repositories';
import { ledgerNotices } from '../../ledger/ledger-notices';
import { SimulatedRail } from '../../app/repayment/payment-rail';
import { railServices } from '../../app/repayment/rail-services';
import { buildSubgraph } from '../common/build-subgraph';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { CurrentBillResolver, UserBillsResolver } from './bill.resolver';
import { Bill } from './bill.type';
import { ClockResolver } from './clock.resolver';
import { resolveCreditLineReference } from './credit-line.reference';
import { CreditLineResolver } from './credit-line.resolver';
import type { CreditContext } from './credit.context';
import { OffersResolver } from './offers.resolver';
import { BillUpdateResolver } from './bill-update.resolver';
import { PayoutsInFlightResolver } from './payout.resolver';
import { CreditBalanceResolver, RepaymentResolver, RepaymentsInFlightResolver } from './repayment.resolver';
import { resolveUserReference } from './user.reference';
import { UserResolver } from './user.resolver';

const resolvers = [
  UserResolver,
  CreditLineResolver,
  OffersResolver,
  UserBillsResolver,
  CurrentBillResolver,
  RepaymentResolver,
  RepaymentsInFlightResolver,
  CreditBalanceResolver,
  PayoutsInFlightResolver,
  BillUpdateResolver,
] as const;

// One watch per process (per repositories): every bill-update stream shares its reads and its timer.
const watches = new WeakMap<object, LineWatch>();
const watchOf = (repos: Repositories) => {
  let watch = watches.get(repos);
  if (!watch) {
    watch = new LineWatch(repos, ledgerNotices, loadConfig().billUpdatesPollMs);
    watches.set(repos, watch);
  }
  return watch;
};

export const creditSubgraph: SubgraphDefinition<CreditContext['services']> = {
  name: 'credit',
  buildSchema: (mode) =>
    buildSubgraph(
      {
        // The clock controls exist in local/test mode only: production has no such fields at all.
        resolvers: mode === 'local' ? [...resolvers, ClockResolver] : resolvers,
      },
      {
        User: { __resolveReference: resolveUserReference },
        CreditLine: { __resolveReference: resolveCreditLineReference },
        Bill: {
          __resolveReference: async (ref: { id: string }, ctx: CreditContext) =>
            Bill.from(await ctx.services.credit.bill(ctx.viewer, ref.id)),
        },
      },
    ),
  createServices: (repos, viewer, mode) => {
    const clock = new ClockService(repos.clock, mode);
    return {
      credit: new CreditService(repos, clock),
      offers: new OffersService(repos, clock),
      clock,
      billUpdates: new BillUpdatesService(repos, watchOf(repos), clock, partnerCursorSeal()),
      dueJobs: createDueJobs(repos, clock),
      ...(() => {
        const ledger = new LedgerWriter(repos);
        return railServices({
          repos,
          clock,
          rail: new SimulatedRail(clock),
          ledger,
          reviews: limitReviewsOver(repos, ledger),
          outbox: new OutboxService(repos.notifications),
        });
      })(),
    };
  },
  startBackground: (repos, config) => {
    if (config.dueJobsEveryMinutes === 0) return undefined;
    // A fresh clock per run: a clock service keeps the first instant it read.
    return new DueJobsSchedule({
      run: (options) =>
        createDueJobs(repos, new ClockService(repos.clock, config.mode)).run(schedulerViewer, options),
      now: () => new ClockService(repos.clock, config.mode).now(),
      everyMs: config.dueJobsEveryMinutes * 60_000,
    }).start();
  },
};
