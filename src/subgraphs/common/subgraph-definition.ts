import type { GraphQLSchema } from 'graphql';
import type { Viewer } from '../../auth/token';
import type { AppMode, SubgraphName } from '../../config';
import type { Repositories } from '../../storage/repositories/repositories';

/** What a subgraph process needs: its schema and the per-request services its resolvers call. */
export interface SubgraphDefinition<TServices> {
  name: SubgraphName;
  buildSchema(mode: AppMode): Promise<GraphQLSchema>;
  createServices(repos: Repositories, viewer: Viewer | undefined, mode: AppMode): TServices;
}
