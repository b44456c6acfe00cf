import { createStoreServices } from '../../app/orders/store-services';
import { buildSubgraph } from '../common/build-subgraph';
import type { StoreContext } from '../common/store.context';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { InstallmentMutations } from './installment.mutations';
import { InstallmentOrder } from './installment.types';
import { InstallmentProductResolver } from './product.resolver';
import { InstallmentUserResolver } from './user.resolver';
import { User } from './user.type';

export const installmentSubgraph: SubgraphDefinition<StoreContext['services']> = {
  name: 'installment',
  buildSchema: (_mode) =>
    buildSubgraph(
      {
        resolvers: [InstallmentProductResolver, InstallmentUserResolver, InstallmentMutations],
        orphanedTypes: [User],
      },
      {
        User: { __resolveReference: (ref: { id: string }) => User.ref(ref.id) },
        InstallmentOrder: {
          __resolveReference: async (ref: { id: string }, ctx: StoreContext) =>
            InstallmentOrder.from(await ctx.services.store.catalog.order(ctx.viewer, ref.id)),
        },
      },
    ),
  createServices: (repos, viewer, mode) => ({
    store: createStoreServices('INSTALLMENT', repos, viewer, mode),
  }),
};
