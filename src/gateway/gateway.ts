import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { Logger } from '@graphql-hive/logger';
import { useOpenTelemetry } from '@graphql-hive/plugin-opentelemetry';
import { log } from '../observability/log';
import type { MetricsAccess } from '../observability/metrics-access';
import { JsonLogWriter } from './json-log-writer';
import { useMetrics } from './use-metrics';
import type { GatewayShare } from './fair-share';
import { useFairShare } from './use-fair-share';
import { useResponseDeadline } from './use-response-deadline';
import { useUpstreamTimeout } from './use-upstream-timeout';
import { useRequestId } from './use-request-id';
import type { GatewayCredentialSigner } from '../auth/gateway-credential';
import type { AppMode } from '../config';
import { maskGatewayError } from './mask-error';
import {
  mayRunOwnDocuments,
  trustedDocumentError,
  type TrustedDocuments,
  trustedDocumentRefusals,
} from './trusted-documents';
import { playgroundConfig } from './playground';
import { healthCheckPath } from '../runtime/probe-paths';
import { useAuth } from './use-auth';
import { useSubgraphErrors } from './use-subgraph-errors';
import { useErrorCodes } from './use-error-codes';
import { useReadiness } from './use-readiness';
import { useGatewayCredential } from './use-gateway-credential';
import { useCsrfPrevention } from './use-csrf-prevention';
import { useHiddenSchema } from './use-hidden-schema';
import { requestIsOperator, requestViewerOrNone } from './request-viewer';
import { useOAuthToken } from './use-oauth-token';
import { useOperationLimits } from './use-operation-limits';
import { useDemandControl } from './use-demand-control';
import type { RequestCounter } from './request-counter';
import { useRequestLimits } from './use-request-limits';
import type { GatewayLimits } from '../config';
import type { SubscriptionRelay } from './subscription-relay';
import { useSubscriptionRelay } from './use-subscription-relay';
import { useDirectQueries } from './use-direct-queries';
import { useSubgraphFetch } from './use-subgraph-fetch';

export const graphqlEndpoint = '/graphql';

export interface GatewayOptions {
  mode: AppMode;
  /** Production: the browser origins allowed to call the gateway (CORS_ORIGINS). */
  corsOrigins: string[];
  supergraphSdl: string;
  authSecret: string;
  /** Prefill the playground with these tokens (local mode only). */
  demoToken?: string | undefined;
  operatorToken?: string | undefined;
  partnerToken?: string | undefined;
  subgraphs: readonly { name: string; url: string }[];
  /** Takes the subscriptions one subgraph answers alone (over SSE here; graphql-ws uses it directly). */
  relay: SubscriptionRelay;
  limits: GatewayLimits;
  /** Requests per minute per viewer and address (shared through Redis when it is configured). */
  requestCounter: RequestCounter;
  /** First-party documents accepted by id; in production the only ones user tokens may run. */
  trustedDocuments: TrustedDocuments;
  /** Signs every call to a subgraph: they answer nobody else. */
  credential: GatewayCredentialSigner;
  /** Who may read GET /metrics. */
  metrics: MetricsAccess;
  /** Record spans (an OTLP endpoint is configured): the runtime's OpenTelemetry plugin. */
  tracing: boolean;
  /** The process's fair share, which graphql-ws operations take too. */
  fairShare: GatewayShare;
  /** Continue a client's W3C `traceparent` (its trace id and sampled flag) instead of a new trace. */
  trustClientTraceContext: boolean;
}

/** The BFF: Hive Gateway runtime over the composed supergraph, assembled from small plugins. */
export function createGateway(options: GatewayOptions): GatewayRuntime {
  const production = options.mode === 'production';
  return createGatewayRuntime({
    supergraph: options.supergraphSdl,
    graphqlEndpoint,
    healthCheckEndpoint: healthCheckPath,
    // Our /readiness looks at the subgraphs (useReadiness); the runtime's own only knows its schema.
    readinessCheckEndpoint: '/.runtime-readiness',
    landingPage: false,
    logging: new Logger({ level: 'warn', writers: [new JsonLogWriter(log())] }),
    // The request id is ours (useRequestId, withRequestScope): always new; one the client sends is
    // only logged beside it.
    requestId: false,
    // Production: no playground, and the schema shown to operators only.
    ...(production
      ? { graphiql: false }
      : playgroundConfig({
          demoToken: options.demoToken,
          operatorToken: options.operatorToken,
          partnerToken: options.partnerToken,
        })),
    // CORS: production answers preflights only for CORS_ORIGINS (none by default), without
    // credentials (tokens are bearer headers, never cookies); local mode lets any page call it.
    // (An empty origin list would mean "any" to the runtime: no list is `false`.)
    cors: !production
      ? undefined
      : options.corsOrigins.length > 0
        ? { origin: options.corsOrigins, credentials: false }
        : false,
    ...(production
      ? {
          disableIntrospection: {
            disableIf: ({ context }) => !requestIsOperator(options.authSecret, context.request),
          },
        }
      : {}),
    // Identical in-flight fetches are shared elsewhere; every partner read of the wallets subgraph is
    // audited there, so its fetches are never merged.
    transportEntries: { wallets: { options: { deduplicateInflightRequests: false } } },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
    },
    // Trusted documents: a request may name a first-party document by id (`documentId`); in
    // production only partner apps and operators may send documents of their own.
    persistedDocuments: {
      getPersistedOperation: (id: string) => options.trustedDocuments.document(id) ?? null,
      allowArbitraryDocuments: (request: Request) =>
        mayRunOwnDocuments(options.mode, requestViewerOrNone(options.authSecret, request)),
      customErrors: {
        notFound: trustedDocumentError(trustedDocumentRefusals.notFound),
        keyNotFound: trustedDocumentError(trustedDocumentRefusals.noDocument),
        persistedQueryOnly: trustedDocumentError(trustedDocumentRefusals.ownDocument),
      },
    },
    maskedErrors: { maskError: maskGatewayError },
    plugins: () => [
      // First of our fetch hooks: it sets the fetch itself, which the later ones wrap (tracing's
      // trace context, metrics) or give headers to (the runtime's own header hooks run before).
      useSubgraphFetch(),
      // W3C trace context in, spans for the request, the operation and each subgraph call, and
      // `traceparent` on every call so the subgraphs continue the trace.
      // A client's own trace context is not continued unless trusted: it would pick the trace id,
      // or turn recording off for its requests.
      ...(options.tracing
        ? [useOpenTelemetry({ traces: true, inheritContext: options.trustClientTraceContext })]
        : []),
      useRequestId(),
      useRequestLimits({
        ...options.limits,
        authSecret: options.authSecret,
        counter: options.requestCounter,
      }),
      useCsrfPrevention({ production }),
      ...(production ? [useHiddenSchema({ authSecret: options.authSecret })] : []),
      useReadiness({ subgraphs: options.subgraphs, credential: options.credential, production }),
      useOAuthToken({
        // The wallets subgraph owns partners and answers POST /oauth/token.
        walletsUrl: options.subgraphs.find((subgraph) => subgraph.name === 'wallets')?.url,
        credential: options.credential,
      }),
      useAuth({ authSecret: options.authSecret }),
      // After the rate limits, CSRF and the token check: a refused request takes no slot.
      useFairShare({ share: options.fairShare, authSecret: options.authSecret }),
      // Before the deadline, which wraps what it sets.
      useDirectQueries(options.supergraphSdl),
      // Its clock starts when execution does: after the fair-share wait, parsing and validation.
      useResponseDeadline(options.limits.responseDeadlineMs),
      // Each subgraph call within UPSTREAM_TIMEOUT_MS.
      useUpstreamTimeout(options.limits.upstreamTimeoutMs),
      useOperationLimits(options.limits),
      // Estimates each operation before it runs (operation-cost.ts); `extensions.cost` on every answer.
      useDemandControl(options.limits),
      useSubgraphErrors(),
      useErrorCodes({ graphqlEndpoint }),
      // After the error codes: it counts the codes clients get.
      useMetrics({ access: options.metrics, subgraphs: options.subgraphs }),
      useSubscriptionRelay(options.relay),
      useGatewayCredential(options.credential),
    ],
  });
}
