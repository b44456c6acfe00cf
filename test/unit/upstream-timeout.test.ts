import type { ExecutionRequest } from '@graphql-tools/utils';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { useUpstreamTimeout } from '../../src/gateway/use-upstream-timeout';

type Execute = (request: Partial<ExecutionRequest>) => unknown;

/** The executor the plugin puts in place of a subgraph's. */
function timedExecutor(timeoutMs: number, executor: Execute): Execute {
  let wrapped: Execute | undefined;
  const onSubgraphExecute = useUpstreamTimeout(timeoutMs).onSubgraphExecute as (payload: unknown) => void;
  onSubgraphExecute({ executor, setExecutor: (fn: Execute) => (wrapped = fn) });
  return wrapped!;
}

/** A subgraph call that records the signal it runs with and answers when told. */
function pendingCall() {
  const seen: { signal?: AbortSignal; answer?: (result: ExecutionResult) => void } = {};
  const executor: Execute = (request) => {
    seen.signal = request.signal;
    return new Promise((resolve) => (seen.answer = resolve));
  };
  return { seen, executor };
}

describe('the upstream timeout', () => {
  test('an answer in time passes through, and no timer is left behind', async () => {
    jest.useFakeTimers();
    try {
      const { seen, executor } = pendingCall();
      const answer = timedExecutor(10_000, executor)({});
      expect(jest.getTimerCount()).toBe(1);
      seen.answer!({ data: { ok: true } });
      await expect(answer).resolves.toEqual({ data: { ok: true } });
      expect(jest.getTimerCount()).toBe(0);
      expect(seen.signal!.aborted).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  test("past the timeout: GATEWAY_TIMEOUT, and the call's signal aborts", async () => {
    const { seen, executor } = pendingCall();
    const error = (await (timedExecutor(20, executor)({}) as Promise<unknown>).catch(
      (e: unknown) => e,
    )) as GraphQLError;
    expect([error.message, error.extensions]).toEqual([
      'A subgraph did not answer within 20 ms',
      { code: 'GATEWAY_TIMEOUT' },
    ]);
    expect(seen.signal!.aborted).toBe(true);
  });

  test("the execution's signal aborts the call, with its reason; once answered, its listener is gone", async () => {
    const { seen, executor } = pendingCall();
    const execution = new AbortController();
    const answer = timedExecutor(60_000, executor)({ signal: execution.signal });
    execution.abort(new Error('deadline passed'));
    expect(seen.signal!.reason).toEqual(new Error('deadline passed'));
    seen.answer!({ data: null });
    await answer;

    const later = pendingCall();
    const next = new AbortController();
    const answered = timedExecutor(60_000, later.executor)({ signal: next.signal });
    later.seen.answer!({ data: { ok: true } });
    await answered;
    next.abort(new Error('too late'));
    expect(later.seen.signal!.aborted).toBe(false);
  });

  test('an answer that is not a promise is returned as it is, with no timer', () => {
    jest.useFakeTimers();
    try {
      const result = timedExecutor(10_000, () => ({ data: { sync: true } }))({});
      expect(result).toEqual({ data: { sync: true } });
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
