import { StoreService } from '../../services/store.service';
import { buildSubgraph } from '../common/build-subgraph';
import type { SubgraphDefinition } from '../common/subgraph-definition';
import { User } from './user.type';
import type { MallContext } from './mall.context';
import { MallOrder } from './mall.types';
import { MallProductResolver } from './product.resolver';
import { MallUserResolver } from './user.resolver';

export const mallSubgraph: SubgraphDefinition<MallContext['services']> = {
  name: 'mall',
  buildSchema: () =>
    buildSubgraph(
      { resolvers: [MallProductResolver, MallUserResolver], orphanedTypes: [User] },
      {
        User: { __resolveReference: (ref: { id: string }) => User.ref(ref.id) },
        MallOrder: {
          __resolveReference: async (ref: { id: string }, ctx: MallContext) =>
            MallOrder.from(await ctx.services.mall.order(ref.id)),
        },
      },
    ),
  createServices: (repos, viewer) => ({
    mall: new StoreService('MALL', repos.products, repos.mallOrders, viewer),
  }),
};
