import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { isAsyncIterable } from '@graphql-tools/utils';
import { type ExecutionResult, getOperationAST } from 'graphql';
import { metricsReply, type MetricsAccess } from '../observability/metrics-access';
import { trace } from '@opentelemetry/api';
import { subgraphCallDurationSeconds, subgraphCallsTotal } from '../observability/metrics';
import { recordAnswered } from '../observability/request-record';
import { noteCodes, requestScope } from '../observability/request-scope';
import { metricsPath, probePaths } from '../runtime/probe-paths';
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
    onExecute({ args }) {
      // Without `operationName`, the document's one operation names the request (as in the subgraphs).
      const scope = requestScope.getStore();
      if (scope && scope.operation === undefined)
        scope.operation = getOperationAST(args.document, args.operationName)?.name?.value;
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
    onResponse({ request, response }) {
      const scope = requestScope.getStore();
      if (!scope || probePaths.has(scope.path)) return;
      // Every answer is logged; GraphQL requests are counted (not /oauth/token).
      recordAnswered(scope, {
        method: request.method,
        status: response.status,
        counted: reachesGraphql(scope.path),
        trace: trace.getActiveSpan()?.spanContext(),
      });
    },
  };
}
