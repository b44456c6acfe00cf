import type http from 'node:http';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import {
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLErrorExtensions,
} from 'graphql';
import { randomUUID } from 'node:crypto';
import { isAsyncIterable } from '@graphql-tools/utils';
import type { Context, SubscribePayload } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { InvalidTokenError, type Viewer, viewerFromAuthorization } from '../auth/token';
import { codedGraphQLError, refusalBody } from '../errors';
import { rejectionsTotal } from '../observability/metrics';
import { OpenSocketsByAddress } from './open-sockets-by-address';
import { recordAnswered } from '../observability/request-record';
import type { RelayRoute, SubscriptionRelay } from './subscription-relay';
import { type CostExtension, costEstimator, costRefusal, withCost } from './use-demand-control';
import { documentToRun, type TrustedDocuments, trustedDocumentRefusals } from './trusted-documents';
import { codeErrors } from './use-error-codes';
import type { AppMode, GatewayLimits } from '../config';
import { rateLimitRetryAfterSeconds, type RequestCounter } from './request-counter';
import type { GatewayShare, ShareCaller } from './fair-share';

/** The HTTP status of a refusal over a socket, for its metrics and log line (else 400). */
const refusalStatus: Record<string, number> = {
  RATE_LIMITED: 429,
  CONCURRENCY_LIMITED: 429,
  UNAUTHENTICATED: 401,
  [trustedDocumentRefusals.ownDocument.code]: trustedDocumentRefusals.ownDocument.status,
};

type ConnectionParams = Record<string, unknown> & {
  authorization?: unknown;
};

type Runners = {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
  /** Whose fair share an execution takes. */
  caller: ShareCaller;
  /** When its subscribe message came, for its log line and metrics. */
  startedAtMs: number;
};

/** An error's extensions as a socket sends them: an HTTP status means nothing there. */
function withoutHttpStatus(extensions: GraphQLErrorExtensions): GraphQLErrorExtensions {
  const { http: _status, ...rest } = extensions;
  return rest;
}

/** A subscription one subgraph answers alone: relayed, holding nothing of the runtime's. */
type Relayed = {
  route: RelayRoute;
  authorization: string | undefined;
  startedAtMs: number;
  /** Its estimate, for each event's `extensions.cost`. */
  cost: CostExtension;
};

/** What a refused upgrade is told to wait before trying again. */
const socketRefusalRetryAfterSeconds = 5;

/**
 * GraphQL over WebSocket (graphql-transport-ws, the graphql-ws library) on the gateway's endpoint,
 * executed by the same runtime and plugins as HTTP. The token comes in connectionParams
 * `{ authorization: "Bearer ..." }`; a malformed, forged or expired one closes the socket with 4403
 * before any operation, and a valid one is passed to the subgraphs like an HTTP Authorization header.
 * A subscription that one subgraph answers alone, once parsed and validated by the runtime, goes
 * straight to the relay: a subscriber then costs its socket and little more.
 */
export function serveGraphqlWs(
  server: http.Server,
  gateway: GatewayRuntime,
  options: {
    path: string;
    authSecret: string;
    relay: SubscriptionRelay;
    mode: AppMode;
    trustedDocuments: TrustedDocuments;
    /** Subscribe messages count against the same per-minute limits as HTTP requests. */
    counter: RequestCounter;
    /** The process's fair share: a query or mutation over a socket takes a slot like one over HTTP. */
    fairShare: GatewayShare;
    limits: Pick<
      GatewayLimits,
      | 'viewerRequestsPerMinute'
      | 'addressRequestsPerMinute'
      | 'maxSubscriptionsPerSocket'
      | 'maxWebSocketsPerAddress'
      | 'maxCost'
      | 'listSize'
    >;
  },
): { close(): Promise<void> } {
  const socketsOpen = new OpenSocketsByAddress(options.limits.maxWebSocketsPerAddress);
  const wsServer = new WebSocketServer({
    server,
    path: options.path,
    // Refused before the upgrade: a socket costs memory and an upstream relay for as long as it lives.
    verifyClient: ({ req }: { req: http.IncomingMessage }, accept) => {
      const refusal = socketsOpen.refusal(req.socket.remoteAddress);
      if (!refusal) return accept(true);
      rejectionsTotal.inc({ reason: 'CONCURRENCY_LIMITED' });
      accept(false, 429, refusalBody('CONCURRENCY_LIMITED', refusal), {
        'Content-Type': 'application/json; charset=utf-8',
        // As the other 429s; a slot frees only when one of the address's sockets closes.
        'Retry-After': String(socketRefusalRetryAfterSeconds),
      });
    },
  });
  wsServer.on('connection', (socket, req) => socketsOpen.track(socket, req.socket.remoteAddress));
  // The relay skips the runtime's plugins: demand control for what it serves is applied here.
  const estimateCost = costEstimator(options.limits);
  const authorizationOf = (params: ConnectionParams | undefined) =>
    typeof params?.authorization === 'string' ? params.authorization : undefined;
  // The socket's viewer, verified once at connect (a subscribe then only checks its expiry).
  const viewers = new WeakMap<object, Viewer | undefined>();
  /**
   * The refusal for one more subscribe message on this socket, if any: the rate limits, the
   * caller's time share, then the socket's operations (graphql-ws keeps them by id, this one
   * included). The same rules as over HTTP.
   */
  const refusal = async (operations: number, viewer: Viewer | undefined, address: string | undefined) => {
    const { limits } = options;
    const caller = { viewer, address };
    const retryAfterSeconds = await rateLimitRetryAfterSeconds(options.counter, limits, caller, Date.now());
    if (retryAfterSeconds !== undefined)
      return codedGraphQLError(`Too many requests: retry in ${retryAfterSeconds} s`, 'RATE_LIMITED');
    const overShare = options.fairShare.overShare(caller);
    if (overShare) return codedGraphQLError(overShare.message, overShare.code);
    if (operations > limits.maxSubscriptionsPerSocket)
      return codedGraphQLError(
        `Too many operations on this socket: ${limits.maxSubscriptionsPerSocket} at most; complete one first`,
        'CONCURRENCY_LIMITED',
      );
    return undefined;
  };
  /**
   * One operation over a socket, as an HTTP request is recorded: its log line and metrics, under an
   * id of its own, with the status the same answer has over HTTP.
   */
  const recordOperation = (
    startedAtMs: number,
    operation: string | undefined,
    errors: readonly { extensions?: Record<string, unknown> }[],
    refused: boolean,
  ) => {
    const codes = errors
      .map((error) => error.extensions?.code)
      .filter((code): code is string => typeof code === 'string');
    // The status the same answer would have over HTTP: a refusal's by its code; an operation that
    // ran answers 200 unless an error carries its own (a deadline's 504).
    const ownStatus = errors
      .map((error) => (error.extensions?.http as { status?: unknown } | undefined)?.status)
      .find((status): status is number => typeof status === 'number');
    const status = refused ? (refusalStatus[codes[0] ?? ''] ?? 400) : (ownStatus ?? 200);
    recordAnswered(
      {
        requestId: randomUUID(),
        startedAtMs,
        path: `${options.path} (graphql-ws)`,
        ...(operation ? { operation } : {}),
        ...(codes.length > 0 ? { codes } : {}),
      },
      { method: 'WS', status, counted: true },
    );
  };
  /**
   * What one subscribe message runs, or why not: the limits, the token's expiry, the document
   * (trusted documents as over HTTP), parsing and validation, then the relay or the runtime.
   */
  const operationArgs = async (
    ctx: Context<ConnectionParams, Extra>,
    payload: SubscribePayload,
    startedAtMs: number,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    // Limits first: a refused message costs no parse and holds nothing.
    const refused = await refusal(
      Object.keys(ctx.subscriptions).length,
      viewers.get(ctx),
      ctx.extra.request.socket.remoteAddress,
    );
    if (refused) return [refused];
    // The runtime loads the supergraph on first use: a socket may come before any HTTP request.
    await gateway.getSchema();
    const authorization = authorizationOf(ctx.connectionParams);
    const request = new Request(`http://localhost${options.path}`, {
      method: 'POST',
      headers: authorization ? { authorization } : {},
    });
    const { schema, execute, subscribe, contextFactory, parse, validate } = gateway.getEnveloped({
      ...ctx,
      request,
      params: payload,
    });
    // Trusted documents as over HTTP: by id, and in production a first-party caller's only kind.
    const viewer = viewers.get(ctx);
    // The socket's token expired since it connected: this subscription is refused, the others go on.
    if (viewer?.expiresAtMs !== undefined && viewer.expiresAtMs <= Date.now())
      return [codedGraphQLError('Invalid token: jwt expired', 'UNAUTHENTICATED')];
    const toRun = documentToRun(options.trustedDocuments, options.mode, viewer, payload);
    if ('code' in toRun) return [codedGraphQLError(toRun.message, toRun.code)];
    // A bad document refuses this operation with a code; it must not close the socket's others.
    let document;
    try {
      document = parse(toRun.query);
    } catch (error) {
      // The operation limits refuse here too, with their own codes (without Yoga's HTTP status).
      if (error instanceof GraphQLError && typeof error.extensions.code === 'string')
        return [new GraphQLError(error.message, { extensions: withoutHttpStatus(error.extensions) })];
      return [codedGraphQLError((error as Error).message, 'GRAPHQL_PARSE_FAILED')];
    }
    const errors = validate(schema, document);
    if (errors.length > 0)
      return errors.map((error: GraphQLError) =>
        codedGraphQLError(error.message, 'GRAPHQL_VALIDATION_FAILED'),
      );
    // graphql-ws would answer "Unable to identify operation" without a code (and never say
    // it ran): refuse it here, coded.
    if (!getOperationAST(document, payload.operationName))
      return [
        codedGraphQLError(
          "operationName must name one of the document's operations",
          'OPERATION_RESOLUTION_FAILURE',
        ),
      ];
    const route = options.relay.routeOf(document, payload.operationName);
    if (route) {
      const cost = estimateCost({
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
      });
      const refused = costRefusal(cost);
      if (refused)
        return refused.errors!.map(
          (error) => new GraphQLError(error.message, { extensions: withoutHttpStatus(error.extensions) }),
        );
      const relayed: Relayed = { route, authorization, startedAtMs, cost };
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        rootValue: relayed,
      } as ExecutionArgs;
    }
    return {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: await contextFactory(),
      rootValue: {
        execute,
        subscribe,
        caller: { viewer, address: ctx.extra.request.socket.remoteAddress },
        startedAtMs,
      } satisfies Runners,
    } as ExecutionArgs;
  };
  const serverCleanup = useServer<ConnectionParams>(
    {
      // As over HTTP, clients get codes, never internals; and an HTTP status means nothing here.
      onNext: (_ctx, _id, _payload, args, result) => {
        const relayedCost = (args.rootValue as Partial<Relayed> | undefined)?.cost;
        if (relayedCost) result = withCost(result as ExecutionResult, relayedCost) as typeof result;
        return result.errors
          ? {
              ...result,
              errors: codeErrors(result).errors!.map((error) => ({
                ...error.toJSON(),
                extensions: withoutHttpStatus(error.extensions ?? {}),
              })),
            }
          : relayedCost
            ? result
            : undefined;
      },
      onConnect: (ctx) => {
        try {
          viewers.set(
            ctx,
            viewerFromAuthorization(options.authSecret, authorizationOf(ctx.connectionParams)),
          );
          return true;
        } catch (error) {
          if (error instanceof InvalidTokenError) return false;
          throw error;
        }
      },
      // A query or mutation takes a slot of the caller's fair share while it runs, as over HTTP.
      execute: async (args) => {
        const root = args.rootValue as Runners;
        const turn = await options.fairShare.take(root.caller);
        if (typeof turn !== 'function')
          return { errors: [codedGraphQLError(turn.message, turn.code)] } as never;
        const release = turn;
        try {
          return (await root.execute(args)) as never;
        } finally {
          release();
        }
      },
      subscribe: (args) => {
        const root = args.rootValue as Runners | Relayed;
        if ('route' in root)
          return options.relay.subscribe(root.route, {
            variables: args.variableValues ?? undefined,
            authorization: root.authorization,
          }) as never;
        return root.subscribe(args) as never;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const startedAtMs = performance.now();
        const answer = await operationArgs(ctx, payload, startedAtMs);
        // A refusal is this operation's whole answer; an accepted one is recorded by onOperation.
        if (Array.isArray(answer))
          recordOperation(startedAtMs, payload.operationName ?? undefined, answer, true);
        return answer;
      },
      onOperation: async (_ctx, _id, _payload, args, result) => {
        // A subscription is recorded once it starts; a query or mutation with its result.
        const { startedAtMs } = args.rootValue as Runners | Relayed;
        const settled = await result;
        const operation = getOperationAST(args.document, args.operationName)?.name?.value;
        recordOperation(
          startedAtMs,
          operation,
          isAsyncIterable(settled) ? [] : (settled.errors ?? []),
          false,
        );
      },
    },
    wsServer,
  );
  return {
    async close() {
      await serverCleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
