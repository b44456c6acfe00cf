import { randomUUID } from 'node:crypto';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { playgroundConfig } from './playground';
import { useAuth } from './use-auth';
import { useErrorCodes } from './use-error-codes';
import { useOAuthToken } from './use-oauth-token';

export const graphqlEndpoint = '/graphql';

export interface GatewayOptions {
  supergraphSdl: string;
  authSecret: string;
  /** Prefill the playground with these tokens (local mode only). */
  demoToken?: string | undefined;
  operatorToken?: string | undefined;
  partnerToken?: string | undefined;
  /** The wallets subgraph, which answers POST /oauth/token for partners. */
  walletsUrl?: string | undefined;
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
    ...playgroundConfig({
      demoToken: options.demoToken,
      operatorToken: options.operatorToken,
      partnerToken: options.partnerToken,
    }),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => {
        const authorization = request.headers.get('authorization');
        // Identical in-flight subgraph fetches are shared; a partner's reads are each audited, so each
        // partner request gets its own id and is never merged with another.
        return isPartnerToken(authorization)
          ? { authorization, 'x-request-id': randomUUID() }
          : { authorization };
      },
    },
    plugins: () => [
      useOAuthToken({ walletsUrl: options.walletsUrl }),
      useAuth({ authSecret: options.authSecret, graphqlEndpoint }),
      useErrorCodes({ graphqlEndpoint }),
    ],
  });
}

/** Whether a bearer token (already verified by useAuth) is a partner's: its scope names `partner`. */
function isPartnerToken(authorization: string | null): boolean {
  const payload = authorization?.split('.')[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scope?: unknown };
    return typeof claims.scope === 'string' && claims.scope.split(' ').includes('partner');
  } catch {
    return false;
  }
}
