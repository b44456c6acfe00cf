import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { requestIdHeader, requestScope } from '../observability/request-scope';

/** Every subgraph call carries the request's id, so the subgraphs' log lines share it. */
export function useRequestId(): GatewayPlugin {
  return {
    onFetch({ options }) {
      const scope = requestScope.getStore();
      if (!scope) return;
      const headers = (options.headers ??= {}) as Record<string, string>;
      headers[requestIdHeader] = scope.requestId;
    },
  };
}
