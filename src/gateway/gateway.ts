import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { playgroundConfig } from './playground';
import { useAuth } from './use-auth';
import { useErrorCodes } from './use-error-codes';

export const graphqlEndpoint = '/graphql';

export interface GatewayOptions {
  supergraphSdl: string;
  authSecret: string;
  /** Prefill the playground with these tokens (local mode only). */
  demoToken?: string | undefined;
  operatorToken?: string | undefined;
}

/** The BFF: Hive Gateway runtime over the composed supergraph, assembled from small plugins. */
export function createGateway(options: GatewayOptions): GatewayRuntime {
  return createGatewayRuntime({
    supergraph: options.supergraphSdl,
    graphqlEndpoint,
    healthCheckEndpoint: '/healthz',
    readinessCheckEndpoint: '/readiness',
    landingPage: false,
    logging: 'warn',
    ...playgroundConfig({ demoToken: options.demoToken, operatorToken: options.operatorToken }),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
    },
    plugins: () => [
      useAuth({ authSecret: options.authSecret, graphqlEndpoint }),
      useErrorCodes({ graphqlEndpoint }),
    ],
  });
}
