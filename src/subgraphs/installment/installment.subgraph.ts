import { StoreService } from '../../services/store.service';
import { buildSubgraph } from '../common/build-subgraph';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { User } from './user.type';
import type { InstallmentContext } from './installment.context';
import { InstallmentOrder } from './installment.types';
import { InstallmentOrderResolver } from './order.resolver';
import { InstallmentProductResolver } from './product.resolver';
import { InstallmentUserResolver } from './user.resolver';

export const installmentSubgraph: SubgraphDefinition<InstallmentContext['services']> = {
  name: 'installment',
  buildSchema: () =>
    buildSubgraph(
      {
        resolvers: [InstallmentProductResolver, InstallmentOrderResolver, InstallmentUserResolver],
        orphanedTypes: [User],
      },
      {
        User: { __resolveReference: (ref: { id: string }) => User.ref(ref.id) },
        InstallmentOrder: {
          __resolveReference: async (ref: { id: string }, ctx: InstallmentContext) =>
            InstallmentOrder.from(await ctx.services.installmentStore.order(ref.id)),
        },
      },
    ),
  createServices: (repos, viewer) => ({
    installmentStore: new StoreService('INSTALLMENT', repos.products, repos.installmentOrders, viewer),
  }),
};
