import type http from 'node:http';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  parse,
  subscribe,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { formatted } from './serve-subscription';

/** Documents kept parsed and validated: a gateway sends the same few for thousands of subscriptions. */
const documentsKept = 500;

type Checked = { document: DocumentNode } | { errors: GraphQLError[] };

const coded = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

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
  context: (authorization: string | undefined) => Promise<TContext>,
): { close(): Promise<void> } {
  const wsServer = new WebSocketServer({ server });
  const kept = new Map<string, Checked>();
  const check = (query: string): Checked => {
    let checked = kept.get(query);
    if (checked) return checked;
    try {
      const document = parse(query);
      const invalid = validate(schema, document);
      checked =
        invalid.length > 0
          ? { errors: invalid.map((error) => coded(error.message, 'GRAPHQL_VALIDATION_FAILED')) }
          : { document };
    } catch (error) {
      checked = { errors: [coded((error as Error).message, 'GRAPHQL_PARSE_FAILED')] };
    }
    if (kept.size >= documentsKept) kept.delete(kept.keys().next().value!);
    kept.set(query, checked);
    return checked;
  };
  const cleanup = useServer(
    {
      schema,
      onSubscribe: async (_ctx, _id, payload) => {
        const checked = check(payload.query);
        if ('errors' in checked) return checked.errors;
        const operation = getOperationAST(checked.document, payload.operationName ?? undefined);
        if (operation?.operation !== 'subscription')
          return [coded('Only subscriptions are served over WebSocket', 'BAD_REQUEST')];
        // Each subscription's own token, never the socket's: one socket carries many clients.
        const authorization = payload.extensions?.authorization;
        let contextValue: TContext;
        try {
          contextValue = await context(typeof authorization === 'string' ? authorization : undefined);
        } catch (error) {
          if (error instanceof GraphQLError) return [coded(error.message, 'UNAUTHENTICATED')];
          // Anything else fails this subscription only: a throw here would close the shared socket.
          console.error(error);
          return [coded('Internal server error', 'INTERNAL_SERVER_ERROR')];
        }
        return {
          schema,
          document: checked.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        } satisfies ExecutionArgs;
      },
      subscribe: async (args) => {
        try {
          const result = await subscribe(args);
          return Symbol.asyncIterator in result ? endingWithResult(result) : result;
        } catch (error) {
          console.error(error);
          return { errors: [coded('Internal server error', 'INTERNAL_SERVER_ERROR')] };
        }
      },
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

/**
 * A stream's failure becomes its last result, so it reaches the client with its code. Written by
 * hand: a generator's return() would wait behind the next() that waits for an update, and a stream
 * the client left would live on until then.
 */
function endingWithResult(stream: AsyncGenerator<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  let done = false;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (done) return { value: undefined, done: true };
      try {
        const step = await stream.next();
        if (step.done) done = true;
        return step;
      } catch (error) {
        done = true;
        const failure = (error instanceof Error ? error : new Error(String(error))) as GraphQLError;
        return { value: { errors: [failure] }, done: false };
      }
    },
    async return() {
      done = true;
      await stream.return(undefined);
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
