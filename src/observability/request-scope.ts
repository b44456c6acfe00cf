import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import type http from 'node:http';
import { performance } from 'node:perf_hooks';

/** The header that carries a request's id from the client to the gateway, the subgraphs and back. */
export const requestIdHeader = 'x-request-id';

/** What one request gathers while it runs: its id for the logs, and its outcome for the metrics. */
export interface RequestScope {
  requestId: string;
  startedAtMs: number;
  /** The request's path, without its query string. */
  path: string;
  operation?: string;
  /** The error codes of its answer, first one first (none: it succeeded). */
  codes?: string[];
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

// A client's own id is kept when it is a plain token; anything else is replaced, not logged.
const plainRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is usable, else a new one. */
export function requestIdFrom(header: string | string[] | null | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && plainRequestId.test(value) ? value : randomUUID();
}

/** Wraps an HTTP handler: each request runs in its scope, and its answer carries its id. */
export function withRequestScope(handler: http.RequestListener): http.RequestListener {
  return (req, res) => {
    const scope: RequestScope = {
      requestId: requestIdFrom(req.headers[requestIdHeader]),
      startedAtMs: performance.now(),
      path: (req.url ?? '/').split('?', 1)[0]!,
    };
    res.setHeader(requestIdHeader, scope.requestId);
    requestScope.run(scope, () => handler(req, res));
  };
}

/** A client-chosen operation name is logged up to this many characters. */
export const maxLoggedNameLength = 100;

/** Milliseconds since the current request arrived. */
export function elapsedMs(scope: RequestScope): number {
  return Math.round((performance.now() - scope.startedAtMs) * 10) / 10;
}

/** Notes the request's error codes (the first is the one its metrics and log line show). */
export function noteCodes(codes: readonly (string | undefined)[]): void {
  const scope = requestScope.getStore();
  if (!scope) return;
  const known = codes.filter((code): code is string => typeof code === 'string');
  if (known.length > 0) scope.codes = [...(scope.codes ?? []), ...known];
}

/** The request's outcome as one code: its first error code, `HTTP_<status>` for an uncoded failure, or OK. */
export function outcomeCode(scope: RequestScope, status: number): string {
  return scope.codes?.[0] ?? (status >= 400 ? `HTTP_${status}` : 'OK');
}
