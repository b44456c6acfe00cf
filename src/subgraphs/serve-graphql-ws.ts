import type http from 'node:http';
import { type ExecutionArgs, type ExecutionResult, GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { codedGraphQLError } from '../errors';
import { formatted, startSubscription, type subscriptionChecker } from './subscription-source';
import { log } from '../observability/log';

/**
 * Subscriptions over one WebSocket for many (graphql-transport-ws): the gateway's relay sends every
 * subscription of its clients through one socket, each with the client's own token in its
 * `extensions.authorization` (checked here as the HTTP Authorization header is). A failure while a
 * stream runs (token expiry, a binding ended) is sent as a last result with its code, then complete,
 * as the SSE transport does: the socket and its other subscriptions go on.
 */
export function serveGraphqlWs<TContext>(
  server: http.Server,
  schema: GraphQLSchema,
  check: ReturnType<typeof subscriptionChecker>,
  context: (authorization: string | undefined) => Promise<TContext>,
  fromGateway: (req: http.IncomingMessage) => boolean,
): { close(): Promise<void> } {
  // The upgrade carries the gateway's credential like any request: others are refused before the socket opens.
  const wsServer = new WebSocketServer({
    server,
    verifyClient: ({ req }: { req: http.IncomingMessage }) => fromGateway(req),
  });
  const cleanup = useServer(
    {
      schema,
      onSubscribe: async (_ctx, _id, payload) => {
        const checked = check(payload.query, payload.operationName);
        if ('errors' in checked) return checked.errors;
        // Each subscription's own token, never the socket's: one socket carries many clients.
        const authorization = payload.extensions?.authorization;
        let contextValue: TContext;
        try {
          contextValue = await context(typeof authorization === 'string' ? authorization : undefined);
        } catch (error) {
          // The token check's own refusal, with its code (its HTTP status means nothing here).
          if (error instanceof GraphQLError && typeof error.extensions.code === 'string')
            return [codedGraphQLError(error.message, error.extensions.code)];
          // Anything else fails this subscription only: a throw here would close the shared socket.
          log().error('subscription context failed', { error });
          return [codedGraphQLError('Internal server error', 'INTERNAL_SERVER_ERROR')];
        }
        return {
          schema,
          document: checked.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        } satisfies ExecutionArgs;
      },
      subscribe: startSubscription,
      onNext: (_ctx, _id, _payload, _args, result) => formatted(result as ExecutionResult) as never,
    },
    wsServer,
  );
  return {
    async close() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
