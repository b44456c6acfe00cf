import type { ExecutionResult } from 'graphql';
import { useResponseDeadline } from '../../src/gateway/use-response-deadline';

type Execute = (args: { signal?: AbortSignal }) => Promise<unknown>;

/** The execute function the plugin puts in place of `executeFn`. */
function wrappedExecute(deadlineMs: number, executeFn: Execute): Execute {
  let wrapped: Execute | undefined;
  const onExecute = useResponseDeadline(deadlineMs).onExecute as (payload: unknown) => void;
  onExecute({ executeFn, setExecuteFn: (fn: Execute) => (wrapped = fn) });
  return wrapped!;
}

/** An execution that records the signal it runs with and ends when told. */
function pendingExecution() {
  const seen: { signal?: AbortSignal; finish?: (result: ExecutionResult) => void } = {};
  const executeFn: Execute = (args) => {
    seen.signal = args.signal;
    return new Promise((resolve) => (seen.finish = resolve));
  };
  return { seen, executeFn };
}

describe('the response deadline', () => {
  test("the client going away aborts the execution's signal, with its reason", async () => {
    const { seen, executeFn } = pendingExecution();
    const request = new AbortController();
    const answer = wrappedExecute(60_000, executeFn)({ signal: request.signal });
    expect(seen.signal!.aborted).toBe(false);
    request.abort(new Error('client gone'));
    expect(seen.signal!.aborted).toBe(true);
    expect(seen.signal!.reason).toEqual(new Error('client gone'));
    seen.finish!({ data: { ok: true } });
    await expect(answer).resolves.toEqual({ data: { ok: true } });
  });

  test('a client already gone: the execution starts with its signal aborted', async () => {
    const { seen, executeFn } = pendingExecution();
    const request = new AbortController();
    request.abort(new Error('gone before'));
    const answer = wrappedExecute(60_000, executeFn)({ signal: request.signal });
    expect(seen.signal!.aborted).toBe(true);
    seen.finish!({ data: null });
    await answer;
  });

  test("past the deadline: GATEWAY_TIMEOUT (HTTP 504), and the execution's signal aborts", async () => {
    const { seen, executeFn } = pendingExecution();
    const result = (await wrappedExecute(20, executeFn)({})) as ExecutionResult;
    expect(result.errors?.map((error) => [error.extensions.code, error.extensions.http])).toEqual([
      ['GATEWAY_TIMEOUT', { status: 504 }],
    ]);
    expect(seen.signal!.aborted).toBe(true);
  });

  test('once answered, a later abort of the request reaches nothing (its listener is gone)', async () => {
    const { seen, executeFn } = pendingExecution();
    const request = new AbortController();
    const answer = wrappedExecute(60_000, executeFn)({ signal: request.signal });
    seen.finish!({ data: { ok: true } });
    await answer;
    request.abort();
    expect(seen.signal!.aborted).toBe(false);
  });
});
