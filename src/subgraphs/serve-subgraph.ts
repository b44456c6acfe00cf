import http from 'node:http';
import { listen } from '../runtime/listen';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { gatewayCredentialHeader, isValidGatewayCredential } from '../auth/gateway-credential';
import { InvalidTokenError, type Viewer, viewerFromAuthorization } from '../auth/token';
import type { AppMode } from '../config';
import type { Repositories } from '../storage/repositories/repositories';
import type { SubgraphContext } from './common/context';
import type { HttpRoute, SubgraphDefinition } from './common/subgraph-definition';
import { formatSubgraphError } from './common/to-graphql-error';
import { readinessCheckPath } from '../runtime/probe-paths';
import { serveGraphqlWs } from './serve-graphql-ws';
import { isEventStreamRequest, serveSubscription, subscriptionRequestOf } from './serve-subscription';
import { subscriptionChecker } from './subscription-source';
import { observeRequests } from './observe-requests';
import { answerClientError } from '../runtime/client-error';
import { refusalBody } from '../errors';
import { log } from '../observability/log';
import type { MetricsAccess } from '../observability/metrics-access';
import { noteCodes, requestScope } from '../observability/request-scope';

export interface ServeOptions {
  port: number;
  repos: Repositories;
  authSecret: string;
  /** Only requests carrying a credential signed with this secret are served (the gateway's). */
  gatewaySecret: string;
  mode: AppMode;
  /** Bind address: loopback unless the subgraph runs in its own container (SUBGRAPH_HOST). */
  host?: string;
  /** Whether this subgraph can serve now (its database answers): GET /readiness. */
  ready: () => Promise<boolean>;
  /** Who may read GET /metrics (METRICS_TOKEN; production needs one). */
  metrics: MetricsAccess;
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
  const schema = await definition.buildSchema(options.mode);
  const server = new ApolloServer<SubgraphContext<TServices>>({
    schema,
    formatError: formatSubgraphError,
    includeStacktraceInErrorResponses: false,
    // The process's own shutdown (runtime/lifecycle) stops this server with everything else;
    // Apollo's handler would stop it a second time and then re-send the signal to the process.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      {
        async requestDidStart() {
          return {
            async willSendResponse({ contextValue, operationName, operation, response }) {
              const root = operation?.selectionSet.selections[0];
              const name = operationName ?? (root?.kind === 'Field' ? root.name.value : 'anonymous');
              const scope = requestScope.getStore();
              if (scope) scope.operation = name;
              if (response.body.kind === 'single')
                noteCodes(
                  (response.body.singleResult.errors ?? []).map((error) => error.extensions?.code as string),
                );
              if (!definition.afterOperation || !contextValue.services) return;
              try {
                await definition.afterOperation(contextValue.services, name);
              } catch (error) {
                // An unrecorded read must not reach the partner: answer an error instead of the data.
                log().error('partner read not recorded', { error });
                if (response.body.kind === 'single') {
                  response.body.singleResult = {
                    errors: [
                      new GraphQLError('Internal server error', {
                        extensions: { code: 'INTERNAL_SERVER_ERROR' },
                      }),
                    ],
                  };
                }
              }
            },
          };
        },
      },
    ],
    // The gateway composes from `_service`; only callers with its credential get this far.
    introspection: true,
  });
  const contextOf = async (authorization: string | undefined) => {
    const viewer = viewerOf(options.authSecret, authorization);
    return { viewer, services: definition.createServices(options.repos, viewer, options.mode) };
  };
  const context = (req: http.IncomingMessage) => contextOf(req.headers.authorization);
  // Apollo's standalone server answers a body it cannot read with an HTML page and a stack trace.
  const routes = definition.routes ?? {};
  const checkSubscription = subscriptionChecker(schema);
  // Checked once per request (its log scope and its handling both ask).
  const checkedCredentials = new WeakMap<http.IncomingMessage, boolean>();
  const fromGateway = (req: http.IncomingMessage) => {
    let valid = checkedCredentials.get(req);
    if (valid === undefined) {
      valid = isValidGatewayCredential(
        options.gatewaySecret,
        req.headers[gatewayCredentialHeader],
        Date.now(),
      );
      checkedCredentials.set(req, valid);
    }
    return valid;
  };
  const httpServer = http.createServer(
    observeRequests(
      definition.name,
      options.metrics,
      (req, res) => {
        // Before the body is read: a caller other than the gateway learns nothing, not even the schema.
        if (!fromGateway(req)) return void send(res, notFromGateway(), true);
        const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
        const route = routes[pathname];
        if (pathname === readinessCheckPath) void answerReadiness(options.ready, res);
        else if (route) void serveRoute(route, req, res, options);
        else if (isEventStreamRequest(req))
          void streamSubscription(schema, checkSubscription, req, res, context);
        else void respond(server, req, res, context);
      },
      fromGateway,
    ),
  );
  httpServer.on('clientError', answerClientError);
  server.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer }));
  await server.start();
  // A deep accept queue: a gateway opens one stream per subscription, thousands at once after a restart.
  const { port } = await listen(httpServer, {
    port: options.port,
    host: options.host ?? '127.0.0.1',
    backlog: 4096,
  });
  // The gateway's subscription relay: many subscriptions over one socket. Attached once listening,
  // so a taken port is reported once (by `listen`), not again by the WebSocket server.
  const graphqlWs = serveGraphqlWs(httpServer, schema, checkSubscription, contextOf, fromGateway);
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      await graphqlWs.close();
      await server.stop();
    },
  };
}

async function answerReadiness(ready: () => Promise<boolean>, res: http.ServerResponse): Promise<void> {
  const isReady = await ready().catch(() => false);
  await send(
    res,
    isReady
      ? {
          status: 200,
          headers: [['content-type', 'application/json; charset=utf-8']],
          body: '{"ready":true}',
        }
      : refusal(503, 'SERVICE_UNAVAILABLE', 'database unreachable'),
  );
}

/** A subscription over SSE: a bad token or body is answered as JSON, like any other request. */
async function streamSubscription<TContext>(
  schema: GraphQLSchema,
  check: ReturnType<typeof subscriptionChecker>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  context: (req: http.IncomingMessage) => Promise<TContext>,
): Promise<void> {
  try {
    const body = await readBody(req);
    if (body === undefined)
      return await send(res, refusal(413, 'REQUEST_ENTITY_TOO_LARGE', 'Request body too large'));
    const request = subscriptionRequestOf(req, body);
    if (!request) return await send(res, refusal(400, 'BAD_REQUEST', 'Send query and variables as JSON'));
    let contextValue: TContext;
    try {
      contextValue = await context(req);
    } catch (error) {
      if (error instanceof GraphQLError)
        return await send(res, refusal(401, 'UNAUTHENTICATED', error.message));
      throw error;
    }
    await serveSubscription(schema, check, request, res, contextValue);
  } catch (error) {
    log().error('request failed', { error });
    if (res.headersSent) res.destroy();
    else await send(res, refusal(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
  }
}

interface Reply {
  status: number;
  headers: Iterable<[string, string]>;
  body: string | AsyncIterable<string>;
  /** A refusal's error code (for the request's log line and metrics). */
  code?: string;
}

const maxBodyBytes = 50 * 1024 * 1024; // as Apollo's standalone server

async function serveRoute(
  route: HttpRoute,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: ServeOptions,
): Promise<void> {
  try {
    const body = await readBody(req);
    if (body === undefined)
      return await send(res, refusal(413, 'REQUEST_ENTITY_TOO_LARGE', 'Request body too large'));
    const reply = await route(
      { method: req.method?.toUpperCase() ?? 'GET', headers: req.headers, body },
      { repos: options.repos, authSecret: options.authSecret },
    );
    await send(res, {
      status: reply.status,
      headers: Object.entries({
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...reply.headers,
      }),
      body: JSON.stringify(reply.body),
    });
  } catch (error) {
    log().error('request failed', { error });
    if (res.headersSent) res.destroy();
    else await send(res, refusal(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
  }
}

/** Every answer is JSON with `extensions.code` on its errors, whatever went wrong. */
async function respond<TContext extends object>(
  server: ApolloServer<TContext>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  context: (req: http.IncomingMessage) => Promise<TContext>,
): Promise<void> {
  try {
    await send(res, await handle(server, req, context));
  } catch (error) {
    log().error('request failed', { error });
    if (res.headersSent) res.destroy();
    else await send(res, refusal(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
  }
}

async function handle<TContext extends object>(
  server: ApolloServer<TContext>,
  req: http.IncomingMessage,
  context: (req: http.IncomingMessage) => Promise<TContext>,
): Promise<Reply> {
  const raw = await readBody(req);
  if (raw === undefined) return refusal(413, 'REQUEST_ENTITY_TOO_LARGE', 'Request body too large');
  let body: unknown;
  if (/^application\/json\b/i.test(req.headers['content-type'] ?? '') && raw !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      return refusal(400, 'BAD_REQUEST', 'POST body sent invalid JSON.');
    }
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const request: HTTPGraphQLRequest = {
    method: req.method?.toUpperCase() ?? 'GET',
    headers,
    search: new URL(req.url ?? '/', 'http://localhost').search,
    body,
  };
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: request,
    context: () => context(req),
  });
  return {
    status: response.status ?? 200,
    headers: response.headers,
    body: response.body.kind === 'complete' ? response.body.string : response.body.asyncIterator,
  };
}

/** The body as text, or undefined past the limit (read to the end so the answer can still be sent). */
async function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBodyBytes) chunks.push(chunk);
  }
  return size > maxBodyBytes ? undefined : Buffer.concat(chunks).toString('utf8');
}

function notFromGateway(): Reply {
  return refusal(401, 'GATEWAY_CREDENTIAL_REQUIRED', 'This service answers the gateway only');
}

function refusal(status: number, code: string, message: string): Reply {
  return {
    status,
    code,
    headers: [['content-type', 'application/json; charset=utf-8']],
    body: refusalBody(code, message),
  };
}

/** `close`: the request's body is not read, so the connection is not kept for another request. */
async function send(res: http.ServerResponse, reply: Reply, close = false): Promise<void> {
  if (reply.code) noteCodes([reply.code]);
  res.statusCode = reply.status;
  if (close) res.setHeader('connection', 'close');
  for (const [key, value] of reply.headers) res.setHeader(key, value);
  if (typeof reply.body === 'string') {
    res.end(reply.body);
    return;
  }
  for await (const chunk of reply.body) res.write(chunk);
  res.end();
}
