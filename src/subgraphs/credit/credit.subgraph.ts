import { CreditService } from '../../services/credit.service';
import { buildSubgraph } from '../common/build-subgraph';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { resolveCreditLineReference } from './credit-line.reference';
import type { CreditContext } from './credit.context';
import { resolveUserReference } from './user.reference';
import { UserResolver } from './user.resolver';

export const creditSubgraph: SubgraphDefinition<CreditContext['services']> = {
  name: 'credit',
  buildSchema: () =>
    buildSubgraph(
      { resolvers: [UserResolver] },
      {
        User: { __resolveReference: resolveUserReference },
        CreditLine: { __resolveReference: resolveCreditLineReference },
      },
    ),
  createServices: (repos, viewer) => ({ credit: new CreditService(repos, viewer) }),
};
