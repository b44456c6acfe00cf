import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { isAsyncIterable } from '@graphql-tools/utils';
import type { ExecutionResult } from 'graphql';
import { metricsReply, type MetricsAccess } from '../observability/metrics-access';
import {
  operationLabel,
  rejectionsTotal,
  requestDurationSeconds,
  requestsTotal,
  subgraphCallDurationSeconds,
  subgraphCallsTotal,
} from '../observability/metrics';
import { elapsedMs, noteCodes, outcomeCode, requestScope } from '../observability/request-scope';
import { metricsPath } from '../runtime/probe-paths';
import { reachesGraphql } from './graphql-paths';

/**
 * GET /metrics, and what it shows of the gateway: requests by operation and outcome code, their
 * latency, refusals by code, and every subgraph call by subgraph and outcome.
 */
export function useMetrics(options: {
  access: MetricsAccess;
  subgraphs: readonly { name: string; url: string }[];
}): GatewayPlugin {
  const subgraphOf = (url: string) =>
    options.subgraphs.find((subgraph) => url.startsWith(subgraph.url))?.name ?? 'unknown';
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== metricsPath || request.method !== 'GET') return;
      const reply = await metricsReply(options.access, request.headers.get('authorization'));
      endResponse(
        new fetchAPI.Response(reply.body, {
          status: reply.status,
          headers: { 'content-type': reply.contentType, 'cache-control': 'no-store' },
        }),
      );
    },
    onParams({ params }) {
      const scope = requestScope.getStore();
      if (scope && typeof params.operationName === 'string') scope.operation = params.operationName;
    },
    onResultProcess({ result }) {
      if (isAsyncIterable(result)) return;
      const results: ExecutionResult[] = Array.isArray(result) ? result : [result as ExecutionResult];
      noteCodes(
        results.flatMap((one) => (one.errors ?? []).map((error) => error.extensions?.code as string)),
      );
    },
    onFetch({ url, fetchFn, setFetchFn }) {
      const subgraph = subgraphOf(url);
      const startedAt = performance.now();
      setFetchFn(async (...args) => {
        try {
          const response = await fetchFn(...args);
          subgraphCallsTotal.inc({ subgraph, outcome: response.ok ? 'ok' : `http_${response.status}` });
          return response;
        } catch (error) {
          subgraphCallsTotal.inc({ subgraph, outcome: 'unreachable' });
          throw error;
        } finally {
          subgraphCallDurationSeconds.observe({ subgraph }, (performance.now() - startedAt) / 1000);
        }
      });
    },
    onResponse({ response }) {
      const scope = requestScope.getStore();
      if (!scope || !reachesGraphql(scope.path)) return;
      const code = outcomeCode(scope, response.status);
      const operation = operationLabel(scope.operation);
      requestsTotal.inc({ operation, code });
      requestDurationSeconds.observe({ operation }, elapsedMs(scope) / 1000);
      if (response.status >= 400 && response.status < 500) rejectionsTotal.inc({ reason: code });
    },
  };
}
