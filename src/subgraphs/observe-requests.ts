import type http from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { log } from '../observability/log';
import { metricsReply, type MetricsAccess } from '../observability/metrics-access';
import {
  operationLabel,
  rejectionsTotal,
  requestDurationSeconds,
  requestsTotal,
} from '../observability/metrics';
import {
  elapsedMs,
  maxLoggedNameLength,
  outcomeCode,
  requestScope,
  withRequestScope,
} from '../observability/request-scope';
import { tracer, tracingEnabled } from '../observability/tracing';
import { metricsPath, probePaths } from '../runtime/probe-paths';

/**
 * What every subgraph request passes through first: GET /metrics, then a request scope (the
 * gateway's request id), a server span continuing the gateway's trace, and on finish one log line
 * and the request metrics.
 */
export function observeRequests(
  service: string,
  access: MetricsAccess,
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): http.RequestListener {
  const scoped = withRequestScope((req, res) => {
    const scope = requestScope.getStore()!;
    const pathname = scope.path;
    if (probePaths.has(pathname)) return handle(req, res);
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
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
      const code = outcomeCode(scope, res.statusCode);
      const operation = operationLabel(scope.operation);
      requestsTotal.inc({ operation, code });
      requestDurationSeconds.observe({ operation }, elapsedMs(scope) / 1000);
      if (res.statusCode >= 400 && res.statusCode < 500) rejectionsTotal.inc({ reason: code });
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
      log().info('request', {
        requestId: scope.requestId,
        ...(span ? { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId } : {}),
        method: req.method,
        path: pathname,
        status: res.statusCode,
        durationMs: elapsedMs(scope),
        operation: scope.operation?.slice(0, maxLoggedNameLength),
        code,
      });
    });
    if (span) context.with(trace.setSpan(parent, span), () => handle(req, res));
    else handle(req, res);
  });
  return (req, res) => {
    // The raw path: a request line such as `GET http://[` must not throw before the credential check.
    if (req.method === 'GET' && (req.url ?? '/').split('?', 1)[0] === metricsPath) {
      void metricsReply(access, req.headers.authorization).then(
        (reply) => {
          res.writeHead(reply.status, { 'content-type': reply.contentType, 'cache-control': 'no-store' });
          res.end(reply.body);
        },
        () => res.destroy(),
      );
      return;
    }
    scoped(req, res);
  };
}
