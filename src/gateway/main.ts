import http from 'node:http';
import { listen } from '../runtime/listen';
import { GatewayCredentialSigner } from '../auth/gateway-credential';
import { exitOnConfigError, loadConfig } from '../config';
import { announceReady, onShutdown } from '../runtime/lifecycle';
import { composeSupergraph } from './compose';
import { fetchSubgraphSdl } from './fetch-subgraph-sdl';
import { serveGraphqlWs } from './graphql-ws-server';
import { createGateway, graphqlEndpoint } from './gateway';
import { SubscriptionRelay } from './subscription-relay';
import { TrustedDocuments } from './trusted-documents';
import { MemoryRequestCounter, RedisRequestCounter } from './request-counter';
import { gatewayShare } from './fair-share';
import { log, useProcessLog } from '../observability/log';
import { labelOperationsAlways, startMetrics } from '../observability/metrics';
import { withRequestScope } from '../observability/request-scope';
import { answerClientError } from '../runtime/client-error';
import { startTracing } from '../observability/tracing';

/** The gateway process: SUBGRAPHS (JSON list of {name, url}) comes from the launcher. */
async function main(): Promise<void> {
  const config = loadConfig();
  useProcessLog('gateway');
  startMetrics('gateway');
  const tracing = startTracing('gateway');
  const subgraphs = JSON.parse(process.env.SUBGRAPHS ?? '[]') as { name: string; url: string }[];
  if (subgraphs.length === 0) throw new Error('SUBGRAPHS is required');
  const credential = new GatewayCredentialSigner(config.gatewaySecret);
  const trustedDocuments = TrustedDocuments.load(config.trustedDocumentsPath);
  labelOperationsAlways(trustedDocuments.operationNames());
  const supergraphSdl = composeSupergraph(
    await Promise.all(subgraphs.map((subgraph) => fetchSubgraphSdl(subgraph, credential))),
  );
  const relay = new SubscriptionRelay(
    supergraphSdl,
    new Map(subgraphs.map(({ name, url }) => [name, url])),
    credential,
  );
  // One per process, for HTTP and graphql-ws alike.
  const fairShare = gatewayShare(config.limits);
  const requestCounter = config.redisUrl
    ? new RedisRequestCounter(config.redisUrl)
    : new MemoryRequestCounter();
  const gateway = createGateway({
    mode: config.mode,
    corsOrigins: config.corsOrigins,
    supergraphSdl,
    authSecret: config.authSecret,
    demoToken: config.mode === 'local' ? process.env.DEMO_TOKEN : undefined,
    operatorToken: config.mode === 'local' ? process.env.OPERATOR_TOKEN : undefined,
    partnerToken: config.mode === 'local' ? process.env.PARTNER_TOKEN : undefined,
    subgraphs,
    relay,
    limits: config.limits,
    requestCounter,
    credential,
    trustedDocuments,
    metrics: { mode: config.mode, metricsToken: config.metricsToken },
    tracing: tracing.enabled,
    trustClientTraceContext: config.trustClientTraceContext,
    fairShare,
  });
  const server = http.createServer(
    {
      // A client must finish sending its request in this time (slow senders hold no socket for
      // long). Given at creation, Node derives the headers' timeout from it (at most 60 s); set
      // afterwards, the 60 s headers timeout stayed above it and a stalled body got 60 s.
      requestTimeout: config.limits.requestTimeoutMs,
      // Node looks for expired requests on this timer (30 s by default): a tenth of the limit.
      connectionsCheckingInterval: requestTimeoutCheckEveryMs(config.limits.requestTimeoutMs),
    },
    withRequestScope(gateway, { edge: () => true }),
  );
  server.on('clientError', answerClientError);
  const { port } = await listen(server, {
    port: config.gatewayPort,
    host: config.gatewayHost,
    backlog: 4096,
  });
  // Attached once listening, so a taken port is reported once (by `listen`).
  const graphqlWs = serveGraphqlWs(server, gateway, {
    path: graphqlEndpoint,
    authSecret: config.authSecret,
    relay,
    mode: config.mode,
    trustedDocuments,
    counter: requestCounter,
    fairShare,
    limits: config.limits,
  });
  onShutdown(async () => {
    // Relayed streams end first, over SSE and graphql-ws alike, with a code to resume by
    // (SERVICE_UNAVAILABLE); then the sockets close and the server can.
    await relay.dispose();
    await new Promise((resolve) => setImmediate(resolve)); // their error messages go out first
    await graphqlWs.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await gateway.dispose();
    await requestCounter.close();
    await tracing.shutdown();
  });
  announceReady(`http://localhost:${port}${graphqlEndpoint}`);
}

main().catch((error: unknown) => {
  exitOnConfigError(error, (message) => log().error(`gateway cannot start: ${message}`));
  log().error('gateway failed to start', { error });
  process.exit(1);
});

/** How often Node looks for requests past their timeout: a tenth of it, from 100 ms to 30 s. */
function requestTimeoutCheckEveryMs(requestTimeoutMs: number): number {
  return Math.min(30_000, Math.max(100, Math.floor(requestTimeoutMs / 10)));
}
