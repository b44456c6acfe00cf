import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import { InvalidTokenError, type Viewer, viewerFromAuthorization } from '../auth/token';
import type { AppMode } from '../config';
import type { Repositories } from '../storage/repositories/repositories';
import type { SubgraphContext } from './common/context';
import type { SubgraphDefinition } from './common/subgraph-definition';
import { formatSubgraphError } from './common/to-graphql-error';

export interface ServeOptions {
  port: number;
  repos: Repositories;
  authSecret: string;
  mode: AppMode;
}

export interface ServingSubgraph {
  url: string;
  stop(): Promise<void>;
}

function viewerOf(authSecret: string, header: string | undefined): Viewer | undefined {
  try {
    return viewerFromAuthorization(authSecret, header);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    throw new GraphQLError(`Invalid token: ${error.message}`, {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
}

/** Serves one subgraph over HTTP on 127.0.0.1. Each request gets fresh services (and DataLoaders). */
export async function serveSubgraph<TServices>(
  definition: SubgraphDefinition<TServices>,
  options: ServeOptions,
): Promise<ServingSubgraph> {
  const server = new ApolloServer<SubgraphContext<TServices>>({
    schema: await definition.buildSchema(options.mode),
    formatError: formatSubgraphError,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    // The gateway is the public entry point; subgraphs stay on loopback.
    introspection: true,
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: options.port, host: '127.0.0.1' },
    context: async ({ req }) => {
      const viewer = viewerOf(options.authSecret, req.headers.authorization);
      return { viewer, services: definition.createServices(options.repos, viewer, options.mode) };
    },
  });
  return { url, stop: () => server.stop() };
}
