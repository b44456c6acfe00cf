import {
  buildASTSchema,
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  print,
} from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { GatewayCredentialSigner } from '../auth/gateway-credential';
import { codedGraphQLError } from '../errors';
import { operationAlone, perOperation, subgraphServingAlone } from './subgraph-serving-alone';

/** Results held for a client that reads slower than they come; past it, the client resumes by cursor. */
const maxQueuedResults = 1_000;
/** The upstream socket is pinged this often, and closed when a pong (or the ack) is this late. */
const keepAliveMs = 10_000;
const answerWithinMs = 5_000;

/** Where a subscription is relayed, and what is sent there: its operation and the fragments it uses. */
export interface RelayRoute {
  subgraph: string;
  query: string;
  operationName: string | undefined;
}

export interface RelayedSubscription {
  variables: Record<string, unknown> | undefined;
  /** The client's own Authorization header value, checked again by the subgraph. */
  authorization: string | undefined;
}

const failure = (message: string, code: string): ExecutionResult => ({
  errors: [codedGraphQLError(message, code)],
});

/**
 * The subgraph's errors as GraphQLErrors again, so the runtime passes them on as they are (it masks
 * anything else as unexpected).
 */
function revived(result: {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}): ExecutionResult {
  if (!result.errors) return result as ExecutionResult;
  return {
    ...result,
    errors: result.errors.map(
      (error) => new GraphQLError(error.message, { path: error.path, extensions: error.extensions }),
    ),
  };
}

/**
 * Subscriptions that one subgraph answers alone go to it over one shared WebSocket per subgraph
 * (graphql-ws, each subscription with its client's token), and its results are passed on as they
 * are: the query planner would add nothing. The gateway then holds no upstream connection per
 * subscriber. Other subscriptions stay with the runtime's own executor.
 */
export class SubscriptionRelay {
  private readonly supergraph: GraphQLSchema;
  private readonly clients = new Map<string, Client>();
  private readonly routes = perOperation((document, operationName) => this.decide(document, operationName));
  /** How to end each running subscription (on shutdown). */
  private readonly running = new Set<(last: ExecutionResult) => void>();
  /** Set by `dispose`: what every subscription from then on ends with. */
  private closing: ExecutionResult | undefined;

  constructor(
    supergraphSdl: string,
    private readonly subgraphUrls: ReadonlyMap<string, string>,
    private readonly credential: GatewayCredentialSigner,
  ) {
    this.supergraph = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  }

  /** Where to relay this operation: a subscription one subgraph answers alone; else undefined (the runtime executes it). */
  routeOf(document: DocumentNode, operationName: string | null | undefined): RelayRoute | undefined {
    return this.routes(document, operationName) ?? undefined;
  }

  subscribe(route: RelayRoute, request: RelayedSubscription): AsyncIterableIterator<ExecutionResult> {
    // Once disposing, a new subscription ends at once (no new upstream socket the shutdown misses).
    if (this.closing)
      return (async function* (last: ExecutionResult) {
        yield last;
      })(this.closing);
    const { subgraph } = route;
    const queued: ExecutionResult[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const settle = () => {
      const waiting = wake;
      wake = undefined;
      waiting?.();
    };
    const end = (last?: ExecutionResult) => {
      if (ended) return;
      if (last) queued.push(last);
      ended = true;
      this.running.delete(end);
      settle();
    };
    this.running.add(end);
    const unsubscribe = this.clientFor(subgraph).subscribe(
      {
        query: route.query,
        variables: request.variables,
        operationName: route.operationName,
        extensions: request.authorization ? { authorization: request.authorization } : undefined,
      },
      {
        next: (result) => {
          if (ended) return;
          if (queued.length >= maxQueuedResults) {
            unsubscribe();
            return end(
              failure(
                'Updates came faster than they were read: resume with your last cursor',
                'SUBSCRIPTION_LAGGING',
              ),
            );
          }
          queued.push(revived(result));
          settle();
        },
        // An error message of the subgraph (a refused operation), or its socket gone.
        error: (error) =>
          end(
            Array.isArray(error)
              ? revived({ errors: error as GraphQLFormattedError[] })
              : failure(
                  `The ${subgraph} subgraph went away: resubscribe with your last cursor`,
                  'SERVICE_UNAVAILABLE',
                ),
          ),
        complete: () => end(),
      },
    );
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        while (queued.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
        const value = queued.shift();
        return value ? { value, done: false } : { value: undefined, done: true };
      },
      async return() {
        unsubscribe();
        queued.length = 0;
        end();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Ends every relayed subscription with SERVICE_UNAVAILABLE (clients resume by cursor), then the sockets. */
  async dispose(): Promise<void> {
    const closing = failure(
      'The gateway is shutting down: resubscribe with your last cursor',
      'SERVICE_UNAVAILABLE',
    );
    this.closing = closing;
    for (const end of [...this.running]) end(closing);
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }

  private clientFor(subgraph: string): Client {
    let client = this.clients.get(subgraph);
    if (!client) {
      let late: NodeJS.Timeout | undefined;
      const created = createClient({
        url: this.subgraphUrls.get(subgraph)!.replace(/^http/, 'ws'),
        webSocketImpl: this.signedWebSocket(),
        lazy: true,
        // A resubscription would replay from the first cursor: clients resume by their own.
        retryAttempts: 0,
        keepAlive: keepAliveMs,
        connectionAckWaitTimeout: answerWithinMs,
        on: {
          // A hung subgraph keeps its socket open: no pong in time ends its streams all the same.
          ping: (received) => {
            if (!received) late ??= setTimeout(() => created.terminate(), answerWithinMs).unref();
          },
          pong: () => {
            clearTimeout(late);
            late = undefined;
          },
          closed: () => {
            clearTimeout(late);
            late = undefined;
          },
        },
      });
      client = created;
      this.clients.set(subgraph, client);
    }
    return client;
  }

  /** A WebSocket whose upgrade request carries the gateway's credential (read by the subgraph once). */
  private signedWebSocket(): unknown {
    const credential = this.credential;
    return class SignedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: credential.headers() });
      }
    };
  }

  private decide(document: DocumentNode, operationName: string | null | undefined): RelayRoute | null {
    const operation = getOperationAST(document, operationName);
    if (operation?.operation !== 'subscription') return null;
    const subgraph = subgraphServingAlone(this.supergraph, document, operationName);
    if (!subgraph || !this.subgraphUrls.has(subgraph)) return null;
    const query = print(operationAlone(document, operation));
    return { subgraph, query, operationName: operationName ?? undefined };
  }
}
