import type { GraphQLSchema } from 'graphql';
import type { Viewer } from '../../auth/token';
import type { AppConfig, AppMode, SubgraphName } from '../../config';
import type { Repositories } from '../../storage/repositories/repositories';

/** What a subgraph process needs: its schema and the per-request services its resolvers call. */
export interface SubgraphDefinition<TServices> {
  name: SubgraphName;
  buildSchema(mode: AppMode): Promise<GraphQLSchema>;
  createServices(repos: Repositories, viewer: Viewer | undefined, mode: AppMode): TServices;
  /** Plain HTTP endpoints next to GraphQL (e.g. the partner token endpoint), by path. */
  routes?: Record<string, HttpRoute>;
  /** Runs after each GraphQL operation, before its answer is sent (e.g. the partner read audit). */
  afterOperation?(services: TServices, operationName: string): Promise<void>;
  /** Work the process does by itself while it serves (the scheduled due jobs); stopped with the server. */
  startBackground?(repos: Repositories, config: AppConfig): { stop(): Promise<void> } | undefined;
}

export interface HttpRequestParts {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type HttpRoute = (
  request: HttpRequestParts,
  env: { repos: Repositories; authSecret: string },
) => Promise<{ status: number; body: Record<string, unknown>; headers?: Record<string, string> }>;
