import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { SubscriptionRelay } from './subscription-relay';

/**
 * Subscriptions one subgraph answers alone go through the relay (one shared upstream socket), over
 * both transports (graphql-ws and SSE). It runs after the runtime's own hook, so its choice stands.
 */
export function useSubscriptionRelay(relay: SubscriptionRelay): GatewayPlugin {
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const subgraph = relay.subgraphFor(args.document, args.operationName);
      if (!subgraph) return;
      setSubscribeFn((subscribeArgs) => {
        const request = (subscribeArgs.contextValue as { request?: Request }).request;
        return relay.subscribe(subgraph, {
          document: subscribeArgs.document,
          variables: subscribeArgs.variableValues ?? undefined,
          operationName: subscribeArgs.operationName,
          authorization: request?.headers.get('authorization') ?? undefined,
        });
      });
    },
    onDispose: () => relay.dispose(),
  };
}
