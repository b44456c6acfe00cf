import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { playgroundConfig } from './playground';
import { healthCheckPath, readinessCheckPath } from './probe-paths';
import { useAuth } from './use-auth';
import { useErrorCodes } from './use-error-codes';
import { useOAuthToken } from './use-oauth-token';
import { useOperationLimits } from './use-operation-limits';
import type { RequestCounter } from './request-counter';
import { useRequestLimits } from './use-request-limits';
import type { GatewayLimits } from '../config';
import type { SubscriptionRelay } from './subscription-relay';
import { useSubscriptionRelay } from './use-subscription-relay';

export const graphqlEndpoint = '/graphql';

export interface GatewayOptions {
  supergraphSdl: string;
  authSecret: string;
  /** Prefill the playground with these tokens (local mode only). */
  demoToken?: string | undefined;
  operatorToken?: string | undefined;
  partnerToken?: string | undefined;
  /** The wallets subgraph, which answers POST /oauth/token for partners. */
  walletsUrl: string | undefined;
  /** Takes the subscriptions one subgraph answers alone (over SSE here; graphql-ws uses it directly). */
  relay: SubscriptionRelay;
  limits: GatewayLimits;
  /** Requests per minute per viewer and address (shared through Redis when it is configured). */
  requestCounter: RequestCounter;
}

/** The BFF: Hive Gateway runtime over the composed supergraph, assembled from small plugins. */
export function createGateway(options: GatewayOptions): GatewayRuntime {
  return createGatewayRuntime({
    supergraph: options.supergraphSdl,
    graphqlEndpoint,
    healthCheckEndpoint: healthCheckPath,
    readinessCheckEndpoint: readinessCheckPath,
    landingPage: false,
    logging: 'warn',
    ...playgroundConfig({
      demoToken: options.demoToken,
      operatorToken: options.operatorToken,
      partnerToken: options.partnerToken,
    }),
    // Identical in-flight fetches are shared elsewhere; every partner read of the wallets subgraph is
    // audited there, so its fetches are never merged.
    transportEntries: { wallets: { options: { deduplicateInflightRequests: false } } },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
    },
    // Demand control: each object costs 1, a list counts as `listSize` of them; `extensions.cost`
    // on every response says what the operation was estimated at.
    demandControl: {
      maxCost: options.limits.maxCost,
      listSize: options.limits.listSize,
      includeExtensionMetadata: true,
    },
    upstreamTimeout: options.limits.upstreamTimeoutMs,
    plugins: () => [
      useRequestLimits({
        ...options.limits,
        authSecret: options.authSecret,
        counter: options.requestCounter,
      }),
      useOAuthToken({ walletsUrl: options.walletsUrl }),
      useAuth({ authSecret: options.authSecret }),
      useOperationLimits(options.limits),
      useErrorCodes({ graphqlEndpoint }),
      useSubscriptionRelay(options.relay),
    ],
  });
}
