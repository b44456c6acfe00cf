import type http from 'node:http';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import { formatted, startSubscription, type subscriptionChecker } from './subscription-source';

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
 * this is the one the gateway's query planner speaks to subgraphs. Errors carry `extensions.code`
 * like every answer.
 */
export async function serveSubscription<TContext>(
  schema: GraphQLSchema,
  check: ReturnType<typeof subscriptionChecker>,
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
  const checked = check(request.query, request.operationName);
  if ('errors' in checked) {
    next({ errors: checked.errors });
    return complete();
  }
  // A client gone while the subscription starts (its first reads) must still end it.
  let gone = false;
  res.once('close', () => (gone = true));
  const result = await startSubscription({
    schema,
    document: checked.document,
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
  } finally {
    clearInterval(heartbeat);
    if (!res.destroyed && !res.writableEnded) complete();
  }
}
