import { ClockService } from '../../services/clock.service';
import { CreditService } from '../../services/credit.service';
import { DueJobsService } from '../../services/due-jobs.service';
import { OffersService } from '../../services/offers.service';
import { buildSubgraph } from '../common/build-subgraph';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { ClockResolver } from './clock.resolver';
import { resolveCreditLineReference } from './credit-line.reference';
import { CreditLineResolver } from './credit-line.resolver';
import type { CreditContext } from './credit.context';
import { OffersResolver } from './offers.resolver';
import { resolveUserReference } from './user.reference';
import { UserResolver } from './user.resolver';

export const creditSubgraph: SubgraphDefinition<CreditContext['services']> = {
  name: 'credit',
  buildSchema: (mode) =>
    buildSubgraph(
      {
        // The clock controls exist in local/test mode only: production has no such fields at all.
        resolvers:
          mode === 'local'
            ? [UserResolver, CreditLineResolver, OffersResolver, ClockResolver]
            : [UserResolver, CreditLineResolver, OffersResolver],
      },
      {
        User: { __resolveReference: resolveUserReference },
        CreditLine: { __resolveReference: resolveCreditLineReference },
      },
    ),
  createServices: (repos, viewer, mode) => {
    const clock = new ClockService(repos.clock, mode);
    return {
      credit: new CreditService(repos, viewer),
      offers: new OffersService(repos, clock, viewer),
      clock,
      dueJobs: new DueJobsService(repos, clock, viewer),
    };
  },
};
