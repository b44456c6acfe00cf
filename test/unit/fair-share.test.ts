import { FairShare, type Release } from '../../src/gateway/fair-share';

const settled = async <T>(promise: Promise<T>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('fair share of the gateway per caller', () => {
  test('two run at once; the third waits for a release, in order; a full queue refuses', async () => {
    const share = new FairShare(2, 2);
    const first = await share.acquire('viewer:bob')!;
    await share.acquire('viewer:bob')!;
    const third = share.acquire('viewer:bob')!;
    const fourth = share.acquire('viewer:bob')!;
    expect(share.acquire('viewer:bob')).toBeUndefined(); // 2 running, 2 waiting
    expect(await settled(third)).toBe(false);
    // Another caller is not held up by bob.
    expect(await settled(share.acquire('viewer:alice')!)).toBe(true);
    first();
    first(); // a second release of the same slot frees nothing more
    expect(await settled(third)).toBe(true);
    expect(await settled(fourth)).toBe(false);
  });

  test('a caller given more (a partner app) runs more at once', async () => {
    const share = new FairShare(1, 0);
    expect(await settled(share.acquire('viewer:p_wallet', undefined, 3)!)).toBe(true);
    expect(await settled(share.acquire('viewer:p_wallet', undefined, 3)!)).toBe(true);
    expect(await settled(share.acquire('viewer:p_wallet', undefined, 3)!)).toBe(true);
    expect(share.acquire('viewer:p_wallet', undefined, 3)).toBeUndefined();
  });

  test('a waiting client that gives up leaves the queue; a caller with nothing left is forgotten', async () => {
    const share = new FairShare(1, 1);
    const running = await share.acquire('ip:10.0.0.1')!;
    const controller = new AbortController();
    const waiting = share.acquire('ip:10.0.0.1', controller.signal)!;
    controller.abort();
    await expect(waiting).rejects.toBeDefined();
    // Its place is free again.
    const next = share.acquire('ip:10.0.0.1')!;
    expect(next).toBeDefined();
    running();
    const release: Release = await next;
    release();
    expect(share.callerCount).toBe(0);
  });
});
