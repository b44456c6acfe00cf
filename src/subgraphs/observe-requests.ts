import type http from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MetricsAccess } from '../observability/metrics-access';
import { isMetricsRequest, sendMetrics } from '../observability/metrics-server';
import { recordAnswered } from '../observability/request-record';
import { requestScope, withRequestScope } from '../observability/request-scope';
import { tracer, tracingEnabled } from '../observability/tracing';
import { probePaths } from '../runtime/probe-paths';

/**
 * What every subgraph request passes through first: GET /metrics, then a request scope (the
 * gateway's request id), a server span continuing the gateway's trace, and once answered its
 * metrics and log line.
 */
export function observeRequests(
  service: string,
  access: MetricsAccess,
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  fromGateway: (req: http.IncomingMessage) => boolean,
): http.RequestListener {
  const scoped = withRequestScope(
    (req, res) => {
      const scope = requestScope.getStore()!;
      const pathname = scope.path;
      if (probePaths.has(pathname)) return handle(req, res);
      // Only the gateway's trace context is continued; anyone else's request starts its own trace.
      const parent = fromGateway(req) ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
      const span = tracingEnabled()
        ? tracer().startSpan(
            `${service} ${req.method ?? 'GET'} ${pathname}`,
            {
              kind: SpanKind.SERVER,
              attributes: {
                'http.request.method': req.method ?? 'GET',
                'url.path': pathname,
                'creditgraph.request_id': scope.requestId,
              },
            },
            parent,
          )
        : undefined;
      // `close`, not `finish`: a request the caller abandons is counted and its span ended too.
      res.once('close', () => {
        const code = recordAnswered(scope, {
          method: req.method,
          status: res.statusCode,
          counted: true,
          trace: span?.spanContext(),
        });
        if (span) {
          if (scope.operation) span.updateName(`${service} ${scope.operation}`);
          span.setAttributes({
            'http.response.status_code': res.statusCode,
            'graphql.operation.name': scope.operation ?? '',
            'creditgraph.outcome': code,
          });
          if (code !== 'OK') span.setStatus({ code: SpanStatusCode.ERROR, message: code });
          span.end();
        }
      });
      if (span) context.with(trace.setSpan(parent, span), () => handle(req, res));
      else handle(req, res);
    },
    { edge: (req) => !fromGateway(req) },
  );
  return (req, res) => {
    // Before the scope and the credential check: a scraper holds no gateway credential.
    if (isMetricsRequest(req)) return sendMetrics(access, req, res);
    scoped(req, res);
  };
}
