import type http from 'node:http';
import {
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  parse,
  subscribe,
  validate,
} from 'graphql';
import { formatSubgraphError } from './common/to-graphql-error';

/** A keep-alive comment now and then, so idle streams survive proxies. */
const heartbeatMs = 15_000;

export interface SubscriptionRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Subscriptions come as GET (the gateway's default) or POST, asking for text/event-stream. */
export function isEventStreamRequest(req: http.IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/event-stream');
}

export function subscriptionRequestOf(
  req: http.IncomingMessage,
  body: string,
): SubscriptionRequest | undefined {
  try {
    if (req.method?.toUpperCase() === 'GET') {
      const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const variables = params.get('variables');
      return {
        query: params.get('query') ?? '',
        variables: variables ? (JSON.parse(variables) as Record<string, unknown>) : null,
        operationName: params.get('operationName'),
      };
    }
    return JSON.parse(body) as SubscriptionRequest;
  } catch {
    return undefined;
  }
}

/**
 * Serves one subscription as Server-Sent Events (GraphQL over SSE, distinct connections mode): an
 * `event: next` per result, `event: complete` at the end. Apollo Server has no subscription transport;
 * this is the one the gateway speaks to subgraphs. Errors carry `extensions.code` like every answer.
 */
export async function serveSubscription<TContext>(
  schema: GraphQLSchema,
  request: SubscriptionRequest,
  res: http.ServerResponse,
  contextValue: TContext,
): Promise<void> {
  const open = () => {
    if (res.headersSent) return;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // Headers now, not with the first update: the client knows at once the stream is open.
    res.flushHeaders();
  };
  const next = (result: ExecutionResult) => {
    open();
    res.write(`event: next\ndata: ${JSON.stringify(formatted(result))}\n\n`);
  };
  const complete = () => {
    open();
    res.end('event: complete\ndata:\n\n');
  };
  const refuse = (message: string, code: string) => {
    next({ errors: [new GraphQLError(message, { extensions: { code } })] });
    complete();
  };
  let document;
  try {
    document = parse(request.query);
  } catch (error) {
    return refuse((error as Error).message, 'GRAPHQL_PARSE_FAILED');
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0)
    return refuse(invalid.map((e) => e.message).join('; '), 'GRAPHQL_VALIDATION_FAILED');
  if (getOperationAST(document, request.operationName ?? undefined)?.operation !== 'subscription') {
    return refuse('Only subscriptions are served as event streams', 'BAD_REQUEST');
  }
  // A client gone while the subscription starts (its first reads) must still end it.
  let gone = false;
  res.once('close', () => (gone = true));
  const result = await subscribe({
    schema,
    document,
    variableValues: request.variables ?? undefined,
    operationName: request.operationName ?? undefined,
    contextValue,
  });
  if (!(Symbol.asyncIterator in result)) {
    next(result);
    return complete();
  }
  if (gone) {
    await result.return?.();
    return;
  }
  // The client (the gateway) went away: end the source, which ends the loop below.
  res.on('close', () => void result.return?.());
  open();
  const heartbeat = setInterval(() => res.write(':\n\n'), heartbeatMs);
  try {
    for await (const value of result) {
      if (res.writableEnded || res.destroyed) break;
      next(value);
    }
  } catch (error) {
    if (!res.destroyed) next({ errors: [toGraphQLError(error)] });
  } finally {
    clearInterval(heartbeat);
    if (!res.destroyed && !res.writableEnded) complete();
  }
}

function toGraphQLError(error: unknown): GraphQLError {
  return (error instanceof Error ? error : new Error(String(error))) as GraphQLError;
}

/**
 * A result as it leaves a subgraph: every error with its `extensions.code`. graphql-js refuses
 * variables that do not fit with errors of no code and no path: BAD_USER_INPUT, as over HTTP.
 */
export function formatted(result: ExecutionResult): object {
  if (!result.errors) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      if (typeof (error as GraphQLError).toJSON !== 'function')
        return formatSubgraphError(
          { message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
          error,
        );
      const json = (error as GraphQLError).toJSON();
      if (!error.path && error instanceof GraphQLError && json.extensions?.code === undefined)
        return { ...json, extensions: { ...json.extensions, code: 'BAD_USER_INPUT' } };
      return formatSubgraphError(json, error);
    }),
  };
}
