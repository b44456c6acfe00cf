import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { trace } from '@opentelemetry/api';
import { log } from '../observability/log';
import { elapsedMs, maxLoggedNameLength, outcomeCode, requestScope } from '../observability/request-scope';
import { probePaths } from '../runtime/probe-paths';

/** One JSON log line per answered request (probes aside), with its id (also in the `x-request-id` response header). */
export function useAccessLog(): GatewayPlugin {
  return {
    onResponse({ request, response }) {
      const scope = requestScope.getStore();
      if (!scope || probePaths.has(scope.path) || !log().enabled('info')) return;
      const span = trace.getActiveSpan()?.spanContext();
      log().info('request', {
        requestId: scope.requestId,
        ...(span && span.traceFlags & 1 ? { traceId: span.traceId } : {}),
        method: request.method,
        path: scope.path,
        status: response.status,
        durationMs: elapsedMs(scope),
        operation: scope.operation?.slice(0, maxLoggedNameLength),
        code: outcomeCode(scope, response.status),
      });
    },
  };
}
