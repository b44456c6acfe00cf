import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import type http from 'node:http';
import { performance } from 'node:perf_hooks';

/** The header that carries a request's id from the client to the gateway, the subgraphs and back. */
export const requestIdHeader = 'x-request-id';

/** What one request gathers while it runs: its id for the logs, and its outcome for the metrics. */
export interface RequestScope {
  requestId: string;
  /** At the edge, the id the client sent (a plain token), kept for its log line only. */
  clientRequestId?: string;
  startedAtMs: number;
  /** The request's path, without its query string. */
  path: string;
  operation?: string;
  /** The error codes of its answer, first one first (none: it succeeded). */
  codes?: string[];
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

// A sent id is used (or, at the edge, logged) only when it is a plain token; never anything else.
const plainToken = /^[A-Za-z0-9._:-]{1,128}$/;

function plainRequestId(header: string | string[] | null | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value && plainToken.test(value) ? value : undefined;
}

/** The caller's request id when it is usable, else a new one. */
export function requestIdFrom(header: string | string[] | null | undefined): string {
  return plainRequestId(header) ?? randomUUID();
}

/**
 * Wraps an HTTP handler: each request runs in its scope, and its answer carries its id. At the
 * edge (the gateway, or a subgraph called by anyone but the gateway) the id is always new, so no
 * client can put its requests under another's id in the logs; what the client sent is logged
 * beside it. From the gateway, a subgraph keeps the gateway's id.
 */
export function withRequestScope(
  handler: http.RequestListener,
  options: { edge: (req: http.IncomingMessage) => boolean },
): http.RequestListener {
  return (req, res) => {
    const sent = req.headers[requestIdHeader];
    const edge = options.edge(req);
    const scope: RequestScope = {
      requestId: edge ? randomUUID() : requestIdFrom(sent),
      startedAtMs: performance.now(),
      path: (req.url ?? '/').split('?', 1)[0]!,
    };
    const clientRequestId = edge ? plainRequestId(sent) : undefined;
    if (clientRequestId) scope.clientRequestId = clientRequestId;
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
