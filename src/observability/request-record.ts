import type { SpanContext } from '@opentelemetry/api';
import { log } from './log';
import { operationLabel, rejectionsTotal, requestDurationSeconds, requestsTotal } from './metrics';
import { elapsedMs, maxLoggedNameLength, outcomeCode, type RequestScope } from './request-scope';

/**
 * What every process does once a request is answered: its metrics (when `counted`) and its log
 * line. Returns the request's outcome code.
 */
export function recordAnswered(
  scope: RequestScope,
  answer: { method: string | undefined; status: number; counted: boolean; trace?: SpanContext | undefined },
): string {
  const code = outcomeCode(scope, answer.status);
  const durationMs = elapsedMs(scope);
  if (answer.counted) {
    const operation = operationLabel(scope.operation);
    requestsTotal.inc({ operation, code });
    requestDurationSeconds.observe({ operation }, durationMs / 1000);
    if (answer.status >= 400 && answer.status < 500) rejectionsTotal.inc({ reason: code });
  }
  if (log().enabled('info'))
    log().info('request', {
      requestId: scope.requestId,
      ...(scope.clientRequestId ? { clientRequestId: scope.clientRequestId } : {}),
      ...(answer.trace && answer.trace.traceFlags & 1
        ? { traceId: answer.trace.traceId, spanId: answer.trace.spanId }
        : {}),
      method: answer.method,
      path: scope.path,
      status: answer.status,
      durationMs,
      operation: scope.operation?.slice(0, maxLoggedNameLength),
      code,
    });
  return code;
}
