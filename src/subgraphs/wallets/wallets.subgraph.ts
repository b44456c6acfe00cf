import { createWalletsServices } from '../../app/wallets/wallets-services';
import { buildSubgraph } from '../common/build-subgraph';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { BindingMutations } from './binding.mutations';
import { ChannelBindingResolver } from './channel-binding.resolver';
import { DataAccessResolver } from './data-access.resolver';
import { oauthTokenPath } from '../../auth/token';
import { oauthTokenRoute } from './oauth-token.route';
import { PartnerPaymentMutations } from './partner-payment.mutations';
import { PartnerUserResolver } from './partner-user.resolver';
import { WalletsUserResolver } from './user.resolver';
import { User } from './user.type';
import type { WalletsContext } from './wallets.context';

export const walletsSubgraph: SubgraphDefinition<WalletsContext['services']> = {
  name: 'wallets',
  buildSchema: (_mode) =>
    buildSubgraph(
      {
        resolvers: [
          ChannelBindingResolver,
          WalletsUserResolver,
          DataAccessResolver,
          BindingMutations,
          PartnerUserResolver,
          PartnerPaymentMutations,
        ],
        orphanedTypes: [User],
      },
      { User: { __resolveReference: (ref: { id: string }) => User.ref(ref.id) } },
    ),
  createServices: (repos, _viewer, mode) => createWalletsServices(repos, mode),
  routes: { [oauthTokenPath]: oauthTokenRoute },
  // Partner reads are logged before the answer leaves.
  afterOperation: (services, operationName) => services.partnerViews.recordReads(operationName),
};
