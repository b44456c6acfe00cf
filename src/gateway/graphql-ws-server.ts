import type http from 'node:http';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { type ExecutionArgs, getOperationAST, GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { isAsyncIterable } from '@graphql-tools/utils';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { InvalidTokenError, type Viewer, viewerFromAuthorization } from '../auth/token';
import { codedGraphQLError } from '../errors';
import { recordAnswered } from '../observability/request-record';
import type { RelayRoute, SubscriptionRelay } from './subscription-relay';
import { documentToRun, type TrustedDocuments, trustedDocumentRefusals } from './trusted-documents';
import { codeErrors } from './use-error-codes';
import type { AppMode, GatewayLimits } from '../config';
import { rateLimitRetryAfterSeconds, type RequestCounter } from './request-counter';
import { type FairShare, fairShareKey } from './fair-share';

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
  /** Whose fair share an execution takes, and how many may run at once. */
  caller: { key: string; inFlight: number };
};

/** A subscription one subgraph answers alone: relayed, holding nothing of the runtime's. */
type Relayed = { route: RelayRoute; authorization: string | undefined };

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
    fairShare: FairShare;
    limits: Pick<
      GatewayLimits,
      | 'viewerRequestsPerMinute'
      | 'addressRequestsPerMinute'
      | 'maxSubscriptionsPerSocket'
      | 'inFlightPerCaller'
      | 'inFlightPerPartner'
      | 'responseDeadlineMs'
    >;
  },
): { close(): Promise<void> } {
  const wsServer = new WebSocketServer({ server, path: options.path });
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
    if ((await rateLimitRetryAfterSeconds(options.counter, limits, caller, Date.now())) !== undefined)
      return codedGraphQLError('Too many requests: retry within a minute', 'RATE_LIMITED');
    const waitMs = options.fairShare.timeWaitMs(fairShareKey(viewer, address));
    if (waitMs > limits.responseDeadlineMs)
      return codedGraphQLError(
        `Your requests took more than your share of the gateway's time: retry in ${Math.ceil(waitMs / 1000)} s`,
        'RATE_LIMITED',
      );
    if (operations > limits.maxSubscriptionsPerSocket)
      return codedGraphQLError(
        `Too many operations on this socket: ${limits.maxSubscriptionsPerSocket} at most; complete one first`,
        'CONCURRENCY_LIMITED',
      );
    return undefined;
  };
  // When each accepted operation of a socket started, until it is recorded.
  const starts = new WeakMap<object, Map<string, number>>();
  const startedAt = (ctx: object) => {
    let byId = starts.get(ctx);
    if (!byId) starts.set(ctx, (byId = new Map()));
    return byId;
  };
  /**
   * One operation over a socket, as an HTTP request is recorded: its log line and metrics, under an
   * id of its own. Refusals count as rejections (429 for the limits, 400 for the rest).
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
  const serverCleanup = useServer<ConnectionParams>(
    {
      // As over HTTP, clients get codes, never internals; and an HTTP status means nothing here.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? {
              ...result,
              errors: codeErrors(result).errors!.map((error) => {
                const { http: _status, ...extensions } = error.extensions ?? {};
                return { ...error.toJSON(), extensions };
              }),
            }
          : undefined,
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
        const slot = await options.fairShare.acquireWithin(
          root.caller.key,
          options.limits.responseDeadlineMs,
          undefined,
          root.caller.inFlight,
        );
        if (slot === 'queue full')
          return {
            errors: [
              codedGraphQLError('Too many requests at once: wait for one to finish', 'CONCURRENCY_LIMITED'),
            ],
          } as never;
        if (slot === 'waited too long')
          return {
            errors: [
              codedGraphQLError(
                `Waited ${options.limits.responseDeadlineMs} ms for your share of the gateway's time: retry later`,
                'RATE_LIMITED',
              ),
            ],
          } as never;
        const release = slot;
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
      onSubscribe: async (ctx, id, payload) => {
        const startedAtMs = performance.now();
        const answer = await (async () => {
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
            if (error instanceof GraphQLError && typeof error.extensions.code === 'string') {
              const { code, http: _status, ...details } = error.extensions;
              return [codedGraphQLError(error.message, code, details)];
            }
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
            const relayed: Relayed = { route, authorization };
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
              caller: {
                key: fairShareKey(viewer, ctx.extra.request.socket.remoteAddress),
                inFlight:
                  viewer?.partnerId !== undefined
                    ? options.limits.inFlightPerPartner
                    : options.limits.inFlightPerCaller,
              },
            } satisfies Runners,
          } as ExecutionArgs;
        })();
        // A refusal is this operation's whole answer; an accepted one is recorded by onOperation.
        if (Array.isArray(answer))
          recordOperation(startedAtMs, payload.operationName ?? undefined, answer, true);
        else startedAt(ctx).set(id, startedAtMs);
        return answer;
      },
      onOperation: async (ctx, id, _payload, args, result) => {
        // A subscription is recorded once it starts; a query or mutation with its result.
        const started = startedAt(ctx);
        const startedAtMs = started.get(id) ?? performance.now();
        started.delete(id);
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
