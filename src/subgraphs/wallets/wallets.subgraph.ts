import { WalletService } from '../../app/wallets/wallet.service';
import { buildSubgraph } from '../common/build-subgraph';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { User } from './user.type';
import { ChannelBindingResolver } from './channel-binding.resolver';
import { WalletsUserResolver } from './user.resolver';
import type { WalletsContext } from './wallets.context';

export const walletsSubgraph: SubgraphDefinition<WalletsContext['services']> = {
  name: 'wallets',
  buildSchema: (_mode) =>
    buildSubgraph(
      { resolvers: [ChannelBindingResolver, WalletsUserResolver], orphanedTypes: [User] },
      { User: { __resolveReference: (ref: { id: string }) => User.ref(ref.id) } },
    ),
  createServices: (repos) => ({ wallets: new WalletService(repos) }),
};
