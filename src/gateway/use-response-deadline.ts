import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { type ExecutionResult, GraphQLError } from 'graphql';

/**
 * An overall deadline for executing a query or mutation (README "Limits"), over HTTP, SSE and
 * graphql-ws alike: once its execution has run `deadlineMs`, the answer is a 504
 * GATEWAY_TIMEOUT error and the execution's signal aborts what still runs for it (the runtime
 * passes that signal to every subgraph call), so no chain of slow calls holds a client and a slot
 * for long. Subscriptions do not execute here (they subscribe): long-lived by design, they have
 * none. The runtime's own `requestDeadline` would answer untyped text, and at the HTTP level.
 */
export function useResponseDeadline(deadlineMs: number): GatewayPlugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      // graphql-tools' executor (the runtime's) takes a `signal` that graphql-js's types lack.
      setExecuteFn((args: Parameters<typeof executeFn>[0] & { signal?: AbortSignal }) => {
        const deadline = new AbortController();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const passed = new Promise<ExecutionResult>((resolve) => {
          timer = setTimeout(() => {
            deadline.abort(new Error('response deadline passed'));
            resolve({
              errors: [
                new GraphQLError(
                  `No answer within ${deadlineMs} ms; a mutation may still have gone through: ` +
                    'retry it with the same idempotency key',
                  { extensions: { code: 'GATEWAY_TIMEOUT', http: { status: 504 } } },
                ),
              ],
            });
          }, deadlineMs);
        });
        // The request's own signal (the client went away) aborts the deadline's too: one listener,
        // dropped when the execution ends (AbortSignal.any costs 2-5x as much, in weak references).
        const requestSignal = args.signal;
        const forward = () => deadline.abort(requestSignal?.reason);
        if (requestSignal?.aborted) forward();
        else requestSignal?.addEventListener('abort', forward, { once: true });
        const answered = new Promise<unknown>((resolve) =>
          resolve(executeFn({ ...args, signal: deadline.signal } as typeof args)),
        ).finally(() => {
          clearTimeout(timer);
          requestSignal?.removeEventListener('abort', forward);
        });
        return Promise.race([answered, passed]) as ReturnType<typeof executeFn>;
      });
    },
  };
}
