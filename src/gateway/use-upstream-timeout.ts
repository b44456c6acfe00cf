import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { type ExecutionRequest, type Executor, isAsyncIterable, isPromise } from '@graphql-tools/utils';
import { GraphQLError } from 'graphql';

/**
 * Each subgraph call must answer within `timeoutMs` (UPSTREAM_TIMEOUT_MS): past it, that call's
 * part of the answer is a GATEWAY_TIMEOUT error (HTTP 504) and its fetch is aborted. The execution's
 * own signal (the response deadline, a client gone) aborts the call too. One timer per call,
 * cleared when the call answers: the runtime's `upstreamTimeout` left an `AbortSignal.timeout` alive
 * for the whole timeout after every call and joined signals through weak references, which cost
 * the gateway measurable CPU per request (README "Performance"). A subscription's stream is
 * long-lived: only its start is timed.
 */
export function useUpstreamTimeout(timeoutMs: number): GatewayPlugin {
  return {
    onSubgraphExecute({ executor, setExecutor }) {
      const timed = (request: ExecutionRequest) => {
        const call = new AbortController();
        const outer = request.signal;
        const forward = () => call.abort(outer?.reason);
        if (outer?.aborted) forward();
        else outer?.addEventListener('abort', forward, { once: true });
        let timer: ReturnType<typeof setTimeout> | undefined;
        const done = () => {
          clearTimeout(timer);
          outer?.removeEventListener('abort', forward);
        };
        let answer: ReturnType<typeof executor>;
        try {
          answer = executor({ ...request, signal: call.signal });
        } catch (error) {
          done();
          throw error;
        }
        if (!isPromise(answer)) {
          if (!isAsyncIterable(answer)) done();
          return answer;
        }
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = new GraphQLError(`A subgraph did not answer within ${timeoutMs} ms`, {
              extensions: { code: 'GATEWAY_TIMEOUT', http: { status: 504 } },
            });
            call.abort(error);
            reject(error);
          }, timeoutMs);
        });
        return Promise.race([answer, late]).then(
          (result) => {
            // A stream keeps following the execution's signal while it lasts.
            if (isAsyncIterable(result)) clearTimeout(timer);
            else done();
            return result;
          },
          (error: unknown) => {
            done();
            throw error;
          },
        );
      };
      setExecutor(timed as Executor);
    },
  };
}
