import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { SubscriptionRelay } from './subscription-relay';

/**
 * Subscriptions one subgraph answers alone go through the relay (one shared upstream socket), over
 * both transports (graphql-ws and SSE). It runs after the runtime's own hook, so its choice stands.
 */
export function useSubscriptionRelay(relay: SubscriptionRelay): GatewayPlugin {
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const route = relay.routeOf(args.document, args.operationName);
      if (!route) return;
      setSubscribeFn((subscribeArgs) => {
        const request = (subscribeArgs.contextValue as { request?: Request }).request;
        return relay.subscribe(route, {
          variables: subscribeArgs.variableValues ?? undefined,
          authorization: request?.headers.get('authorization') ?? undefined,
        });
      });
    },
  };
}
