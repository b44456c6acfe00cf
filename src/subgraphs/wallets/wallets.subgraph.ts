import { BindingService } from '../../app/wallets/binding.service';
import { PartnerPaymentService } from '../../app/wallets/partner-payment.service';
import { PartnerViewService } from '../../app/wallets/partner-view.service';
import { WalletService } from '../../app/wallets/wallet.service';
import { ClockService } from '../../app/common/clock.service';
import { LedgerWriter } from '../../ledger/ledger-writer';
import { buildSubgraph } from '../common/build-subgraph';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { BindingMutations } from './binding.mutations';
import { ChannelBindingResolver } from './channel-binding.resolver';
import { DataAccessResolver } from './data-access.resolver';
import { oauthTokenPath, oauthTokenRoute } from './oauth-token.route';
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
  createServices: (repos, _viewer, mode) => {
    const clock = new ClockService(repos.clock, mode);
    return {
      wallets: new WalletService(repos),
      bindings: new BindingService(repos, clock),
      partnerViews: new PartnerViewService(repos, clock),
      partnerPayments: new PartnerPaymentService(repos, clock, new LedgerWriter(repos)),
    };
  },
  routes: { [oauthTokenPath]: oauthTokenRoute },
  // Partner reads are logged before the answer leaves.
  afterOperation: (services, operationName) => services.partnerViews.recordReads(operationName),
};
