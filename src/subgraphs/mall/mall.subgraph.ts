import { createStoreServices } from '../../app/orders/store-services';
import { buildSubgraph } from '../common/build-subgraph';
import type { StoreContext } from '../common/store.context';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { MallMutations } from './mall.mutations';
import { MallOrder } from './mall.types';
import { MallProductResolver } from './product.resolver';
import { MallUserResolver } from './user.resolver';
import { User } from './user.type';

export const mallSubgraph: SubgraphDefinition<StoreContext['services']> = {
  name: 'mall',
  buildSchema: (_mode) =>
    buildSubgraph(
      { resolvers: [MallProductResolver, MallUserResolver, MallMutations], orphanedTypes: [User] },
      {
        User: { __resolveReference: (ref: { id: string }) => User.ref(ref.id) },
        MallOrder: {
          __resolveReference: async (ref: { id: string }, ctx: StoreContext) =>
            MallOrder.from(await ctx.services.store.catalog.order(ctx.viewer, ref.id)),
        },
      },
    ),
  createServices: (repos, viewer, mode) => ({ store: createStoreServices('MALL', repos, viewer, mode) }),
};
