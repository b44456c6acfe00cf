import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { reachesGraphql } from './graphql-paths';
import { jsonRefusal } from './json-refusal';

/**
 * An overall deadline for one answer (README "Limits"): once a request has run `deadlineMs`
 * (after its fair-share wait), it is answered 504 GATEWAY_TIMEOUT and its signal aborts what is
 * still running for it, so no chain of slow subgraph calls holds a client and a slot for long.
 * Event streams (SSE subscriptions) are long-lived by design and have none: their answer starts at
 * once, and the runtime's own `requestDeadline` would answer them with untyped text.
 */
export function useResponseDeadline(deadlineMs: number): GatewayPlugin {
  return {
    onRequest({ request, url, requestHandler, setRequestHandler, fetchAPI }) {
      if (!reachesGraphql(url.pathname)) return;
      if (request.headers.get('accept')?.includes('text/event-stream')) return;
      const deadline = new AbortController();
      const signal = AbortSignal.any([request.signal, deadline.signal]);
      // The runtime reads the request's signal for every subgraph call it makes for this request.
      Object.defineProperty(request, 'signal', { value: signal });
      setRequestHandler((req, serverContext) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const passed = new Promise<Response>((resolve) => {
          timer = setTimeout(() => {
            deadline.abort(new Error('response deadline passed'));
            resolve(
              jsonRefusal(
                fetchAPI,
                504,
                'GATEWAY_TIMEOUT',
                `No answer within ${deadlineMs} ms; a mutation may still have gone through: ` +
                  'retry it with the same idempotency key',
              ),
            );
          }, deadlineMs);
        });
        const answered = Promise.resolve(requestHandler(req, serverContext)).finally(() =>
          clearTimeout(timer),
        );
        return Promise.race([answered, passed]);
      });
    },
  };
}
