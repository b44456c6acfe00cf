import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { type ExecutionRequest, type Executor, isAsyncIterable, isPromise } from '@graphql-tools/utils';
import { GraphQLError } from 'graphql';

/**
 * Each subgraph call must answer within `timeoutMs` (UPSTREAM_TIMEOUT_MS): past it, that call's
 * part of the answer is a GATEWAY_TIMEOUT error and its fetch is aborted (which also ends a stream
 * that would arrive later). The rest of the answer stands, so no HTTP status goes with it: one slow
 * call does not turn the other calls' data into a 504. The execution's own signal (the response
 * deadline, a client gone) aborts the call too. One timer per call, cleared when the call answers:
 * the runtime's `upstreamTimeout` left an `AbortSignal.timeout` alive for the whole timeout after
 * every call and joined signals through weak references. A subscription's stream is long-lived:
 * only a start that is awaited is timed, never the stream.
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
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = new GraphQLError(`A subgraph did not answer within ${timeoutMs} ms`, {
              extensions: { code: 'GATEWAY_TIMEOUT' },
            });
            call.abort(error);
            reject(error);
          }, timeoutMs);
        });
        return Promise.race([answer, timedOut]).then(
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
